// The record of every e-mail sent: one document per message key, written right after the SMTP server
// accepted the message. A reactor skips a message whose key is recorded, so once recorded it is never
// sent again, whatever is retried, replayed or restarted.
import type { Doc } from '@mentoring/read-store';

export const SENT_EMAILS = '_sent_emails';

export interface SentEmailDoc extends Doc {
  /** The message key, e.g. `assignment.<eventId>`. */
  _id: string;
  messageId: string;
  reactor: string;
  to: string;
  subject: string;
  sentAt: string;
}
