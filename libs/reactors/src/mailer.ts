// Sending e-mail through nodemailer: SMTP when SMTP_URL is set, otherwise each message is written as an
// `.eml` file under DATA_DIR/outbox/ (nodemailer's stream transport), named after its Message-ID so
// that writing a message twice leaves one file. Failures a retry may cure (connection refused, timeout,
// a 4xx answer, authentication, a full disk) are TransientError: the reactor waits and tries again
// and the message is deferred (mail-delivery.ts); a permanent refusal (5xx) is an ordinary error and the
// message is dead-lettered. Every header is built by nodemailer from data (From and To as address objects,
// Subject, Message-ID, Date): nothing here or in the templates writes header text.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { TransientError } from '@mentoring/projections';

export interface OutgoingMail {
  /** Stable key of this message (e.g. `assignment.<eventId>`): its record in `_sent_emails` and the base of its Message-ID. */
  key: string;
  to: string;
  subject: string;
  text: string;
  /** The Date header (the reactor's clock). */
  date?: Date;
}

export interface Mailer {
  /** `<key@domain>`: the same key always gives the same Message-ID, so a receiver can drop a duplicate. */
  messageIdFor(key: string): string;
  /** Resolves once the SMTP server accepted the message (or the .eml file is written). */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  /** Where messages go, for logs: `smtp://host:port` or the outbox folder. */
  readonly target: string;
  /** Called when delivery gives a message up without a send refused for good (too old): the metrics count it as failed. */
  deadLettered?(): void;
  close(): void;
}

export interface MailerOptions {
  /** `smtp://` or `smtps://` URL (credentials and options in it, as nodemailer reads them). Unset: the outbox folder. */
  smtpUrl?: string;
  /** Where `.eml` files are written without SMTP. */
  outboxDir: string;
  /** The From header, e.g. `Mentoring platform <no-reply@school.example>`. */
  from: string;
}

const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EAUTH',
  'ENOAUTH',
  'EPROXY',
  'EPROTOCOL',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOSPC',
  'EACCES',
  'EMFILE',
  'EBUSY',
]);

/** A transient failure becomes a TransientError; a permanent one (5xx, a malformed message) is returned as it is. */
export function classifyMailError(error: unknown): unknown {
  const e = error as { code?: unknown; responseCode?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return error;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const transient = responseCode !== null ? responseCode >= 400 && responseCode < 500 : TRANSIENT_CODES.has(String(e.code));
  return transient ? new TransientError(`e-mail not sent: ${String(e.message ?? error)}`, error) : error;
}

/** The domain of the From address, for Message-IDs. */
export function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match ? match[1].toLowerCase() : 'mentoring.localhost';
}

/** `Name <address>` (or a bare address) as nodemailer's address object, so the name is encoded, never parsed again. */
export function addressOf(mailbox: string): { name: string; address: string } {
  const match = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(mailbox);
  if (!match) return { name: '', address: mailbox.trim() };
  return { name: match[1].replace(/^"(.*)"$/, '$1'), address: match[2] };
}

export function createMailer(options: MailerOptions): Mailer {
  const domain = domainOf(options.from);
  const from = addressOf(options.from);
  const smtp = options.smtpUrl
    ? createTransport({
        url: options.smtpUrl,
        // Fail fast rather than hold a reactor for minutes: the reactor retries on its own.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      })
    : null;
  const stream = smtp ? null : createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const messageIdFor = (key: string) => messageIdOf(key, domain);

  return {
    target: options.smtpUrl ? redact(options.smtpUrl) : options.outboxDir,
    messageIdFor,
    async send(mail) {
      const messageId = messageIdFor(mail.key);
      const message: Mail.Options = {
        from,
        to: { name: '', address: mail.to },
        subject: mail.subject,
        text: mail.text,
        messageId,
        date: mail.date,
        headers: { 'X-Mentoring-Key': mail.key },
      };
      try {
        if (smtp) {
          await smtp.sendMail(message);
        } else {
          const info = await stream!.sendMail(message);
          await writeAtomically(path.join(options.outboxDir, emlFileOf(messageId)), info.message as Buffer);
        }
      } catch (error) {
        throw classifyMailError(error);
      }
      return { messageId };
    },
    close() {
      smtp?.close();
      stream?.close();
    },
  };
}

function messageIdOf(key: string, domain: string): string {
  return `<${key.replace(/[^A-Za-z0-9.\-_]/g, '_')}@${domain}>`;
}

/** The `.eml` file of a message written without SMTP, named after its Message-ID. */
function emlFileOf(messageId: string): string {
  return `${messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9.\-_@]/g, '_')}.eml`;
}

/** The name of the `.eml` file a message of this key is written to without SMTP (`from`: MAIL_FROM). */
export function outboxFileName(key: string, from: string): string {
  return emlFileOf(messageIdOf(key, domainOf(from)));
}

/** Outbox directories made by this process: one mkdir each, not one per message (a catch-up writes thousands). */
const madeDirectories = new Set<string>();

async function writeAtomically(file: string, content: Buffer): Promise<void> {
  const directory = path.dirname(file);
  const temporary = `${file}.${process.pid}.tmp`;
  if (!madeDirectories.has(directory)) {
    await fs.mkdir(directory, { recursive: true });
    madeDirectories.add(directory);
  }
  try {
    await fs.writeFile(temporary, content);
  } catch (error) {
    // Removed since (an operator emptied the outbox): made again.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await fs.mkdir(directory, { recursive: true });
    await fs.writeFile(temporary, content);
  }
  await fs.rename(temporary, file);
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'smtp';
  }
}

/**
 * Removes the `*.eml.<pid>.tmp` files a crash left in the outbox (a message half-written: the reactor writes it
 * again, its checkpoint was not committed). Run at start, before any reactor; returns how many were removed.
 */
export async function cleanOutboxTemporaries(outboxDir: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(outboxDir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!/\.eml\.\d+\.tmp$/.test(name)) continue;
    await fs.rm(path.join(outboxDir, name), { force: true });
    removed++;
  }
  return removed;
}
