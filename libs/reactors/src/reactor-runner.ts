// Runs reactors the way projections run (the shared SubscriberRunner: own subscription, own checkpoint,
// bounded retries, poison events parked), with one difference that effects impose: events are handled
// one at a time, and each is committed with the reactor's checkpoint as soon as its effects are done,
// so that a failure or a crash never makes an earlier event's effects run again. An e-mail is recorded
// in `_sent_emails` the moment the SMTP server has accepted it and is skipped when already recorded.
//
// E-mails are queued, not sent, by the reactors (mail-outbox.ts): the message is inserted in the unit of
// work of the event's checkpoint, then tried once at once; delivery (mail-delivery.ts) gives each message
// its own retry schedule, so a mailbox that refuses delays its own messages only. The delivery worker runs
// at each scheduler tick in the one process that holds the `email-delivery` lease (subscriber-leases.ts),
// and once at start over every waiting message.
//
// A first start on an existing log (a reactor without a checkpoint, events in the log): events older than
// `historyWindowMs` (REACTORS_HISTORY_HOURS) send nothing (the checkpoint still moves), and due work they
// scheduled that fell due before the window is cancelled; one log line per reactor says how much was skipped.
//
// The scheduler: `tick(now)` performs the due work (documents written by the reactors, see due-work.ts)
// whose time has come, idempotently; a timer calls it every `tickIntervalMs` in production. A reactor's
// events and its due work are handled one at a time (a lock per reactor), never concurrently.
import { ERASED_PLACEHOLDER } from '@mentoring/domain';
import { Clock, systemClock } from '@mentoring/application';
import { EventStore, Position, RecordedEvent, comparePositions, formatPosition } from '@mentoring/event-store';
import { ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import {
  RunnerLogger,
  StopOptions,
  SubscriberEntry,
  SubscriberLeases,
  SubscriberRunner,
  SubscriberRunnerOptions,
  SubscriberStatus,
  SLICE_MS,
  isTransientError,
  yieldToEventLoop,
} from '@mentoring/projections';
import { DUE_WORK, DueWorkDoc } from './due-work';
import { Mailer } from './mailer';
import { DeliveryReport, MailDelivery } from './mail-delivery';
import { MAIL_OUTBOX, MailOutboxDoc, enqueueMail, requeueDeadLetter, setupMailOutbox } from './mail-outbox';
import { ReactionContext, Reactor } from './reactor';
import { SENT_EMAILS, setupSentEmails } from './sent-emails';

/** The delivery worker's lease: one process at a time scans the outbox. */
export const EMAIL_DELIVERY = 'email-delivery';

export interface ReactorRunnerOptions extends SubscriberRunnerOptions {
  /** The clock reactors and the scheduler read (the API's CLOCK). Default: the system clock. */
  clock?: Clock;
  /** Period of the scheduler's timer; 0 = no timer (tests call tick). Default 60 s. */
  tickIntervalMs?: number;
  /** At most this many items of due work per reactor and tick. Default 1000. */
  maxDuePerTick?: number;
  /** An e-mail not delivered this long after it was queued is dead-lettered (EMAIL_MAX_AGE_HOURS). Default 72 h. */
  emailMaxAgeMs?: number;
  /** Delay before an e-mail's second attempt, doubling with each failure (jitter ±20 %). Default 60 s. */
  emailBackoffBaseMs?: number;
  /** Longest delay between two attempts at an e-mail. Default 1 h. */
  emailBackoffMaxMs?: number;
  /** A first start on an existing log sends nothing about events older than this (REACTORS_HISTORY_HOURS). Default 24 h. */
  historyWindowMs?: number;
  /** How long one slice of reactions runs before it commits and the event loop gets a turn. Default {@link SLICE_MS}. */
  sliceMs?: number;
}

/** A reactor's first start on an existing log: what it skips until it reaches the head it saw at start. */
interface HistoryMode {
  cutoff: string;
  head: Position;
  events: number;
  mails: number;
  dueWork: number;
}

export interface ReactorStatus extends SubscriberStatus {
  /** Due work waiting for its time (or for the next tick). */
  duePending: number;
  /** Due work that failed `maxAttempts` times for a reason that is not transient (see `npm run parked -- list`). */
  dueFailed: number;
}

export interface TickReport {
  performed: Array<{ id: string; kind: string; outcome: string }>;
  failed: Array<{ id: string; kind: string; error: string; attempts: number }>;
  /** What the delivery worker did at this tick (zeros when another process holds its lease). */
  mail: DeliveryReport;
}

type Write = (tx: ReadStoreTransaction) => Promise<void>;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ReactorRunner extends SubscriberRunner<Reactor> {
  protected readonly kind = 'reactor' as const;
  readonly clock: Clock;
  private readonly tickIntervalMs: number;
  private readonly maxDuePerTick: number;
  private readonly locks = new Map<string, Promise<unknown>>();
  private tickTimer: NodeJS.Timeout | null = null;
  private ticking: Promise<unknown> | null = null;
  /** Per-message delivery of the queued e-mails. */
  readonly delivery: MailDelivery;
  /** The delivery worker's lease (same owner as the reactors' leases). */
  readonly deliveryLease: SubscriberLeases;
  private readonly historyWindowMs: number;
  private readonly sliceMs: number;
  private readonly history = new Map<string, HistoryMode>();
  private startPass: Promise<unknown> | null = null;

  constructor(
    eventStore: EventStore,
    readStore: ReadStore,
    readonly reactors: readonly Reactor[],
    private readonly mailer: Mailer,
    logger?: RunnerLogger,
    options: ReactorRunnerOptions = {},
  ) {
    super(eventStore, readStore, reactors, logger, options);
    this.clock = options.clock ?? systemClock;
    this.tickIntervalMs = options.tickIntervalMs ?? 60_000;
    this.maxDuePerTick = options.maxDuePerTick ?? 1000;
    this.historyWindowMs = options.historyWindowMs ?? 24 * 3_600_000;
    this.sliceMs = options.sliceMs ?? SLICE_MS;
    this.delivery = new MailDelivery(this.readStore, mailer, this.logger, {
      maxAgeMs: options.emailMaxAgeMs,
      backoffBaseMs: options.emailBackoffBaseMs,
      backoffMaxMs: options.emailBackoffMaxMs,
    });
    this.deliveryLease = new SubscriberLeases(this.readStore, new Set([EMAIL_DELIVERY]), {
      ttlMs: this.leases.ttlMs,
      renewEveryMs: this.leases.renewEveryMs,
      owner: this.leases.owner,
    });
  }

  override async start(): Promise<void> {
    await setupMailOutbox(this.readStore);
    await setupSentEmails(this.readStore);
    // The due work's queries: by triggering event (historic work cancelled during a first catch-up, once per
    // event) and the tick's pending work by time. Without them each is a scan of every due item ever stored.
    await this.readStore.collection<DueWorkDoc>(DUE_WORK).createIndex({ causationId: 1 });
    await this.readStore.collection<DueWorkDoc>(DUE_WORK).createIndex({ reactor: 1, state: 1, dueAt: 1 });
    // `/health`'s degraded check looks for any failed due work: without it, a scan of every due item ever scheduled.
    await this.readStore.collection<DueWorkDoc>(DUE_WORK).createIndex({ state: 1 });
    await this.detectFirstStart();
    // On a store no other process opens, a message claimed before this start was claimed by a process that died.
    const leftovers = new Set(
      this.readStore.exclusive === true
        ? (await this.readStore.collection<MailOutboxDoc>(MAIL_OUTBOX).find({ state: 'sending' }, { projection: { _id: 1 } })).map((d) => d._id)
        : [],
    );
    await super.start();
    if (await this.deliveryLease.acquire(EMAIL_DELIVERY).catch(() => false)) this.deliveryPass(leftovers);
    if (this.tickIntervalMs > 0) {
      this.tickTimer = setInterval(() => this.tickInBackground(), this.tickIntervalMs);
      this.tickTimer.unref();
      // Work that fell due while the process was down.
      this.tickInBackground();
    }
  }

  override async stop(options?: StopOptions): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    await super.stop(options);
    await this.ticking;
    if (options?.releaseLeases === false) this.deliveryLease.forget(EMAIL_DELIVERY);
    else await this.deliveryLease.release(EMAIL_DELIVERY).catch((error) => this.logger.error(`e-mail delivery: lease not released (${messageOf(error)}); it expires`));
  }

  /** Resolves once the scheduler's turn and the delivery pass in flight, if any, have ended (tests, a drain). */
  async deliveriesSettled(): Promise<void> {
    await this.ticking;
    await this.startPass;
  }

  /** The scheduler's turn and delivery end before the leases are released. */
  protected override quiesce(): Promise<void> {
    return this.deliveriesSettled();
  }

  /** Releases (or, as after a crash, forgets) the delivery worker's lease too. */
  override async maintainLeases(): Promise<void> {
    await super.maintainLeases();
    if (this.stopped) return;
    try {
      if (this.deliveryLease.claims(EMAIL_DELIVERY)) {
        if ((await this.deliveryLease.renew(EMAIL_DELIVERY)) === 'lost') this.logger.error('e-mail delivery: its lease was taken over by another runner; standing by');
      } else if (await this.deliveryLease.acquire(EMAIL_DELIVERY)) {
        this.logger.log('e-mail delivery: lease acquired; this process delivers the queued e-mails');
        this.deliveryPass();
      }
    } catch (error) {
      this.logger.error(`e-mail delivery: lease maintenance failed (${messageOf(error)})`);
    }
  }

  /**
   * Messages a previous process (or the owner this one took over from) left waiting: each is tried once now,
   * whatever its schedule (a restart or a takeover often follows a fix). In the background.
   */
  private deliveryPass(reclaim: ReadonlySet<string> = new Set()): void {
    if (this.startPass || this.stopped) return;
    this.startPass = this.delivery
      .deliverDue(this.clock.now(), { ignoreSchedule: true, reclaim, stillRunning: () => !this.stopped && this.ownsDelivery() })
      .catch((error) => this.logger.error(`e-mail delivery pass failed: ${messageOf(error)}`))
      .finally(() => (this.startPass = null));
  }

  /** True while this process runs the delivery worker. */
  ownsDelivery(): boolean {
    return this.deliveryLease.holds(EMAIL_DELIVERY);
  }

  /**
   * A reactor without a checkpoint on a log that is not empty: its first start. Events older than the
   * window send nothing until it reaches the head it sees now.
   */
  private async detectFirstStart(): Promise<void> {
    this.history.clear();
    const head = await this.eventStore.headPosition();
    if (!head || this.historyWindowMs <= 0) return;
    const cutoff = new Date(this.clock.now().getTime() - this.historyWindowMs).toISOString();
    for (const reactor of this.reactors) {
      if (await this.readStore.getCheckpoint(reactor.name)) continue;
      this.history.set(reactor.name, { cutoff, head, events: 0, mails: 0, dueWork: 0 });
    }
  }

  /** One line once a reactor in its first start has caught up with the head it saw at start. */
  private endHistoryWhenCaughtUp(reactor: string, last: RecordedEvent): void {
    const history = this.history.get(reactor);
    if (!history || comparePositions(last.position, history.head) < 0) return;
    this.history.delete(reactor);
    if (history.mails === 0 && history.dueWork === 0) return;
    const hours = Math.round((this.historyWindowMs / 3_600_000) * 100) / 100;
    this.logger.log(
      `${reactor}: first start on an existing log (no checkpoint): ${history.mails} e-mail(s) about ${history.events} event(s) older than ${hours} h ` +
        `(before ${history.cutoff}) not sent, ${history.dueWork} item(s) of due work that fell due before then cancelled (REACTORS_HISTORY_HOURS)`,
    );
  }

  private tickInBackground(): void {
    if (this.ticking || this.stopped) return;
    this.ticking = this.tick()
      .catch((error) => this.logger.error(`scheduler tick failed: ${messageOf(error)}`))
      .finally(() => (this.ticking = null));
  }

  /** One reactor at a time: its events and its due work never run concurrently. */
  private locked<T>(reactor: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(reactor) ?? Promise.resolve();
    const run = previous.then(work, work);
    this.locks.set(
      reactor,
      run.catch(() => undefined),
    );
    return run;
  }

  private context(reactor: Reactor, writes: Write[], now: () => Date, queued: string[], historic = false): ReactionContext {
    return {
      now,
      historic,
      readStore: this.readStore,
      write: (work) => {
        writes.push(work);
      },
      sendOnce: async (mail) => {
        // GDPR Art. 17: an erased person's address reads as "[erased]" (their key is destroyed): nothing is sent.
        if (mail.to.includes(ERASED_PLACEHOLDER)) {
          this.logger.log(`${reactor.name}: ${mail.key} not sent, the recipient's personal data was erased`);
          return 'skipped';
        }
        if (historic) {
          const history = this.history.get(reactor.name);
          if (history) history.mails++;
          return 'skipped';
        }
        const outbox = this.readStore.collection<MailOutboxDoc>(MAIL_OUTBOX);
        if (await outbox.findOne({ _id: mail.key }, { projection: { _id: 1 } })) return 'already_sent';
        if (await this.readStore.collection(SENT_EMAILS).findOne({ _id: mail.key }, { projection: { _id: 1 } })) return 'already_sent';
        const at = now().toISOString();
        writes.push(async (tx) => {
          if (await enqueueMail(tx, { ...mail, reactor: reactor.name }, at)) queued.push(mail.key);
        });
        return 'queued';
      },
    };
  }

  /**
   * The first attempt at messages just queued, after their unit of work committed. A failure only schedules
   * the message's next attempt; when the server was unreachable a moment ago, the worker's tick tries instead.
   */
  private async deliverQueued(keys: string[], now: Date): Promise<void> {
    for (const key of keys) {
      if (this.stopped || this.delivery.serverLooksDown) return;
      await this.delivery.deliverKey(key, now).catch((error) => this.logger.error(`e-mail ${key}: delivery attempt failed (${messageOf(error)})`));
    }
  }

  /**
   * Delivers one message now (a dead letter is queued again first, with a fresh EMAIL_MAX_AGE_HOURS): what an
   * operator's retry does. The message as it is afterwards, or null when gone (sent: see `_sent_emails`).
   */
  async deliverNow(key: string, now: Date = this.clock.now()): Promise<MailOutboxDoc | null> {
    const requeued = await requeueDeadLetter(this.readStore, key, now);
    if (!requeued) return null;
    await this.delivery.deliverKey(key, now);
    return this.readStore.collection<MailOutboxDoc>(MAIL_OUTBOX).findOne({ _id: key });
  }

  /** Commits a reactor's writes (and checkpoint) in one unit of work, only while it holds the reactor's lease. */
  private async commit(reactor: string, writes: Write[], checkpoint: { name: string; event: RecordedEvent } | null): Promise<void> {
    if (writes.length === 0 && !checkpoint) return;
    await this.fenced(reactor).transaction(async (tx) => {
      for (const write of writes) await write(tx);
      if (checkpoint) await tx.setCheckpoint(checkpoint.name, formatPosition(checkpoint.event.position));
    });
  }

  /**
   * A batch in time slices (SLICE_MS, as the projections): each slice's reactions are decided one after the other, and
   * their writes (due work, queued e-mails) run in order in one unit of work with the checkpoint of the slice's last
   * event, so a write sees the earlier ones of its slice. Effects once (ADR 0003): nothing of a slice is committed
   * unless all of it is; a failing reaction rolls its slice back, and the base class retries, then isolates and parks
   * it. Queued e-mails get their first attempt after the commit. (One unit per reaction made the reactors most of a
   * first catch-up's cost: 34k commits for 39k events.)
   */
  protected async process(entry: SubscriberEntry<Reactor>, events: RecordedEvent[]): Promise<void> {
    for (let from = 0; from < events.length; ) {
      // Each slice at its own turn of the event loop, the first too: the shared reader hands a batch to every
      // subscriber at once, and their first slices must not run back to back before any request is served.
      await yieldToEventLoop();
      const applied = await this.reactSlice(entry.subscriber, events, from);
      from += applied;
      this.committed(entry, events[from - 1].position, applied);
    }
    if (events.length > 0) this.endHistoryWhenCaughtUp(entry.subscriber.name, events[events.length - 1]);
  }

  /** Reacts to `events[from..]` until the slice's time is up, commits it; returns how many events it covered. */
  private reactSlice(reactor: Reactor, events: readonly RecordedEvent[], from: number): Promise<number> {
    return this.locked(reactor.name, async () => {
      // No effect from a runner that lost the lease meanwhile (the commit is fenced too).
      this.assertOwner(reactor.name);
      const writes: Write[] = [];
      const queued: string[] = [];
      const deadline = performance.now() + this.sliceMs;
      let end = from;
      do {
        const event = events[end++];
        if (!reactor.eventTypes.has(event.type)) continue;
        const historic = this.isHistoric(reactor, event);
        await reactor.react(event, this.context(reactor, writes, () => this.clock.now(), queued, historic));
        if (historic) this.skipHistoricDueWork(reactor, event, writes);
      } while (end < events.length && performance.now() < deadline);
      await this.commit(reactor.name, writes, { name: reactor.name, event: events[end - 1] });
      await this.deliverQueued(queued, this.clock.now());
      return end - from;
    });
  }

  /** During a first start, an event older than the window is historic: it sends nothing (see sendOnce). */
  private isHistoric(reactor: Reactor, event: RecordedEvent): boolean {
    const history = this.history.get(reactor.name);
    if (!history || event.metadata.occurredAt >= history.cutoff) return false;
    history.events++;
    return true;
  }

  /**
   * After a historic event's own writes, in the same unit: the due work of the reactor's
   * `historySkippedDueKinds` the event scheduled and that fell due before the window is cancelled.
   */
  private skipHistoricDueWork(reactor: Reactor, event: RecordedEvent, writes: Write[]): void {
    const history = this.history.get(reactor.name);
    const kinds = reactor.historySkippedDueKinds;
    if (!history || !kinds || kinds.size === 0) return;
    writes.push(async (tx) => {
      const result = await tx.collection<DueWorkDoc>(DUE_WORK).updateMany(
        { reactor: reactor.name, causationId: event.eventId, state: 'pending', dueAt: { $lt: history.cutoff }, kind: { $in: [...kinds] } },
        { $set: { state: 'cancelled', outcome: 'history_window' } },
      );
      history.dueWork += result.matchedCount;
    });
  }

  protected async reprocess(reactor: Reactor, event: RecordedEvent): Promise<void> {
    if (!reactor.eventTypes.has(event.type)) return;
    await this.locked(reactor.name, async () => {
      const writes: Write[] = [];
      const queued: string[] = [];
      await reactor.react(event, this.context(reactor, writes, () => this.clock.now(), queued));
      await this.commit(reactor.name, writes, null);
      await this.deliverQueued(queued, this.clock.now());
    });
  }

  /**
   * Performs every item of due work whose time has come at `now`, reactor by reactor. A transient
   * failure (SMTP or a store unavailable) stops the reactor's turn: the next tick tries again. Any other
   * failure counts an attempt on the item; after `maxAttempts` ticks it is marked failed and left for an
   * operator (`npm run parked -- list|retry`). Only the reactors whose lease this runner holds.
   */
  async tick(now: Date = this.clock.now()): Promise<TickReport> {
    const report: TickReport = { performed: [], failed: [], mail: { sent: 0, deferred: 0, dead: 0 } };
    for (const reactor of this.reactors) {
      if (!reactor.perform || this.stopped || !this.owns(reactor.name)) continue;
      await this.locked(reactor.name, () => this.tickReactor(reactor, now, report));
    }
    // The delivery worker: every queued message whose attempt is due, each on its own schedule.
    if (!this.stopped && this.ownsDelivery()) {
      await this.startPass;
      report.mail = await this.delivery.deliverDue(now, { stillRunning: () => !this.stopped && this.ownsDelivery() });
    }
    return report;
  }

  private async tickReactor(reactor: Reactor, now: Date, report: TickReport): Promise<void> {
    const due = this.readStore.collection<DueWorkDoc>(DUE_WORK);
    const at = now.toISOString();
    const failedThisTick: string[] = [];
    let budget = this.maxDuePerTick;
    while (budget > 0 && !this.stopped && this.owns(reactor.name)) {
      const items = await due.find(
        { reactor: reactor.name, state: 'pending', dueAt: { $lte: at }, _id: { $nin: failedThisTick } },
        { sort: { dueAt: 1, _id: 1 }, limit: Math.min(100, budget) },
      );
      if (items.length === 0) return;
      for (const item of items) {
        budget--;
        const writes: Write[] = [];
        const queued: string[] = [];
        try {
          const result = await reactor.perform!(item, this.context(reactor, writes, () => now, queued));
          const next: Partial<DueWorkDoc> = result.reschedule
            ? { state: 'pending', dueAt: result.reschedule.dueAt, data: result.reschedule.data, attempts: 0, lastError: null, outcome: result.outcome }
            : { state: 'done', doneAt: at, outcome: result.outcome, lastError: null };
          writes.push(async (tx) => {
            await tx.collection<DueWorkDoc>(DUE_WORK).updateOne({ _id: item._id, state: 'pending' }, { $set: next });
          });
          await this.commit(reactor.name, writes, null);
          await this.deliverQueued(queued, now);
          report.performed.push({ id: item._id, kind: item.kind, outcome: result.outcome });
        } catch (error) {
          if (isTransientError(error)) {
            this.logger.error(`${reactor.name}: due work ${item._id} not performed (${messageOf(error)}); the next tick tries again`);
            return;
          }
          const attempts = item.attempts + 1;
          const failed = attempts >= this.options.maxAttempts;
          await due.updateOne({ _id: item._id }, { $set: { attempts, lastError: messageOf(error), ...(failed ? { state: 'failed' as const } : {}) } });
          failedThisTick.push(item._id);
          report.failed.push({ id: item._id, kind: item.kind, error: messageOf(error), attempts });
          this.logger.error(`${reactor.name}: due work ${item._id} failed (attempt ${attempts}${failed ? ', given up' : ''}): ${messageOf(error)}`);
        }
      }
    }
  }

  override async status(): Promise<ReactorStatus[]> {
    const base = await super.status();
    // Counted on the (reactor, state, dueAt) index: a school's pending weekly checks are tens of thousands of documents.
    const due = this.readStore.collection<DueWorkDoc>(DUE_WORK);
    const statuses: ReactorStatus[] = [];
    for (const s of base) {
      statuses.push({ ...s, duePending: await due.countDocuments({ reactor: s.name, state: 'pending' }), dueFailed: await due.countDocuments({ reactor: s.name, state: 'failed' }) });
    }
    return statuses;
  }
}

/** Due work that failed for good, for the CLI and /health. */
export async function listFailedDueWork(readStore: ReadStore): Promise<DueWorkDoc[]> {
  return readStore.collection<DueWorkDoc>(DUE_WORK).find({ state: 'failed' }, { sort: { dueAt: 1 } });
}

/** Puts failed due work back to pending: the next tick performs it. Null when there is no such failed item. */
export async function retryDueWork(readStore: ReadStore, id: string): Promise<DueWorkDoc | null> {
  const due = readStore.collection<DueWorkDoc>(DUE_WORK);
  const doc = await due.findOne({ _id: id });
  if (!doc || doc.state !== 'failed') return doc;
  await due.updateOne({ _id: id }, { $set: { state: 'pending', attempts: 0 } });
  return { ...doc, state: 'pending', attempts: 0 };
}
