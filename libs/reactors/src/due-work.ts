// Time-based work, derived from stored state: a reactor that must act later (a reminder 48 h before a
// session, an escalation 7 days after an assignment, the weekly attendance check) writes a due-work
// document, committed with its checkpoint. The scheduler's tick(now) finds what is due and performs it
// idempotently; a timer calls tick in production. Nothing lives only in an in-memory timer, so a
// restart loses nothing: what was due while the process was down is found by the next tick.
import type { RecordedEvent } from '@mentoring/event-store';
import type { Doc, ReadStoreTransaction } from '@mentoring/read-store';

export const DUE_WORK = '_reactor_due_work';

export interface DueWorkDoc extends Doc {
  /** `<reactor>:<key>`. */
  _id: string;
  reactor: string;
  kind: string;
  /** ISO instant from which the work is due. */
  dueAt: string;
  /** `failed`: performing it failed `attempts` times for a reason that is not transient; see `lastError`. */
  state: 'pending' | 'done' | 'cancelled' | 'failed';
  data: Record<string, unknown>;
  /** The event that scheduled it: commands issued for it derive their ids from it. */
  causationId: string;
  correlationId: string;
  scheduledAt: string;
  attempts: number;
  lastError: string | null;
  doneAt: string | null;
  outcome: string | null;
}

export function dueWorkId(reactor: string, key: string): string {
  return `${reactor}:${key}`;
}

/**
 * (Re)schedules `key` of `reactor` at `dueAt`, pending, for the event `cause`. The same event handled
 * again (a replay, a retried parked event) leaves the work as it is: what happened to it since stands.
 */
export async function schedule(
  tx: ReadStoreTransaction,
  reactor: string,
  key: string,
  work: { kind: string; dueAt: string; data: Record<string, unknown> },
  cause: RecordedEvent,
): Promise<void> {
  const existing = await findDueWork(tx, reactor, key);
  if (existing?.causationId === cause.eventId) return;
  const doc: DueWorkDoc = {
    _id: dueWorkId(reactor, key),
    reactor,
    kind: work.kind,
    dueAt: work.dueAt,
    state: 'pending',
    data: work.data,
    causationId: cause.eventId,
    correlationId: cause.metadata.correlationId,
    scheduledAt: cause.metadata.occurredAt,
    attempts: 0,
    lastError: null,
    doneAt: null,
    outcome: null,
  };
  await tx.collection<DueWorkDoc>(DUE_WORK).replaceOne({ _id: doc._id }, doc, { upsert: true });
}

/** Cancels pending work (done work stays done). */
export async function cancel(tx: ReadStoreTransaction, reactor: string, key: string, reason: string): Promise<void> {
  await tx
    .collection<DueWorkDoc>(DUE_WORK)
    .updateOne({ _id: dueWorkId(reactor, key), state: { $in: ['pending', 'failed'] } }, { $set: { state: 'cancelled', outcome: reason } });
}

export async function findDueWork(tx: Pick<ReadStoreTransaction, 'collection'>, reactor: string, key: string): Promise<DueWorkDoc | null> {
  return tx.collection<DueWorkDoc>(DUE_WORK).findOne({ _id: dueWorkId(reactor, key) });
}
