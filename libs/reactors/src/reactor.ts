// A reactor turns events into effects outside the read models: e-mails, and commands issued as the
// system actor. It runs like a projection (its own subscription and checkpoint, see ReactorRunner);
// what it must do later is stored as due work, found by the scheduler's tick.
import type { RecordedEvent } from '@mentoring/event-store';
import type { ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import type { Subscriber } from '@mentoring/projections';
import type { OutgoingMail } from './mailer';
import type { DueWorkDoc } from './due-work';

export interface ReactionContext {
  /** The reactor's clock (the API's CLOCK; tests fix it). */
  now(): Date;
  /**
   * Sends an e-mail once per key: skipped when `_sent_emails` already records the key, recorded right
   * after the SMTP server accepted it (or the .eml file was written).
   */
  sendOnce(mail: Omit<OutgoingMail, 'date'>): Promise<'sent' | 'already_sent'>;
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
  /** Performs one item of due work that the tick found due. Must check the current state and be idempotent. */
  perform?(work: DueWorkDoc, ctx: ReactionContext): Promise<DueWorkOutcome>;
}
