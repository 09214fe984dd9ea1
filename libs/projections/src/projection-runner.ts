// Runs projections as catch-up subscriptions to $all, each from its own checkpoint (the shared
// SubscriberRunner, which reactors use too). Every batch of events is applied in one read-store unit of
// work together with the new checkpoint, so a crash never loses or double-applies a batch, and a
// restart continues where the last commit left off. A batch that keeps failing is retried, then split
// until the failing event is alone: that event is parked and the others are committed.
import { EventStore, formatPosition, RecordedEvent } from '@mentoring/event-store';
import { Doc, ReadStore } from '@mentoring/read-store';
import { applyJointSlice, yieldToEventLoop } from './apply-batch';
import { Projection } from './projection';
import { RebuildInterruptedError, RebuildProgress, rebuildProjection } from './rebuild';
import { shadowOf } from './shadow';
import { RunnerLogger, SubscriberEntry, SubscriberRunner, SubscriberRunnerOptions, SubscriberStatus } from './subscriber-runner';

/** A projection's status: checkpoint, lag, events processed since start, last error, parked events. */
export type ProjectionStatus = SubscriberStatus;
export type { RunnerLogger } from './subscriber-runner';

/** Where rebuild requests and their progress are kept, so any process can ask and watch (the CLI, the API). */
export const REBUILD_REQUESTS = '_projection_rebuilds';

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
/** The version of each projection's stored documents (see `Projection.version`). */
export const PROJECTION_VERSIONS = '_projection_versions';

export interface ProjectionVersionDoc extends Doc {
  _id: string;
  version: number;
  since: string;
}

/**
 * Records that the documents of `projections` are of their code's version (after an offline rebuild or the seed's
 * projecting): without it, the next start takes them for version 1 and rebuilds every projection whose version is
 * higher, all over again.
 */
export async function recordProjectionVersions(readStore: ReadStore, projections: readonly Projection[], now = new Date()): Promise<void> {
  const versions = readStore.collection<ProjectionVersionDoc>(PROJECTION_VERSIONS);
  for (const projection of projections) {
    await versions.replaceOne({ _id: projection.name }, { _id: projection.name, version: projection.version ?? 1, since: now.toISOString() }, { upsert: true });
  }
}

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

interface JointMember {
  entry: SubscriberEntry<Projection>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface JointBatch {
  events: RecordedEvent[];
  members: JointMember[];
}

export class ProjectionRunner extends SubscriberRunner<Projection> {
  protected readonly kind = 'projection' as const;
  /** Projections whose stored version was found current (no need to look again). */
  private readonly checkedVersions = new Map<string, number>();
  /** Batches handed to several projections in this turn of the event loop, by their events (see process()). */
  private readonly joining = new Map<string, JointBatch>();
  /** Units of work committed for several projections at once since the start (tests, diagnostics). */
  jointCommits = 0;

  constructor(
    eventStore: EventStore,
    readStore: ReadStore,
    readonly projections: readonly Projection[],
    logger?: RunnerLogger,
    options?: SubscriberRunnerOptions,
  ) {
    super(eventStore, readStore, projections, logger, options);
  }

  /** A projection that has never run starts at its code's version (nothing to rebuild), before it writes anything. */
  override async start(): Promise<void> {
    const versions = this.readStore.collection<ProjectionVersionDoc>(PROJECTION_VERSIONS);
    for (const projection of this.projections) {
      if ((await this.readStore.getCheckpoint(projection.name)) || (await versions.findOne({ _id: projection.name }))) continue;
      await recordProjectionVersions(this.readStore, [projection]);
    }
    await super.start();
  }

  /**
   * A batch in time slices, each one unit of work with its checkpoint, the event loop free in between (a catch-up
   * never holds requests up). A failure rolls its slice back; what earlier slices committed stays (the base class
   * retries from the checkpoint, then isolates).
   */
  protected process(entry: SubscriberEntry<Projection>, events: RecordedEvent[]): Promise<void> {
    // Projections handed the same events in the same turn of the event loop (the process's shared $all reader hands
    // one batch to all of them at once) apply them together: one unit of work per slice for all of them.
    const key = `${formatPosition(events[0].position)}..${formatPosition(events[events.length - 1].position)}/${events.length}`;
    return new Promise<void>((resolve, reject) => {
      let joint = this.joining.get(key);
      if (!joint) {
        const created: JointBatch = { events, members: [] };
        this.joining.set(key, (joint = created));
        // At its turn of the event loop (every projection handed this batch has joined by then).
        void yieldToEventLoop().then(() => {
          this.joining.delete(key);
          void this.processJointly(created);
        });
      }
      joint.members.push({ entry, resolve, reject });
    });
  }

  /**
   * `events` in time slices, each applied by every projection of `entries` and committed once with all their
   * checkpoints, the event loop free in between. A failure rolls its slice back; what earlier slices committed stays.
   */
  private async applyInSlices(entries: ReadonlyArray<SubscriberEntry<Projection>>, events: RecordedEvent[]): Promise<void> {
    const projections = entries.map((e) => e.subscriber);
    for (let from = 0; from < events.length; ) {
      await yieldToEventLoop();
      const applied = await applyJointSlice(this.readStore, projections, events, from);
      from += applied;
      if (entries.length > 1) this.jointCommits++;
      for (const entry of entries) this.committed(entry, events[from - 1].position, applied);
    }
  }

  /**
   * The projections handed one batch together apply it together. When a slice fails (one projection's bug, a lease
   * lost), each goes on alone from its own checkpoint, so that the others commit and the failing one is retried,
   * isolated and parked by itself (the base class).
   */
  private async processJointly({ events, members }: JointBatch): Promise<void> {
    const settle = (member: JointMember, work: Promise<void>) => work.then(member.resolve, member.reject);
    try {
      await this.applyInSlices(members.map((m) => m.entry), events);
    } catch (error) {
      if (members.length === 1) return members[0].reject(error);
      await Promise.all(members.map((member) => settle(member, this.applyInSlices([member.entry], this.pending(member.entry, events)))));
      return;
    }
    for (const member of members) member.resolve();
  }

  /** A parked event again, in its own unit of work (fenced by the lease), leaving the checkpoint where it is. */
  protected async reprocess(projection: Projection, event: RecordedEvent): Promise<void> {
    if (!projection.eventTypes.has(event.type)) return;
    await this.fenced(projection.name).transaction((tx) => projection.apply(event, tx));
  }

  protected override async afterBatch(_entry: SubscriberEntry<Projection>, events: RecordedEvent[]): Promise<void> {
    if (events.length < SMALL_BATCH) await new Promise((resolve) => setTimeout(resolve, LIVE_COALESCE_MS));
  }

  protected override async poll(): Promise<void> {
    await super.poll();
    await this.requestRebuildsOfOutdated();
    await this.serveRebuildRequests();
  }

  /**
   * Documents written by an older version of a projection (`Projection.version`) are rebuilt, without
   * downtime, by the runner that holds its lease; a projection with no checkpoint yet simply starts at its
   * version. Checked at every poll, so it also happens after a rolling upgrade of the projector.
   */
  async requestRebuildsOfOutdated(): Promise<void> {
    const versions = this.readStore.collection<ProjectionVersionDoc>(PROJECTION_VERSIONS);
    const requests = this.readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS);
    for (const projection of this.projections) {
      const name = projection.name;
      const wanted = projection.version ?? 1;
      if (!this.owns(name) || this.checkedVersions.get(name) === wanted) continue;
      const stored = await versions.findOne({ _id: name });
      // Documents stored before versions were recorded are version 1 (start() records a new projection's).
      const current = stored ? stored.version : 1;
      if (current === wanted) {
        if (stored?.version !== wanted) await recordProjectionVersions(this.readStore, [projection]);
        this.checkedVersions.set(name, wanted);
        continue;
      }
      // One automatic attempt per version: a failed rebuild stays visible (GET /admin/projections) for an operator.
      const pending = await requests.findOne({ _id: name });
      if (pending && pending.state !== 'switched') continue;
      this.logger.log(`projection ${name}: documents of version ${current}, code at ${wanted}: rebuilding without downtime`);
      await requestRebuild(this.readStore, name);
    }
  }

  /** Runs the rebuilds requested through {@link requestRebuild}, one at a time, reporting progress. */
  async serveRebuildRequests(): Promise<void> {
    const requests = this.readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS);
    // Only the runner that holds a projection's lease rebuilds it.
    const pending = await requests.find({ state: 'requested', _id: { $in: this.leases.heldNames() } }, { sort: { requestedAt: 1 } });
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
        const projection = this.projections.find((p) => p.name === request._id)!;
        await recordProjectionVersions(this.readStore, [projection]);
        this.checkedVersions.set(request._id, projection.version ?? 1);
        this.logger.log(`projection ${request._id} rebuilt from ${result.done} events and switched`);
      } catch (error) {
        if (error instanceof RebuildInterruptedError) {
          // Asked for again: the runner that holds the lease next (this process restarted, or a standby) starts it over.
          await requests.updateOne({ _id: request._id }, { $set: { state: 'requested', startedAt: null, done: 0, total: 0 } });
          this.logger.log(`rebuild of ${request._id} interrupted by the stop after ${error.done} events; it starts again at the next start`);
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        await requests.updateOne({ _id: request._id }, { $set: { state: 'failed', error: message, finishedAt: new Date().toISOString() } });
        this.logger.error(`rebuild of ${request._id} failed: ${message}`);
      }
    }
  }

  /**
   * Rebuilds one projection without downtime: the next version is built beside the live one from the
   * first event while the live one keeps serving and updating; then the live subscription pauses, the
   * next version catches up to the head, replaces the live collections and takes its checkpoint, and
   * the subscription resumes from there. Queries see the old complete read model, then the new one.
   */
  async rebuild(name: string, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`no running projection ${name}`);
    if (!this.owns(name)) throw new Error(`projection ${name} is run by another runner (its lease): that one rebuilds it`);
    const next = shadowOf(entry.subscriber);
    // A stop (SIGTERM) does not wait for a rebuild of millions of events: it is given up between batches, before the
    // switch, and the live read model is untouched (serveRebuildRequests asks for it again).
    const built = await rebuildProjection(this.eventStore, this.readStore, next, { onProgress, shouldStop: () => this.stopped });
    entry.paused = true;
    try {
      if (entry.restartTimer) clearTimeout(entry.restartTimer);
      await entry.subscription?.stop();
      entry.subscription = null;
      // The last events since the first pass, with nothing else writing this projection.
      const rest = await rebuildProjection(this.eventStore, this.readStore, next, { resume: true });
      // One switch, atomic for readers (ADR 0006): the live collections and the checkpoint are all old or all new.
      await this.readStore.replaceCollections(
        entry.subscriber.collections.map((live, i) => ({ from: next.collections[i], to: live })),
        { from: next.name, to: name },
      );
      await entry.subscriber.setup?.(this.readStore);
      return { done: built.done + rest.done, total: built.total + rest.done };
    } finally {
      entry.paused = false;
      await this.subscribe(entry);
    }
  }
}
