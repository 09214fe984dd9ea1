// The 200 body of ListParkedEvents: two lists, each in the one envelope `{items, nextCursor}`.
import type { ParkedEventDoc } from '@mentoring/projections';
import type { DueWorkDoc, MailOutboxDoc } from '@mentoring/reactors';
import { integer, nullable, nullableString, object, oneOfStrings, Schema, string, wholeList } from '../use-cases/read-side-support/schema';
import type { Page } from '../use-cases/read-side-support/keyset';

export interface ParkedEventsView {
  parkedEvents: Page<ParkedEventDoc>;
  failedDueWork: Page<DueWorkDoc>;
  deadLetters: Page<DeadLetterView>;
}

/** A dead letter as listed: everything but the message's text. */
export type DeadLetterView = Omit<MailOutboxDoc, 'text'>;

export function deadLetterView(m: MailOutboxDoc): DeadLetterView {
  const { _id, reactor, to, subject, state, queuedAt, nextAttemptAt, attempts, lastError, lastAttemptAt, deadAt } = m;
  return { _id, reactor, to, subject, state, queuedAt, nextAttemptAt, attempts, lastError, lastAttemptAt, deadAt };
}

/** The documented fields only, whatever else the store keeps. */
export function parkedEventView(p: ParkedEventDoc): ParkedEventDoc {
  const { _id, subscriber, kind, eventId, eventType, streamId, revision, position, error, attempts, state, parkedAt, updatedAt, retryRequestedAt, resolvedAt } = p;
  return { _id, subscriber, kind, eventId, eventType, streamId, revision, position, error, attempts, state, parkedAt, updatedAt, retryRequestedAt, resolvedAt };
}

export function dueWorkView(d: DueWorkDoc): DueWorkDoc {
  const { _id, reactor, kind, dueAt, state, data, causationId, correlationId, scheduledAt, attempts, lastError, doneAt, outcome } = d;
  return { _id, reactor, kind, dueAt, state, data, causationId, correlationId, scheduledAt, attempts, lastError, doneAt, outcome };
}

const parkedEvent = object({
  _id: string('assignment-email:0f1e…', '`<subscriber>:<eventId>`: the id POST …/{id}/retry takes'),
  subscriber: string('assignment-email'),
  kind: oneOfStrings(['projection', 'reactor'], 'reactor'),
  eventId: string('0f1e2d3c-…'),
  eventType: string('StudentAssigned'),
  streamId: string('student-1'),
  revision: integer(1),
  position: string('42', 'Global position of the event'),
  error: string('550 No such user'),
  attempts: integer(1, 'Attempts so far: those before parking, plus one per retry'),
  state: oneOfStrings(['parked', 'retry_requested', 'resolved'], 'parked'),
  parkedAt: string('2027-03-04T09:00:00.000Z'),
  updatedAt: string('2027-03-04T09:00:00.000Z'),
  retryRequestedAt: nullableString(null),
  resolvedAt: nullableString(null),
});

const dueWork = object({
  _id: string('session-reminder:session-1', '`<reactor>:<key>`: the id POST …/{id}/retry takes'),
  reactor: string('session-reminder'),
  kind: string('reminder'),
  dueAt: string('2027-03-08T10:00:00.000Z'),
  state: oneOfStrings(['pending', 'done', 'cancelled', 'failed'], 'failed'),
  data: { type: 'object', additionalProperties: true, description: 'What the reactor needs to perform it (depends on the reactor)', example: { sessionId: 'session-1' } },
  causationId: string('0f1e2d3c-…'),
  correlationId: string('corr-1'),
  scheduledAt: string('2027-03-01T10:00:00.000Z'),
  attempts: integer(3),
  lastError: nullableString('550 No such user'),
  doneAt: nullableString(null),
  outcome: nullableString(null),
});

const deadLetter = object({
  _id: string('assignment.0f1e2d3c-…', 'The message key (its Message-ID derives from it): the id POST …/{id}/retry takes'),
  reactor: string('assignment-email'),
  to: string('joy@mentors.example'),
  subject: string('New student: Sam Lee (web-development)'),
  state: oneOfStrings(['pending', 'sending', 'deferred', 'dead'], 'dead', 'dead in this list; after a retry, pending or deferred (or the message is gone: sent)'),
  queuedAt: string('2027-03-04T09:00:00.000Z', 'When the reactor queued it; EMAIL_MAX_AGE_HOURS counts from here'),
  nextAttemptAt: string('2027-03-04T10:00:00.000Z'),
  attempts: integer(5, 'Delivery attempts that failed'),
  lastError: nullableString('452 Mailbox full'),
  lastAttemptAt: nullableString('2027-03-07T08:00:00.000Z'),
  deadAt: nullableString('2027-03-07T09:00:00.000Z'),
});

export const PARKED_EVENTS_SCHEMA: Schema = object({
  parkedEvents: wholeList(parkedEvent, 'Parked events, newest first (resolved ones only with ?all=true): all of them, never paged (nextCursor is always null)'),
  failedDueWork: wholeList(dueWork, 'Due work that failed for good, soonest due first: all of them, never paged (nextCursor is always null)'),
  deadLetters: wholeList(
    deadLetter,
    'E-mails given up: refused for good (5xx) or not delivered within EMAIL_MAX_AGE_HOURS, oldest first: all of them, never paged (nextCursor is always null)',
  ),
});

/** The 200 body of RetryParkedEvent: what was retried, in its state after the retry. */
export const RETRIED_ITEM_SCHEMA: Schema = {
  oneOf: [
    object({ kind: oneOfStrings(['parked_event'], 'parked_event'), item: parkedEvent }),
    object({ kind: oneOfStrings(['due_work'], 'due_work'), item: dueWork }),
    object({ kind: oneOfStrings(['dead_letter'], 'dead_letter'), item: nullable(deadLetter) }, 'A dead letter retried: the message after one attempt at once (null: sent), or queued again (pending) when this process does not deliver'),
  ],
};
