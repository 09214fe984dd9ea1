// The one way subscribers run: projections and reactors alike are catch-up subscriptions to $all, each
// from its own checkpoint stored in the read store, committed together with the subscriber's writes.
// This base class owns what they share: subscribing from the checkpoint, resubscribing after a
// transient failure (store unavailable) with back-off, bounded retries of a failing batch, finding and
// parking a poison event so that the others go on, serving retry requests for parked events, lag and
// status, and waiting for a position. Subclasses say how a batch is applied and committed.
//
// One owner per subscriber (ADR 0004): a runner runs a subscriber only while it holds the subscriber's
// lease in the read store (subscriber-leases.ts). At start it takes every lease that is free, at once;
// the others it stands by for, trying again every `leaseRenewEveryMs`, and when one expires (its owner
// died) it takes it and resumes from the stored checkpoint. Every unit of work that commits a
// subscriber's checkpoint goes through a fenced view of the read store: it commits only while the lease
// is still this runner's. A graceful stop releases the leases; a crash leaves them to expire.
import { EventStore, Position, RecordedEvent, START, Subscription, comparePositions, formatPosition, parsePosition } from '@mentoring/event-store';
import { ReadStore } from '@mentoring/read-store';
import { yieldToEventLoop } from './apply-batch';
import { PARKED_EVENTS, ParkedEventDoc, countParkedEvents, parkedEventId, requestParkedRetry } from './parked-events';
import { LeaseLostError, LeaseState, SubscriberLeases, fencedReadStore } from './subscriber-leases';

/** What every subscriber declares. */
export interface Subscriber {
  /** Stable name; also the checkpoint's name. */
  readonly name: string;
  /** Event types it handles; others still advance its checkpoint. */
  readonly eventTypes: ReadonlySet<string>;
  /** Creates indexes; runs before the first event. Must be idempotent. */
  setup?(store: ReadStore): Promise<void>;
}

export interface SubscriberStatus {
  name: string;
  running: boolean;
  /** Serialised position of the last committed event, or null before the first one. */
  checkpoint: string | null;
  /** Events in the log after the checkpoint (0 = caught up). */
  lag: number;
  /** Events delivered to this subscriber since the process started (a restart resumes, it does not replay). */
  processedSinceStart: number;
  lastError: string | null;
  /** Events this subscriber parked that are not resolved yet. */
  parked: number;
  /** Who runs the subscriber (its lease), until when, and whether it is this runner. */
  lease: LeaseState;
}

/** In-memory state of a subscriber ({@link SubscriberRunner.liveStatus}): no store read. */
export interface SubscriberLiveStatus {
  name: string;
  /** The runner is started (not stopped). */
  started: boolean;
  /** This runner holds the subscriber's lease (it is this process's to run). */
  leaseHeld: boolean;
  /** Subscribed now. */
  running: boolean;
  /** Stopped by a failure, resubscribing after a back-off. */
  restarting: boolean;
  /** Paused by a rebuild's switch. */
  paused: boolean;
  /** Last committed position known here; null before the first (or before the subscription opened). */
  checkpoint: Position | null;
  processedSinceStart: number;
  lastError: string | null;
}

export interface RunnerLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface SubscriberRunnerOptions {
  /** Attempts at a failing batch, and then at the failing event alone, before the event is parked. Default 3. */
  maxAttempts?: number;
  /** Delay before the second attempt; doubles with each further attempt. Default 100 ms. */
  retryDelayMs?: number;
  /** Delay before resubscribing after a transient failure; doubles with each consecutive failure, up to 30 s. Default 1000 ms. */
  restartDelayMs?: number;
  /** Largest batch handed to a subscriber. Default 500. */
  batchSize?: number;
  /** How often requests stored in the read store (parked-event retries, rebuilds) are looked for. Default 500 ms. */
  pollMs?: number;
  /** Lifetime of a subscriber's lease without renewal (SUBSCRIBER_LEASE_SECONDS). Default 15 s. */
  leaseTtlMs?: number;
  /** How often held leases are renewed and a standby tries to take the others over. Default a third of the TTL. */
  leaseRenewEveryMs?: number;
  /** This runner's name in the lease documents. Default `<hostname>/<pid>/<random>`. */
  leaseOwner?: string;
}

export interface StopOptions {
  /**
   * Release the leases (default true), so that a standby takes over at its next attempt. `false` leaves
   * them to expire, as a crash does.
   */
  releaseLeases?: boolean;
}

/**
 * A failure that is not the event's fault (a store or an SMTP server unavailable, a lost race): the
 * subscriber stops, resubscribes from its checkpoint after a pause, and the event is never parked for it.
 */
export class TransientError extends Error {
  readonly transient = true;
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'TransientError';
  }
}

const TRANSIENT_CODES = new Set(['read_store_unavailable', 'event_store_unavailable', 'write_conflict', 'wrong_expected_revision']);

export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { transient?: unknown; code?: unknown };
  return e.transient === true || (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface SubscriberEntry<S extends Subscriber> {
  subscriber: S;
  /** Set while a rebuild switches this subscriber: errors do not restart it meanwhile. */
  paused: boolean;
  subscription: Subscription | null;
  checkpoint: Position | null;
  lastError: string | null;
  processed: number;
  /** Consecutive transient failures, for the back-off. */
  failures: number;
  restartTimer: NodeJS.Timeout | null;
  waiters: Array<{ position: Position; resolve: () => void }>;
  /** A subscription being opened, or the last one being stopped: the next one waits for it. */
  transition: Promise<void> | null;
}

const MAX_RESTART_DELAY_MS = 30_000;
/** How often {@link SubscriberRunner.waitFor} reads the stored checkpoint of a subscriber run by another runner. */
const STANDBY_WAIT_POLL_MS = 20;

export abstract class SubscriberRunner<S extends Subscriber> {
  protected readonly entries = new Map<string, SubscriberEntry<S>>();
  protected stopped = true;
  protected readonly options: Required<Omit<SubscriberRunnerOptions, 'leaseTtlMs' | 'leaseRenewEveryMs' | 'leaseOwner'>>;
  /** The leases of this runner's subscribers: who runs each one. */
  readonly leases: SubscriberLeases;
  /** The read store, fenced: a unit of work that commits a subscriber's checkpoint needs its lease. */
  protected readonly readStore: ReadStore;
  private readonly fencedStores = new Map<string, ReadStore>();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private leasing: Promise<void> | null = null;
  private readonly sleepers = new Set<() => void>();

  /** Recorded in parked events, to tell the CLI what kind of subscriber parked them. */
  protected abstract readonly kind: ParkedEventDoc['kind'];

  constructor(
    protected readonly eventStore: EventStore,
    private readonly store: ReadStore,
    readonly subscribers: readonly S[],
    protected readonly logger: RunnerLogger = { log: () => undefined, error: (m) => console.error(m) },
    options: SubscriberRunnerOptions = {},
  ) {
    const names = new Set<string>();
    for (const s of subscribers) {
      if (names.has(s.name)) throw new Error(`duplicate subscriber name ${s.name}`);
      names.add(s.name);
    }
    this.options = {
      maxAttempts: Math.max(1, options.maxAttempts ?? 3),
      retryDelayMs: options.retryDelayMs ?? 100,
      restartDelayMs: options.restartDelayMs ?? 1000,
      batchSize: options.batchSize ?? 500,
      pollMs: options.pollMs ?? 500,
    };
    this.leases = new SubscriberLeases(store, names, { ttlMs: options.leaseTtlMs, renewEveryMs: options.leaseRenewEveryMs, owner: options.leaseOwner });
    this.readStore = fencedReadStore(store, this.leases);
  }

  /** True while this runner holds the subscriber's lease: it runs it, and may commit its work. */
  owns(name: string): boolean {
    return this.leases.holds(name);
  }

  /** A view of the read store whose every unit of work needs `name`'s lease (work without a checkpoint). */
  protected fenced(name: string): ReadStore {
    let fenced = this.fencedStores.get(name);
    if (!fenced) this.fencedStores.set(name, (fenced = fencedReadStore(this.store, this.leases, name)));
    return fenced;
  }

  /** Throws LeaseLostError unless this runner holds `name`'s lease (before an effect). */
  protected assertOwner(name: string): void {
    if (!this.leases.holds(name)) throw new LeaseLostError(name, 'this runner does not hold the lease (any more)');
  }

  /**
   * Applies consecutive events that follow the checkpoint, committing the checkpoint with the writes;
   * calls {@link committed} after every commit. Throws when an event fails (what was committed stays).
   */
  protected abstract process(entry: SubscriberEntry<S>, events: RecordedEvent[]): Promise<void>;

  /** Applies a parked event again (a retry requested by an operator), without moving the checkpoint. */
  protected abstract reprocess(subscriber: S, event: RecordedEvent): Promise<void>;

  /** Runs after each delivered batch (a projection coalesces small live batches here). */
  protected async afterBatch(_entry: SubscriberEntry<S>, _events: RecordedEvent[]): Promise<void> {}

  /** Work asked for through the read store by other processes; runs every `pollMs` while started. */
  protected async poll(): Promise<void> {
    await this.serveRetryRequests();
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.leases.register();
    for (const subscriber of this.subscribers) {
      await subscriber.setup?.(this.readStore);
      const entry: SubscriberEntry<S> = {
        subscriber,
        paused: false,
        subscription: null,
        checkpoint: null,
        lastError: null,
        processed: 0,
        failures: 0,
        restartTimer: null,
        waiters: [],
        transition: null,
      };
      this.entries.set(subscriber.name, entry);
      // Free (or this store's previous process's): taken now, no wait. Otherwise another runner runs it.
      if (await this.leases.acquire(subscriber.name)) await this.subscribe(entry);
      else this.logger.log(`${subscriber.name}: run by another runner; standing by`);
    }
    this.scheduleLeases();
    this.pollTimer = setInterval(() => {
      if (this.polling || this.stopped) return;
      this.polling = this.poll()
        .catch((error) => {
          if (!this.stopped) this.logger.error(`polling for requests failed: ${messageOf(error)}`);
        })
        .finally(() => (this.polling = null));
    }, this.options.pollMs);
    this.pollTimer.unref();
  }

  /** Subscribes from the stored checkpoint, when this runner holds the lease and is not subscribed yet. */
  protected subscribe(entry: SubscriberEntry<S>): Promise<void> {
    return this.chain(entry, async () => {
      if (this.stopped || entry.subscription || !this.leases.holds(entry.subscriber.name)) return;
      await this.open(entry);
    });
  }

  /** Runs `step` once the entry's previous transition (a subscription opening or stopping) is over. */
  private chain(entry: SubscriberEntry<S>, step: () => Promise<void>): Promise<void> {
    const current = (entry.transition ?? Promise.resolve()).then(step);
    const settled: Promise<void> = current
      .catch(() => undefined)
      .finally(() => {
        if (entry.transition === settled) entry.transition = null;
      });
    entry.transition = settled;
    return current;
  }

  private async open(entry: SubscriberEntry<S>): Promise<void> {
    const stored = await this.readStore.getCheckpoint(entry.subscriber.name);
    entry.checkpoint = stored ? parsePosition(stored.position) : null;
    let subscription: Subscription | null = null;
    subscription = this.eventStore.subscribeToAll({
      after: entry.checkpoint ?? START,
      batchSize: this.options.batchSize,
      onEvents: async (events) => {
        // A subscription given up (lease lost) must not deliver what it had already read.
        if (entry.subscription !== subscription) throw new LeaseLostError(entry.subscriber.name, 'the subscription was given up');
        await this.deliver(entry, events);
        entry.lastError = null;
        entry.failures = 0;
        await this.afterBatch(entry, events);
        // The stores are synchronous underneath: without a turn of the event loop here, a catch-up (and every
        // subscriber's at once at the first start) would run as one chain of microtasks, requests waiting.
        await yieldToEventLoop();
      },
      onError: (error) => {
        // Whatever was not committed is rolled back; resubscribe from the stored checkpoint after a pause.
        if (entry.subscription !== subscription) return; // given up already: the lease loop decides
        entry.subscription = null;
        if (this.stopped) return;
        if (error instanceof LeaseLostError) {
          this.logger.error(`${error.message}; standing by`);
          return;
        }
        this.restartLater(entry, error, 'stopped');
      },
    });
    entry.subscription = subscription;
  }

  /**
   * Resubscribes from the checkpoint after a back-off that doubles with each consecutive failure (up to 30 s).
   * A resubscription that fails too (the read store still down during a failover) schedules the next one, so a
   * subscriber never stays stopped until the process restarts.
   */
  private restartLater(entry: SubscriberEntry<S>, error: unknown, what: string): void {
    entry.lastError = messageOf(error);
    entry.failures++;
    const delay = Math.min(MAX_RESTART_DELAY_MS, this.options.restartDelayMs * 2 ** (entry.failures - 1));
    this.logger.error(`${entry.subscriber.name} ${what}: ${entry.lastError}; resubscribing from its checkpoint in ${delay} ms`);
    if (entry.paused || this.stopped) return;
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = null;
      void this.subscribe(entry).catch((e) => {
        if (!this.stopped) this.restartLater(entry, e, 'could not resubscribe');
      });
    }, delay);
  }

  /** Events not yet committed by this subscriber (a retry must not apply again what a partial run committed). */
  protected pending(entry: SubscriberEntry<S>, events: RecordedEvent[]): RecordedEvent[] {
    const reached = entry.checkpoint;
    return reached ? events.filter((e) => comparePositions(e.position, reached) > 0) : events;
  }

  /**
   * A batch: try it (bounded, with back-off); if it keeps failing for a reason that is not transient,
   * find the failing event by splitting the batch, park it, and commit the others.
   */
  private async deliver(entry: SubscriberEntry<S>, events: RecordedEvent[]): Promise<void> {
    let lastError: unknown = null;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      const pending = this.pending(entry, events);
      if (pending.length === 0) return;
      this.assertOwner(entry.subscriber.name);
      try {
        await this.process(entry, pending);
        return;
      } catch (error) {
        if (this.stopped || isTransientError(error)) throw error;
        lastError = error;
        entry.lastError = messageOf(error);
        if (attempt < this.options.maxAttempts) await this.sleep(this.options.retryDelayMs * 2 ** (attempt - 1));
      }
    }
    this.logger.error(`${entry.subscriber.name}: a batch of ${events.length} events keeps failing (${messageOf(lastError)}); looking for the failing event`);
    await this.isolate(entry, this.pending(entry, events));
  }

  /** Splits a failing run of events in halves until the failing events are alone, and parks those. */
  private async isolate(entry: SubscriberEntry<S>, events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (events.length === 1) {
      const [event] = events;
      let lastError: unknown = null;
      for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
        if (this.pending(entry, events).length === 0) return;
        try {
          await this.process(entry, events);
          return;
        } catch (error) {
          if (this.stopped || isTransientError(error)) throw error;
          lastError = error;
          if (attempt < this.options.maxAttempts) await this.sleep(this.options.retryDelayMs * 2 ** (attempt - 1));
        }
      }
      await this.park(entry, event, lastError, this.options.maxAttempts);
      return;
    }
    const middle = Math.ceil(events.length / 2);
    for (const part of [events.slice(0, middle), events.slice(middle)]) {
      const pending = this.pending(entry, part);
      if (pending.length === 0) continue;
      try {
        await this.process(entry, pending);
      } catch (error) {
        if (this.stopped || isTransientError(error)) throw error;
        await this.isolate(entry, this.pending(entry, part));
      }
    }
  }

  /** Records the poison event and moves the checkpoint past it, in one unit of work. */
  private async park(entry: SubscriberEntry<S>, event: RecordedEvent, error: unknown, attempts: number): Promise<void> {
    const at = new Date().toISOString();
    const name = entry.subscriber.name;
    const doc: ParkedEventDoc = {
      _id: parkedEventId(name, event.eventId),
      subscriber: name,
      kind: this.kind,
      eventId: event.eventId,
      eventType: event.type,
      streamId: event.streamId,
      revision: event.revision,
      position: formatPosition(event.position),
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      attempts,
      state: 'parked',
      parkedAt: at,
      updatedAt: at,
      retryRequestedAt: null,
      resolvedAt: null,
    };
    await this.readStore.transaction(async (tx) => {
      await tx.collection<ParkedEventDoc>(PARKED_EVENTS).replaceOne({ _id: doc._id }, doc, { upsert: true });
      await tx.setCheckpoint(name, doc.position);
    });
    this.committed(entry, event.position, 1);
    this.logger.error(`${name} parked event ${event.eventId} (${event.type} ${event.streamId}@${event.revision}) after ${attempts} attempts: ${messageOf(error)}`);
  }

  /** Subclasses call this after each commit: moves the in-memory checkpoint and wakes waiters. */
  protected committed(entry: SubscriberEntry<S>, position: Position, count: number): void {
    entry.checkpoint = position;
    entry.processed += count;
    this.wake(entry, position);
  }

  private wake(entry: SubscriberEntry<S>, reached: Position): void {
    entry.waiters = entry.waiters.filter((w) => {
      if (comparePositions(w.position, reached) <= 0) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  private scheduleLeases(): void {
    if (this.stopped) return;
    this.leaseTimer = setTimeout(() => {
      this.leaseTimer = null;
      this.leasing = this.maintainLeases()
        .catch((error) => this.logger.error(`lease maintenance failed: ${messageOf(error)}`))
        .finally(() => {
          this.leasing = null;
          this.scheduleLeases();
        });
    }, this.leases.renewEveryMs);
    this.leaseTimer.unref();
  }

  /**
   * One round of the lease loop: renews what this runner holds and gives up what it lost; takes over
   * what is free (released, expired) and subscribes it from its stored checkpoint.
   */
  async maintainLeases(): Promise<void> {
    for (const entry of this.entries.values()) {
      if (this.stopped) return;
      const name = entry.subscriber.name;
      try {
        if (this.leases.claims(name)) {
          if ((await this.leases.renew(name)) === 'lost') {
            this.relinquish(entry, 'its lease was taken over by another runner');
            continue;
          }
        } else if (!entry.paused && (await this.leases.acquire(name))) {
          this.logger.log(`${name}: lease acquired (fencing token ${this.leases.tokenOf(name)}); resuming from the stored checkpoint`);
        }
        if (!this.stopped && this.leases.holds(name) && !entry.paused && !entry.subscription && !entry.restartTimer) await this.subscribe(entry);
      } catch (error) {
        // The store is unreachable: keep running while the lease is surely ours, then stop and wait.
        if (!this.leases.holds(name) && entry.subscription) this.relinquish(entry, `its lease could not be renewed (${messageOf(error)})`);
      }
    }
  }

  /** Stops running a subscriber whose lease is gone; in-flight work is refused at its commit. */
  private relinquish(entry: SubscriberEntry<S>, why: string): void {
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    entry.restartTimer = null;
    const subscription = entry.subscription;
    entry.subscription = null;
    if (!subscription) return;
    this.logger.error(`${entry.subscriber.name} stopped: ${why}; standing by`);
    // Not awaited: a handler in flight must not hold up the renewal of the other leases. A new
    // subscription (the lease taken again) waits for this one to be stopped.
    void this.chain(entry, () => subscription.stop()).catch(() => undefined);
  }

  /** Sleeps, but wakes at once (and throws) when the runner stops. */
  protected async sleep(ms: number): Promise<void> {
    if (ms > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        this.sleepers.add(wake);
      });
    }
    if (this.stopped) throw new TransientError('the runner is stopping');
  }

  /** Retries the parked events of this runner's subscribers that someone asked to retry. */
  async serveRetryRequests(): Promise<void> {
    const requests = await this.readStore
      .collection<ParkedEventDoc>(PARKED_EVENTS)
      .find({ state: 'retry_requested', subscriber: { $in: this.leases.heldNames() } }, { sort: { retryRequestedAt: 1 } });
    for (const request of requests) {
      if (this.stopped) return;
      await this.retryParked(request._id);
    }
  }

  /**
   * Applies a parked event of one of this runner's subscribers again. Success resolves it; a failure
   * leaves it parked with the new error. Returns the updated document (null when unknown). When another
   * runner holds the subscriber's lease, the retry is requested from it instead (state `retry_requested`).
   */
  async retryParked(id: string): Promise<ParkedEventDoc | null> {
    const parked = this.readStore.collection<ParkedEventDoc>(PARKED_EVENTS);
    const doc = await parked.findOne({ _id: id });
    if (!doc || doc.state === 'resolved') return doc;
    const entry = this.entries.get(doc.subscriber);
    if (!entry) throw new Error(`subscriber ${doc.subscriber} does not run in this process`);
    if (!this.owns(doc.subscriber)) return requestParkedRetry(this.readStore, doc._id);
    const at = () => new Date().toISOString();
    const [event] = await this.eventStore.readStream(doc.streamId, { fromRevision: doc.revision });
    let update: Partial<ParkedEventDoc>;
    if (!event || event.eventId !== doc.eventId) {
      update = { state: 'parked', error: `event ${doc.eventId} is no longer at ${doc.streamId}@${doc.revision}` };
    } else {
      try {
        await this.reprocess(entry.subscriber, event);
        update = { state: 'resolved', resolvedAt: at() };
        this.logger.log(`${doc.subscriber}: parked event ${doc.eventId} retried successfully`);
      } catch (error) {
        update = { state: 'parked', error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
        this.logger.error(`${doc.subscriber}: retry of parked event ${doc.eventId} failed: ${messageOf(error)}`);
      }
    }
    const next = { ...update, attempts: doc.attempts + 1, updatedAt: at() };
    await parked.updateOne({ _id: id }, { $set: next });
    return { ...doc, ...next };
  }

  /**
   * Resolves true once every named subscriber (all by default) has processed `position`, false after
   * `timeoutMs`. Lets a query read its own writes, and tests wait, without sleeping.
   */
  async waitFor(position: Position, timeoutMs: number, names?: readonly string[]): Promise<boolean> {
    const entries = [...this.entries.values()].filter((e) => !names || names.includes(e.subscriber.name));
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
    // A subscriber that another runner runs moves in the read store only: watch its stored checkpoint.
    let watching = false;
    const watcher = setInterval(() => {
      if (watching) return;
      watching = true;
      void this.refreshStandbys(entries)
        .catch(() => undefined)
        .finally(() => (watching = false));
    }, STANDBY_WAIT_POLL_MS);
    try {
      return await Promise.race([Promise.all(pending).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
      clearInterval(watcher);
    }
  }

  private async refreshStandbys(entries: Array<SubscriberEntry<S>>): Promise<void> {
    for (const entry of entries) {
      if (entry.waiters.length === 0 || this.leases.holds(entry.subscriber.name)) continue;
      const stored = await this.store.getCheckpoint(entry.subscriber.name);
      if (stored) this.wake(entry, parsePosition(stored.position));
    }
  }

  async status(): Promise<SubscriberStatus[]> {
    const out: SubscriberStatus[] = [];
    const parked = await countParkedEvents(this.readStore);
    const leases = await this.leases.states();
    for (const subscriber of this.subscribers) {
      const entry = this.entries.get(subscriber.name);
      const stored = await this.readStore.getCheckpoint(subscriber.name);
      const checkpoint = stored ? parsePosition(stored.position) : null;
      out.push({
        name: subscriber.name,
        running: !!entry?.subscription,
        checkpoint: stored?.position ?? null,
        lag: await this.eventStore.countAfter(checkpoint ?? START),
        processedSinceStart: entry?.processed ?? 0,
        lastError: entry?.lastError ?? null,
        parked: parked[subscriber.name] ?? 0,
        lease: leases.get(subscriber.name)!,
      });
    }
    return out;
  }

  /**
   * What this runner knows of each subscriber in memory, without touching a store (readiness, /health):
   * whether it runs here, its last committed position, and why it is not running when it is not.
   */
  liveStatus(): SubscriberLiveStatus[] {
    return this.subscribers.map((subscriber) => {
      const entry = this.entries.get(subscriber.name);
      return {
        name: subscriber.name,
        started: !this.stopped,
        leaseHeld: this.leases.holds(subscriber.name),
        running: !!entry?.subscription,
        restarting: !!entry?.restartTimer,
        paused: entry?.paused ?? false,
        checkpoint: entry?.checkpoint ?? null,
        processedSinceStart: entry?.processed ?? 0,
        lastError: entry?.lastError ?? null,
      };
    });
  }

  /** Work of the subclass that must end before the leases are released (the reactors' scheduler). */
  protected async quiesce(): Promise<void> {}

  async stop(options: StopOptions = {}): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    this.leaseTimer = null;
    for (const wake of [...this.sleepers]) wake();
    await this.polling;
    await this.leasing;
    for (const entry of this.entries.values()) {
      if (entry.restartTimer) clearTimeout(entry.restartTimer);
      entry.restartTimer = null;
      const subscription = entry.subscription;
      entry.subscription = null;
      await subscription?.stop();
      while (entry.transition) await entry.transition;
    }
    await this.quiesce();
    if (options.releaseLeases === false) {
      // As after a crash: the leases expire, and this runner stays "alive" for the store's purposes.
      for (const name of this.leases.heldNames()) this.leases.forget(name);
      return;
    }
    for (const entry of this.entries.values()) {
      await this.leases.release(entry.subscriber.name).catch((error) => this.logger.error(`${entry.subscriber.name}: lease not released (${messageOf(error)}); it expires`));
    }
    this.leases.unregister();
  }
}
