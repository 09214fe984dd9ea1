// The record of every e-mail sent: one document per message key, written right after the SMTP server
// accepted the message. A reactor skips a message whose key is recorded, so once recorded it is never
// sent again, whatever is retried, replayed or restarted.
import type { Doc, ReadStore } from '@mentoring/read-store';

export const SENT_EMAILS = '_sent_emails';

export interface SentEmailDoc extends Doc {
  /** The message key, e.g. `assignment.<eventId>`. */
  _id: string;
  messageId: string;
  reactor: string;
  to: string;
  subject: string;
  sentAt: string;
  /** Whom the message is about (`MailAbout` in mail-outbox.ts); missing on records written before it was kept. */
  studentId?: string;
  mentorId?: string | null;
}

/** The indexes an erasure reads: the messages about one student, or naming one mentor. Idempotent. */
export async function setupSentEmails(store: ReadStore): Promise<void> {
  const sent = store.collection<SentEmailDoc>(SENT_EMAILS);
  await sent.createIndex({ studentId: 1 });
  await sent.createIndex({ mentorId: 1 });
}
