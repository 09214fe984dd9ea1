// The e-mail outbox: reactors do not send, they queue. A message is a document of `_mail_outbox`, keyed by
// the message key the reactor derives from its trigger (`assignment.<eventId>`), inserted in the reactor's
// unit of work together with its checkpoint (or with the due work's new state): once per key, and no
// window where the event is handled but its message forgotten. Delivery (mail-delivery.ts) sends each
// message on its own schedule; when the server has accepted it, `_sent_emails` records the key and the
// outbox document is deleted in one unit of work (its text, with personal data, goes with it).
//
//   pending  → queued, never tried
//   sending  → claimed by a delivery attempt until `nextAttemptAt` (a crash leaves it to be tried again then)
//   deferred → a failure a retry may cure (4xx, connection): tried again at `nextAttemptAt` (backoff + jitter)
//   dead     → refused for good (5xx) or not delivered within EMAIL_MAX_AGE_HOURS: a dead letter, listed by
//              `npm run parked -- list` and GET /admin/parked-events, retried on request.
//
// Health and readiness read `countDeadLetters` (an indexed count on `state`), never a scan.
import type { Doc, ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import { SENT_EMAILS } from './sent-emails';

export const MAIL_OUTBOX = '_mail_outbox';

export type MailState = 'pending' | 'sending' | 'deferred' | 'dead';

/**
 * Whom a message is about: the student it concerns (every message of this platform concerns one) and the mentor
 * it names, if any. Kept on the queued message and on its record in `_sent_emails`, indexed, so that an erasure
 * (GDPR Art. 17) finds the messages of one person by index instead of reading every message the school ever sent.
 * Messages recorded before these fields existed have neither (`studentId` missing: see {@link LEGACY_MAIL}).
 */
export interface MailAbout {
  studentId: string;
  mentorId: string | null;
}

/** Messages queued or recorded before {@link MailAbout} was kept: `studentId` missing, which the index reads as null. */
export const LEGACY_MAIL = { studentId: null } as const;

export interface MailOutboxDoc extends Doc {
  /** The message key; its Message-ID derives from it. */
  _id: string;
  reactor: string;
  to: string;
  subject: string;
  text: string;
  /** See {@link MailAbout}; missing on messages queued before it was kept. */
  studentId?: string;
  mentorId?: string | null;
  state: MailState;
  /** When the reactor queued it (the reactor's clock): its Date header, and the start of EMAIL_MAX_AGE_HOURS. */
  queuedAt: string;
  /** When it is tried next (pending, deferred), or when a claim of a `sending` attempt lapses. */
  nextAttemptAt: string;
  /** Delivery attempts that failed. */
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  deadAt: string | null;
}

/** The indexes delivery and health need: due messages by time, dead letters by count. Idempotent. */
export async function setupMailOutbox(store: ReadStore): Promise<void> {
  const outbox = store.collection<MailOutboxDoc>(MAIL_OUTBOX);
  await outbox.createIndex({ state: 1, nextAttemptAt: 1 });
  await outbox.createIndex({ studentId: 1 });
  await outbox.createIndex({ mentorId: 1 });
}

/** Queues a message in the caller's unit of work unless its key is queued or sent already. True when queued. */
export async function enqueueMail(
  tx: Pick<ReadStoreTransaction, 'collection'>,
  mail: { key: string; reactor: string; to: string; subject: string; text: string; about: MailAbout },
  at: string,
): Promise<boolean> {
  const outbox = tx.collection<MailOutboxDoc>(MAIL_OUTBOX);
  if (await outbox.findOne({ _id: mail.key }, { projection: { _id: 1 } })) return false;
  if (await tx.collection(SENT_EMAILS).findOne({ _id: mail.key }, { projection: { _id: 1 } })) return false;
  await outbox.insertOne({
    _id: mail.key,
    reactor: mail.reactor,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    studentId: mail.about.studentId,
    mentorId: mail.about.mentorId,
    state: 'pending',
    queuedAt: at,
    nextAttemptAt: at,
    attempts: 0,
    lastError: null,
    lastAttemptAt: null,
    deadAt: null,
  });
  return true;
}

/** Dead letters (refused for good, or too old), oldest first. */
export async function listDeadLetters(readStore: ReadStore): Promise<MailOutboxDoc[]> {
  return readStore.collection<MailOutboxDoc>(MAIL_OUTBOX).find({ state: 'dead' }, { sort: { deadAt: 1, _id: 1 } });
}

/** The number of dead letters: a count on the `state` index, cheap enough for every /health call. */
export async function countDeadLetters(readStore: ReadStore): Promise<number> {
  return readStore.collection<MailOutboxDoc>(MAIL_OUTBOX).countDocuments({ state: 'dead' });
}

/** Messages waiting for delivery (pending, being sent or deferred). */
export async function countQueuedMail(readStore: ReadStore): Promise<number> {
  return readStore.collection<MailOutboxDoc>(MAIL_OUTBOX).countDocuments({ state: { $in: ['pending', 'sending', 'deferred'] } });
}

/**
 * Puts a dead letter back in the queue, due now, with a fresh EMAIL_MAX_AGE_HOURS: the delivery worker
 * (or the caller, see ReactorRunner.deliverNow) sends it. Null when there is no such message; the
 * document as it is when it is not a dead letter.
 */
export async function requeueDeadLetter(readStore: ReadStore, id: string, now: Date): Promise<MailOutboxDoc | null> {
  const outbox = readStore.collection<MailOutboxDoc>(MAIL_OUTBOX);
  const doc = await outbox.findOne({ _id: id });
  if (!doc || doc.state !== 'dead') return doc;
  const at = now.toISOString();
  const next = { state: 'pending' as const, queuedAt: at, nextAttemptAt: at, attempts: 0, deadAt: null };
  await outbox.updateOne({ _id: id, state: 'dead' }, { $set: next });
  return { ...doc, ...next };
}
