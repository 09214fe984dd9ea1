// Delivery of the queued e-mails (mail-outbox.ts), each message on its own schedule, so that one bad
// mailbox delays only its own messages:
// - accepted by the server (or the .eml file written) → `_sent_emails` records the key and the queued
//   document is deleted, in one unit of work;
// - a failure a retry may cure (a 4xx answer, connection refused or lost, a timeout, a full disk) → deferred,
//   tried again after an exponential backoff with jitter (base × 2^(attempts-1), ±20 %, capped);
// - refused for good (a 5xx answer, a message nodemailer cannot build) → dead-lettered at once;
// - still not delivered `maxAgeMs` after it was queued (EMAIL_MAX_AGE_HOURS) → dead-lettered.
// An attempt first claims the message (a compare-and-set on its state), so two processes (the reactor that
// queued it and another process's delivery worker) never send it at the same time.
import { ERASED_PLACEHOLDER } from '@mentoring/domain';
import { isTransientError, type RunnerLogger } from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import type { Mailer } from './mailer';
import { MAIL_OUTBOX, MailAbout, MailOutboxDoc } from './mail-outbox';
import { SENT_EMAILS, SentEmailDoc } from './sent-emails';

export interface MailDeliveryOptions {
  /** A message not delivered this long after it was queued is dead-lettered (EMAIL_MAX_AGE_HOURS). Default 72 h. */
  maxAgeMs?: number;
  /** Delay before the second attempt; doubles with each failure. Default 60 s. */
  backoffBaseMs?: number;
  /** Longest delay between two attempts. Default 1 h. */
  backoffMaxMs?: number;
  /** How long an attempt holds its claim on a message (a crash mid-send: tried again after it). Default 10 min. */
  claimMs?: number;
  /** In [0, 1): the jitter. Default Math.random. */
  random?: () => number;
}

export type DeliveryOutcome = 'sent' | 'deferred' | 'dead' | 'erased' | 'skipped';

export interface DeliveryReport {
  sent: number;
  deferred: number;
  dead: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a failure is about the server or the network rather than this message (then the next ones would fail alike). */
function isConnectionFailure(error: unknown): boolean {
  const cause = (error as { cause?: { responseCode?: unknown } } | null)?.cause;
  return typeof cause?.responseCode !== 'number';
}

export class MailDelivery {
  readonly maxAgeMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly claimMs: number;
  private readonly random: () => number;
  /** Wall-clock ms until which inline attempts are not made: the server was unreachable a moment ago. */
  private unreachableUntil = 0;

  constructor(
    private readonly readStore: ReadStore,
    private readonly mailer: Mailer,
    private readonly logger: RunnerLogger,
    options: MailDeliveryOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 72 * 3_600_000;
    this.backoffBaseMs = options.backoffBaseMs ?? 60_000;
    this.backoffMaxMs = Math.max(this.backoffBaseMs, options.backoffMaxMs ?? 3_600_000);
    this.claimMs = options.claimMs ?? 10 * 60_000;
    this.random = options.random ?? Math.random;
  }

  private get outbox() {
    return this.readStore.collection<MailOutboxDoc>(MAIL_OUTBOX);
  }

  /** The delay before attempt `attempts + 1`, after `attempts` failures: exponential, ±20 % jitter, capped. */
  backoffMs(attempts: number): number {
    const exponential = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(exponential * (0.8 + 0.4 * this.random()));
  }

  /** Inline attempts right after queueing are skipped for a short while after the server was unreachable. */
  get serverLooksDown(): boolean {
    return Date.now() < this.unreachableUntil;
  }

  /** One attempt at the message `key` now, whatever its schedule (not a dead letter). Never throws for a send failure. */
  async deliverKey(key: string, now: Date): Promise<DeliveryOutcome> {
    const doc = await this.outbox.findOne({ _id: key });
    if (!doc || doc.state === 'dead') return 'skipped';
    // Claimed by an attempt in flight (the worker's pass): claiming it again would send it twice.
    if (doc.state === 'sending' && doc.nextAttemptAt > now.toISOString()) return 'skipped';
    return this.attempt(doc, now);
  }

  /**
   * Attempts every message due at `now` (all waiting ones with `ignoreSchedule`: a start tries each once),
   * at most `limit`. Each message's failure is its own: the others go on.
   */
  async deliverDue(
    now: Date,
    options: { limit?: number; ignoreSchedule?: boolean; reclaim?: ReadonlySet<string>; stillRunning?: () => boolean } = {},
  ): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, deferred: 0, dead: 0 };
    const at = now.toISOString();
    let budget = options.limit ?? 1000;
    const tried = new Set<string>();
    while (budget > 0 && (options.stillRunning?.() ?? true)) {
      const filter: Record<string, unknown> = { state: { $in: ['pending', 'deferred', 'sending'] } };
      if (!options.ignoreSchedule) filter.nextAttemptAt = { $lte: at };
      if (tried.size > 0) filter._id = { $nin: [...tried] };
      const batch = await this.outbox.find(filter, { sort: { nextAttemptAt: 1, _id: 1 }, limit: Math.min(100, budget) });
      if (batch.length === 0) break;
      for (const doc of batch) {
        budget--;
        tried.add(doc._id);
        // A claim held by an attempt in flight (ignoreSchedule only): leave it to that attempt, unless it is
        // known to be a crash's leftover (`reclaim`: claims found at start on a store no other process opens).
        if (doc.state === 'sending' && doc.nextAttemptAt > at && !options.reclaim?.has(doc._id)) continue;
        const outcome = await this.attempt(doc, now);
        if (outcome === 'sent' || outcome === 'deferred' || outcome === 'dead') report[outcome]++;
      }
    }
    if (report.sent + report.deferred + report.dead > 0) {
      this.logger.log(`e-mail delivery: ${report.sent} sent, ${report.deferred} deferred, ${report.dead} dead-lettered`);
    }
    return report;
  }

  private async attempt(doc: MailOutboxDoc, now: Date): Promise<DeliveryOutcome> {
    const at = now.toISOString();
    // GDPR Art. 17: the recipient's personal data was erased since the message was queued.
    if (doc.to.includes(ERASED_PLACEHOLDER)) {
      await this.outbox.deleteOne({ _id: doc._id });
      return 'erased';
    }
    if (now.getTime() - Date.parse(doc.queuedAt) >= this.maxAgeMs) {
      const reason = `not delivered within ${Math.round(this.maxAgeMs / 3_600_000)} h of being queued (EMAIL_MAX_AGE_HOURS)${doc.lastError ? `; last error: ${doc.lastError}` : ''}`;
      const result = await this.outbox.updateOne(
        { _id: doc._id, state: doc.state, attempts: doc.attempts, nextAttemptAt: doc.nextAttemptAt },
        { $set: { state: 'dead', deadAt: at, lastError: reason } },
      );
      if (result.matchedCount !== 1) return 'skipped';
      // Refused for good from the counters' point of view (a 5xx is counted by the instrumented mailer itself).
      this.mailer.deadLettered?.();
      this.logger.error(`e-mail ${doc._id} to ${doc.reactor}'s recipient dead-lettered: ${reason}`);
      return 'dead';
    }
    // Claim it: of two attempts (the reactor's inline one, another process's worker), one sends.
    const claim = await this.outbox.updateOne(
      { _id: doc._id, state: doc.state, attempts: doc.attempts, nextAttemptAt: doc.nextAttemptAt },
      { $set: { state: 'sending', nextAttemptAt: new Date(now.getTime() + this.claimMs).toISOString(), lastAttemptAt: at } },
    );
    if (claim.matchedCount !== 1) return 'skipped';
    let messageId: string;
    try {
      ({ messageId } = await this.mailer.send({ key: doc._id, to: doc.to, subject: doc.subject, text: doc.text, date: new Date(doc.queuedAt) }));
    } catch (error) {
      const attempts = doc.attempts + 1;
      if (isTransientError(error)) {
        if (isConnectionFailure(error)) this.unreachableUntil = Date.now() + 30_000;
        const next = new Date(now.getTime() + this.backoffMs(attempts)).toISOString();
        await this.outbox.updateOne({ _id: doc._id, state: 'sending' }, { $set: { state: 'deferred', attempts, nextAttemptAt: next, lastError: messageOf(error) } });
        this.logger.error(`e-mail ${doc._id} deferred (attempt ${attempts}, next at ${next}): ${messageOf(error)}`);
        return 'deferred';
      }
      await this.outbox.updateOne({ _id: doc._id, state: 'sending' }, { $set: { state: 'dead', attempts, deadAt: at, lastError: messageOf(error) } });
      this.logger.error(`e-mail ${doc._id} dead-lettered, refused for good: ${messageOf(error)}`);
      return 'dead';
    }
    this.unreachableUntil = 0;
    // The only window for a duplicate: a crash between the server's acceptance and this unit of work. The
    // message sent again then carries the same Message-ID (derived from the key), so receivers can drop it.
    await this.readStore.transaction(async (tx) => {
      await tx
        .collection<SentEmailDoc>(SENT_EMAILS)
        .replaceOne({ _id: doc._id }, { _id: doc._id, messageId, reactor: doc.reactor, to: doc.to, subject: doc.subject, sentAt: at, ...aboutOf(doc) }, { upsert: true });
      await tx.collection<MailOutboxDoc>(MAIL_OUTBOX).deleteOne({ _id: doc._id });
    });
    return 'sent';
  }
}

/** The fields of {@link MailAbout} a queued message carries (none when it was queued before they were kept). */
function aboutOf(doc: MailOutboxDoc): Partial<MailAbout> {
  return doc.studentId === undefined ? {} : { studentId: doc.studentId, mentorId: doc.mentorId ?? null };
}
