// Runs projections as catch-up subscriptions to $all, each from its own checkpoint. Every batch of
// events is applied in one read-store unit of work together with the new checkpoint, so a crash
// never loses or double-applies a batch, and a restart continues where the last commit left off.
import { EventStore, Position, START, Subscription, comparePositions, parsePosition } from '@mentoring/event-store';
import { ReadStore } from '@mentoring/read-store';
import { applyBatch } from './apply-batch';
import { Projection } from './projection';
import { RebuildProgress, rebuildProjection } from './rebuild';
import { shadowOf } from './shadow';

export interface ProjectionStatus {
  name: string;
  running: boolean;
  /** Serialised position of the last committed batch, or null before the first one. */
  checkpoint: string | null;
  /** Events in the log after the checkpoint (0 = caught up). */
  lag: number;
  /** Events delivered to this projection since the process started (a restart resumes, it does not replay). */
  processedSinceStart: number;
  lastError: string | null;
}

export interface RunnerLogger {
  log(message: string): void;
  error(message: string): void;
}

interface Running {
  projection: Projection;
  /** Set while a rebuild switches this projection: errors do not restart it meanwhile. */
  paused: boolean;
  subscription: Subscription | null;
  checkpoint: Position | null;
  lastError: string | null;
  processed: number;
  restartTimer: NodeJS.Timeout | null;
  waiters: Array<{ position: Position; resolve: () => void }>;
}

const RESTART_DELAY_MS = 1000;
/** Where rebuild requests and their progress are kept, so any process can ask and watch (the CLI, the API). */
export const REBUILD_REQUESTS = '_projection_rebuilds';
const REBUILD_POLL_MS = 500;

export interface RebuildRequestDoc {
  _id: string;
  state: 'requested' | 'running' | 'switched' | 'failed';
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  done: number;
  total: number;
  error: string | null;
  [key: string]: unknown;
}

/** Asks the process that runs `name` to rebuild it without downtime (it watches for requests). */
export async function requestRebuild(readStore: ReadStore, name: string, now = new Date()): Promise<RebuildRequestDoc> {
  const doc: RebuildRequestDoc = { _id: name, state: 'requested', requestedAt: now.toISOString(), startedAt: null, finishedAt: null, done: 0, total: 0, error: null };
  await readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS).replaceOne({ _id: name }, doc, { upsert: true });
  return doc;
}
/**
 * After a small live batch, wait this long before asking for the next one, so that the commits of a
 * busy moment are applied as one unit of work instead of one each (fewer read-store commits).
 */
const LIVE_COALESCE_MS = 5;
const SMALL_BATCH = 50;

export class ProjectionRunner {
  private readonly running = new Map<string, Running>();
  private stopped = true;
  private rebuildTimer: NodeJS.Timeout | null = null;
  private rebuilding: Promise<void> | null = null;

  constructor(
    private readonly eventStore: EventStore,
    private readonly readStore: ReadStore,
    readonly projections: readonly Projection[],
    private readonly logger: RunnerLogger = { log: () => undefined, error: (m) => console.error(m) },
  ) {
    const names = new Set<string>();
    for (const p of projections) {
      if (names.has(p.name)) throw new Error(`duplicate projection name ${p.name}`);
      names.add(p.name);
    }
  }

  async start(): Promise<void> {
    this.stopped = false;
    for (const projection of this.projections) {
      await projection.setup?.(this.readStore);
      const entry: Running = { projection, paused: false, subscription: null, checkpoint: null, lastError: null, processed: 0, restartTimer: null, waiters: [] };
      this.running.set(projection.name, entry);
      await this.subscribe(entry);
    }
    this.rebuildTimer = setInterval(() => {
      if (!this.rebuilding) this.rebuilding = this.serveRebuildRequests().finally(() => (this.rebuilding = null));
    }, REBUILD_POLL_MS);
    this.rebuildTimer.unref();
  }

  /** Runs the rebuilds requested through {@link requestRebuild}, one at a time, reporting progress. */
  async serveRebuildRequests(): Promise<void> {
    const requests = this.readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS);
    const pending = await requests.find({ state: 'requested', _id: { $in: [...this.running.keys()] } }, { sort: { requestedAt: 1 } });
    for (const request of pending) {
      if (this.stopped) return;
      await requests.updateOne({ _id: request._id }, { $set: { state: 'running', startedAt: new Date().toISOString() } });
      let last = 0;
      try {
        const result = await this.rebuild(request._id, ({ done, total }) => {
          if (done - last >= 1000 || done === total) {
            last = done;
            void requests.updateOne({ _id: request._id, state: 'running' }, { $set: { done, total } }).catch(() => undefined);
          }
        });
        await requests.updateOne({ _id: request._id }, { $set: { state: 'switched', done: result.done, total: result.total, finishedAt: new Date().toISOString() } });
        this.logger.log(`projection ${request._id} rebuilt from ${result.done} events and switched`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await requests.updateOne({ _id: request._id }, { $set: { state: 'failed', error: message, finishedAt: new Date().toISOString() } });
        this.logger.error(`rebuild of ${request._id} failed: ${message}`);
      }
    }
  }

  private async subscribe(entry: Running): Promise<void> {
    if (this.stopped) return;
    const stored = await this.readStore.getCheckpoint(entry.projection.name);
    entry.checkpoint = stored ? parsePosition(stored.position) : null;
    entry.subscription = this.eventStore.subscribeToAll({
      after: entry.checkpoint ?? START,
      batchSize: 500,
      onEvents: async (events) => {
        await applyBatch(this.readStore, entry.projection, events);
        entry.checkpoint = events[events.length - 1].position;
        entry.processed += events.length;
        entry.lastError = null;
        this.release(entry);
        if (events.length < SMALL_BATCH) await new Promise((resolve) => setTimeout(resolve, LIVE_COALESCE_MS));
      },
      onError: (error) => {
        // The batch was rolled back; resubscribe from the stored checkpoint after a pause.
        entry.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error(`projection ${entry.projection.name} failed: ${entry.lastError}; retrying in ${RESTART_DELAY_MS} ms`);
        entry.subscription = null;
        if (!this.stopped && !entry.paused) {
          entry.restartTimer = setTimeout(() => {
            entry.restartTimer = null;
            void this.subscribe(entry).catch((e) => this.logger.error(String(e)));
          }, RESTART_DELAY_MS);
        }
      },
    });
  }

  private release(entry: Running): void {
    if (!entry.checkpoint) return;
    const reached = entry.checkpoint;
    entry.waiters = entry.waiters.filter((w) => {
      if (comparePositions(w.position, reached) <= 0) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  /**
   * Resolves true once every named projection (all by default) has processed `position`, false after
   * `timeoutMs`. Lets a query read its own writes without the client sleeping.
   */
  async waitFor(position: Position, timeoutMs: number, names?: readonly string[]): Promise<boolean> {
    const entries = [...this.running.values()].filter((e) => !names || names.includes(e.projection.name));
    const pending = entries.map(
      (entry) =>
        new Promise<void>((resolve) => {
          if (entry.checkpoint && comparePositions(position, entry.checkpoint) <= 0) return resolve();
          entry.waiters.push({ position, resolve });
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all(pending).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async status(): Promise<ProjectionStatus[]> {
    const out: ProjectionStatus[] = [];
    for (const projection of this.projections) {
      const entry = this.running.get(projection.name);
      const stored = await this.readStore.getCheckpoint(projection.name);
      const checkpoint = stored ? parsePosition(stored.position) : null;
      out.push({
        name: projection.name,
        running: !!entry?.subscription,
        checkpoint: stored?.position ?? null,
        lag: await this.eventStore.countAfter(checkpoint ?? START),
        processedSinceStart: entry?.processed ?? 0,
        lastError: entry?.lastError ?? null,
      });
    }
    return out;
  }

  /**
   * Rebuilds one projection without downtime: the next version is built beside the live one from the
   * first event while the live one keeps serving and updating; then the live subscription pauses, the
   * next version catches up to the head, replaces the live collections and takes its checkpoint, and
   * the subscription resumes from there. Queries see the old complete read model, then the new one.
   */
  async rebuild(name: string, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress> {
    const entry = this.running.get(name);
    if (!entry) throw new Error(`no running projection ${name}`);
    const next = shadowOf(entry.projection);
    const built = await rebuildProjection(this.eventStore, this.readStore, next, { onProgress });
    entry.paused = true;
    try {
      if (entry.restartTimer) clearTimeout(entry.restartTimer);
      await entry.subscription?.stop();
      entry.subscription = null;
      // The last events since the first pass, with nothing else writing this projection.
      const rest = await rebuildProjection(this.eventStore, this.readStore, next, { resume: true });
      for (const [i, live] of entry.projection.collections.entries()) {
        if ((await this.readStore.listCollections()).includes(next.collections[i])) await this.readStore.renameCollection(next.collections[i], live);
        else await this.readStore.dropCollection(live);
      }
      const reached = await this.readStore.getCheckpoint(next.name);
      if (reached) await this.readStore.setCheckpoint(name, reached.position);
      else await this.readStore.deleteCheckpoint(name);
      await this.readStore.deleteCheckpoint(next.name);
      await entry.projection.setup?.(this.readStore);
      return { done: built.done + rest.done, total: built.total + rest.done };
    } finally {
      entry.paused = false;
      await this.subscribe(entry);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rebuildTimer) clearInterval(this.rebuildTimer);
    await this.rebuilding;
    for (const entry of this.running.values()) {
      if (entry.restartTimer) clearTimeout(entry.restartTimer);
      await entry.subscription?.stop();
      entry.subscription = null;
    }
  }
}
