// Runs reactors the way projections run (the shared SubscriberRunner: own subscription, own checkpoint,
// bounded retries, poison events parked), with one difference that effects impose: events are handled
// one at a time, and each is committed with the reactor's checkpoint as soon as its effects are done,
// so that a failure or a crash never makes an earlier event's effects run again. An e-mail is recorded
// in `_sent_emails` the moment the SMTP server has accepted it and is skipped when already recorded.
//
// The scheduler: `tick(now)` performs the due work (documents written by the reactors, see due-work.ts)
// whose time has come, idempotently; a timer calls it every `tickIntervalMs` in production. A reactor's
// events and its due work are handled one at a time (a lock per reactor), never concurrently.
import { ERASED_PLACEHOLDER } from '@mentoring/domain';
import { Clock, systemClock } from '@mentoring/application';
import { EventStore, RecordedEvent, formatPosition } from '@mentoring/event-store';
import { ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import { RunnerLogger, StopOptions, SubscriberEntry, SubscriberRunner, SubscriberRunnerOptions, SubscriberStatus, isTransientError } from '@mentoring/projections';
import { DUE_WORK, DueWorkDoc } from './due-work';
import { Mailer } from './mailer';
import { ReactionContext, Reactor } from './reactor';
import { SENT_EMAILS, SentEmailDoc } from './sent-emails';

export interface ReactorRunnerOptions extends SubscriberRunnerOptions {
  /** The clock reactors and the scheduler read (the API's CLOCK). Default: the system clock. */
  clock?: Clock;
  /** Period of the scheduler's timer; 0 = no timer (tests call tick). Default 60 s. */
  tickIntervalMs?: number;
  /** At most this many items of due work per reactor and tick. Default 1000. */
  maxDuePerTick?: number;
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
  }

  override async start(): Promise<void> {
    await super.start();
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
  }

  /** The scheduler's turn ends before the leases are released. */
  protected override async quiesce(): Promise<void> {
    await this.ticking;
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

  private context(reactor: Reactor, writes: Write[], now: () => Date): ReactionContext {
    return {
      now,
      readStore: this.readStore,
      write: (work) => {
        writes.push(work);
      },
      sendOnce: async (mail) => {
        // GDPR Art. 17: an erased person's address reads as "[erased]" (their key is destroyed): nothing is sent.
        if (mail.to.includes(ERASED_PLACEHOLDER)) {
          this.logger.log(`${reactor.name}: ${mail.key} not sent, the recipient's personal data was erased`);
          return 'already_sent';
        }
        const sent = this.readStore.collection<SentEmailDoc>(SENT_EMAILS);
        if (await sent.findOne({ _id: mail.key }, { projection: { _id: 1 } })) return 'already_sent';
        const { messageId } = await this.mailer.send({ ...mail, date: now() });
        // The only window for a duplicate: a crash between the server's acceptance and this write. The
        // message sent again then carries the same Message-ID (derived from the key), so receivers can drop it.
        await sent.replaceOne(
          { _id: mail.key },
          { _id: mail.key, messageId, reactor: reactor.name, to: mail.to, subject: mail.subject, sentAt: now().toISOString() },
          { upsert: true },
        );
        return 'sent';
      },
    };
  }

  /** Commits a reactor's writes (and checkpoint) in one unit of work, only while it holds the reactor's lease. */
  private async commit(reactor: string, writes: Write[], checkpoint: { name: string; event: RecordedEvent } | null): Promise<void> {
    if (writes.length === 0 && !checkpoint) return;
    await this.fenced(reactor).transaction(async (tx) => {
      for (const write of writes) await write(tx);
      if (checkpoint) await tx.setCheckpoint(checkpoint.name, formatPosition(checkpoint.event.position));
    });
  }

  protected async process(entry: SubscriberEntry<Reactor>, events: RecordedEvent[]): Promise<void> {
    const reactor = entry.subscriber;
    let skipped = 0;
    for (const event of events) {
      if (!reactor.eventTypes.has(event.type)) {
        skipped++;
        continue;
      }
      await this.locked(reactor.name, async () => {
        // No effect from a runner that lost the lease meanwhile (the commit is fenced too).
        this.assertOwner(reactor.name);
        const writes: Write[] = [];
        await reactor.react(event, this.context(reactor, writes, () => this.clock.now()));
        await this.commit(reactor.name, writes, { name: reactor.name, event });
      });
      this.committed(entry, event.position, skipped + 1);
      skipped = 0;
    }
    if (skipped > 0) {
      const last = events[events.length - 1];
      await this.commit(reactor.name, [], { name: reactor.name, event: last });
      this.committed(entry, last.position, skipped);
    }
  }

  protected async reprocess(reactor: Reactor, event: RecordedEvent): Promise<void> {
    if (!reactor.eventTypes.has(event.type)) return;
    await this.locked(reactor.name, async () => {
      const writes: Write[] = [];
      await reactor.react(event, this.context(reactor, writes, () => this.clock.now()));
      await this.commit(reactor.name, writes, null);
    });
  }

  /**
   * Performs every item of due work whose time has come at `now`, reactor by reactor. A transient
   * failure (SMTP or a store unavailable) stops the reactor's turn: the next tick tries again. Any other
   * failure counts an attempt on the item; after `maxAttempts` ticks it is marked failed and left for an
   * operator (`npm run parked -- list|retry`). Only the reactors whose lease this runner holds.
   */
  async tick(now: Date = this.clock.now()): Promise<TickReport> {
    const report: TickReport = { performed: [], failed: [] };
    for (const reactor of this.reactors) {
      if (!reactor.perform || this.stopped || !this.owns(reactor.name)) continue;
      await this.locked(reactor.name, () => this.tickReactor(reactor, now, report));
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
        try {
          const result = await reactor.perform!(item, this.context(reactor, writes, () => now));
          const next: Partial<DueWorkDoc> = result.reschedule
            ? { state: 'pending', dueAt: result.reschedule.dueAt, data: result.reschedule.data, attempts: 0, lastError: null, outcome: result.outcome }
            : { state: 'done', doneAt: at, outcome: result.outcome, lastError: null };
          writes.push(async (tx) => {
            await tx.collection<DueWorkDoc>(DUE_WORK).updateOne({ _id: item._id, state: 'pending' }, { $set: next });
          });
          await this.commit(reactor.name, writes, null);
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
    const open = await this.readStore
      .collection<DueWorkDoc>(DUE_WORK)
      .find({ state: { $in: ['pending', 'failed'] } }, { projection: { reactor: 1, state: 1 } });
    return base.map((s) => ({
      ...s,
      duePending: open.filter((d) => d.reactor === s.name && d.state === 'pending').length,
      dueFailed: open.filter((d) => d.reactor === s.name && d.state === 'failed').length,
    }));
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
