// Runs projections as catch-up subscriptions to $all, each from its own checkpoint. Every batch of
// events is applied in one read-store unit of work together with the new checkpoint, so a crash
// never loses or double-applies a batch, and a restart continues where the last commit left off.
import { EventStore, Position, RecordedEvent, START, Subscription, comparePositions, formatPosition, parsePosition } from '@mentoring/event-store';
import { ReadStore } from '@mentoring/read-store';
import { Projection } from './projection';

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
  subscription: Subscription | null;
  checkpoint: Position | null;
  lastError: string | null;
  processed: number;
  restartTimer: NodeJS.Timeout | null;
  waiters: Array<{ position: Position; resolve: () => void }>;
}

const RESTART_DELAY_MS = 1000;
/**
 * After a small live batch, wait this long before asking for the next one, so that the commits of a
 * busy moment are applied as one unit of work instead of one each (fewer read-store commits).
 */
const LIVE_COALESCE_MS = 5;
const SMALL_BATCH = 50;

/** Applies a batch of events in one unit of work and commits the checkpoint with it. */
export async function applyBatch(readStore: ReadStore, projection: Projection, events: RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await readStore.transaction(async (tx) => {
    for (const event of events) {
      if (projection.eventTypes.has(event.type)) await projection.apply(event, tx);
    }
    await tx.setCheckpoint(projection.name, formatPosition(events[events.length - 1].position));
  });
}

export class ProjectionRunner {
  private readonly running = new Map<string, Running>();
  private stopped = true;

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
      const entry: Running = { projection, subscription: null, checkpoint: null, lastError: null, processed: 0, restartTimer: null, waiters: [] };
      this.running.set(projection.name, entry);
      await this.subscribe(entry);
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
        if (!this.stopped) {
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

  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.running.values()) {
      if (entry.restartTimer) clearTimeout(entry.restartTimer);
      await entry.subscription?.stop();
      entry.subscription = null;
    }
  }
}
