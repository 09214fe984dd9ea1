// A real SMTP server on loopback (the `smtp-server` package) that keeps what it receives, for tests of
// the e-mails: it can refuse for a while (421, a temporary failure), refuse one recipient for now (452,
// mailbox full) or refuse a recipient for good (550).
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMessage {
  to: string[];
  headers: Record<string, string>;
  messageId: string;
  subject: string;
  body: string;
  raw: string;
}

/** Header fields of a raw message (unfolded, names lower-cased) and its body. */
export function parseMessage(raw: string): { headers: Record<string, string>; body: string } {
  const normalised = raw.replace(/\r\n/g, '\n');
  const split = normalised.indexOf('\n\n');
  const head = normalised.slice(0, split).replace(/\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: decodeQuotedPrintable(normalised.slice(split + 2), headers['content-transfer-encoding']) };
}

function decodeQuotedPrintable(body: string, encoding: string | undefined): string {
  if (!encoding || encoding.toLowerCase() !== 'quoted-printable') return body;
  const bytes = body.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`);
  try {
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
  } catch {
    return body;
  }
}

export class SmtpSink {
  readonly messages: ReceivedMessage[] = [];
  /** MAIL FROM commands seen, accepted or not. */
  attempts = 0;
  /** `tempfail`: every message is refused with 421 (try again later). */
  mode: 'accept' | 'tempfail' = 'accept';
  /** Recipients refused for good (550). */
  readonly refusedRecipients = new Set<string>();
  /** Recipients refused for now (452 Mailbox full): a failure that may pass. */
  readonly fullMailboxes = new Set<string>();
  /** RCPT TO commands refused with 452, by address. */
  readonly deferredAttempts = new Map<string, number>();
  private readonly events = new EventEmitter();

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpSink> {
    let sink: SmtpSink | undefined;
    const server = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onMailFrom(_address, _session, callback) {
        sink!.attempts++;
        sink!.events.emit('change');
        if (sink!.mode === 'tempfail') return callback(Object.assign(new Error('Try again later'), { responseCode: 421 }));
        callback();
      },
      onRcptTo(address, _session, callback) {
        if (sink!.refusedRecipients.has(address.address)) return callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
        if (sink!.fullMailboxes.has(address.address)) {
          sink!.deferredAttempts.set(address.address, (sink!.deferredAttempts.get(address.address) ?? 0) + 1);
          sink!.events.emit('change');
          return callback(Object.assign(new Error('Mailbox full'), { responseCode: 452 }));
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const { headers, body } = parseMessage(raw);
          sink!.messages.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            headers,
            messageId: headers['message-id'] ?? '',
            subject: headers.subject ?? '',
            body,
            raw,
          });
          sink!.events.emit('change');
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    sink = new SmtpSink(server, (server.server.address() as AddressInfo).port);
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Resolves once `predicate` holds (checked at every attempt and message); rejects after `timeoutMs`. */
  async until(predicate: (sink: SmtpSink) => boolean, timeoutMs = 15_000): Promise<void> {
    if (predicate(this)) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate(this)) return;
        clearTimeout(timer);
        this.events.off('change', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.events.off('change', check);
        reject(new Error(`SMTP sink: condition not met within ${timeoutMs} ms (${this.messages.length} messages, ${this.attempts} attempts)`));
      }, timeoutMs);
      this.events.on('change', check);
    });
  }

  to(address: string): ReceivedMessage[] {
    return this.messages.filter((m) => m.to.includes(address));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
