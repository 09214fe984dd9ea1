// A reactor turns events into effects outside the read models: e-mails, and commands issued as the
// system actor. It runs like a projection (its own subscription and checkpoint, see ReactorRunner);
// what it must do later is stored as due work, found by the scheduler's tick.
import type { RecordedEvent } from '@mentoring/event-store';
import type { ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import type { Subscriber } from '@mentoring/projections';
import type { OutgoingMail } from './mailer';
import type { DueWorkDoc } from './due-work';
import type { MailAbout } from './mail-outbox';

export interface ReactionContext {
  /** The reactor's clock (the API's CLOCK; tests fix it). */
  now(): Date;
  /**
   * Queues an e-mail once per key (mail-outbox.ts), in the unit of work of the event's checkpoint (or of
   * the due work's new state): skipped when the key is queued or recorded in `_sent_emails` already. The
   * runner tries to deliver it right after the commit; delivery failures never fail the reaction.
   * `skipped`: an event older than the first-start window (`historic`), or an erased recipient. `about` names the
   * people the message concerns, so that an erasure finds it by index.
   */
  sendOnce(mail: Omit<OutgoingMail, 'date'> & { about: MailAbout }): Promise<'queued' | 'already_sent' | 'skipped'>;
  /**
   * True for an event older than REACTORS_HISTORY_HOURS met during the reactor's first start on an existing
   * log (no checkpoint): it sends nothing, and should not set off anything about the past either.
   */
  readonly historic: boolean;
  /** Writes committed together with the checkpoint of the event (or with the due work's new state). */
  write(work: (tx: ReadStoreTransaction) => Promise<void>): void;
  readonly readStore: ReadStore;
}

/** What became of one item of due work. */
export interface DueWorkOutcome {
  /** A short word for logs and the due-work document (`sent`, `follow_up_requested`, `obsolete`…). */
  outcome: string;
  /** Comes back later (the next week of a weekly check) instead of being done. */
  reschedule?: { dueAt: string; data: Record<string, unknown> };
}

export interface Reactor extends Subscriber {
  /** Reacts to one event of {@link Subscriber.eventTypes}. Effects must be idempotent (sendOnce, commands with derived ids). */
  react(event: RecordedEvent, ctx: ReactionContext): Promise<void>;
  /**
   * Kinds of due work that only tell people about the past when they fell due long ago: on a first start,
   * such work scheduled by an event older than the window and due before the window is cancelled.
   */
  readonly historySkippedDueKinds?: ReadonlySet<string>;
  /** Performs one item of due work that the tick found due. Must check the current state and be idempotent. */
  perform?(work: DueWorkDoc, ctx: ReactionContext): Promise<DueWorkOutcome>;
}
