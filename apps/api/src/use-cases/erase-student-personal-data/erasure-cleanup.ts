// What an erasure does beyond destroying the key: copies of the person's name and e-mail outside the event log
// (e-mails in the outbox, the reactors' record of sent e-mails, SQLite pages the read models freed) are removed.
// Idempotent: repeating the erasure command repeats the cleanup; the next start finishes one a crash interrupted
// (ErasureReconciler).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '@mentoring/config';
import { ERASED_PLACEHOLDER } from '@mentoring/domain';
import { KeyOwner, keySubject, KeyStore, Position } from '@mentoring/event-store';
import { ProjectionRunner } from '@mentoring/projections';
import { LEGACY_MAIL, MAIL_OUTBOX, MailOutboxDoc, ReactorRunner, SENT_EMAILS, SentEmailDoc, outboxFileName } from '@mentoring/reactors';
import { ReadStore } from '@mentoring/read-store';
import { APP_CONFIG, KEY_STORE, PROJECTION_RUNNER, REACTOR_RUNNER, READ_STORE } from '../../shared/tokens';

const SETTLE_MS = 5000;

/** The words that identify the person, read before the key is destroyed. */
export interface ErasedIdentity {
  owner: KeyOwner;
  id: string;
  name: string;
  email: string;
}

@Injectable()
export class ErasureCleanup {
  private readonly logger = new Logger('Erasure');

  constructor(
    @Inject(KEY_STORE) private readonly keyStore: KeyStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner | null,
    @Optional() @Inject(REACTOR_RUNNER) private readonly reactors: ReactorRunner | null,
  ) {}

  async erase(person: ErasedIdentity, position: Position | null): Promise<void> {
    await this.keyStore.destroy(keySubject(person.owner, person.id));
    // The read models and reactors of this process overwrite their copies on the erasure event: let them.
    if (position) {
      await this.projections?.waitFor(position, SETTLE_MS);
      await this.reactors?.waitFor(position, SETTLE_MS);
    }
    // The id too: a repeated erasure no longer knows the name and e-mail, and mails name the person's id in links.
    const words = [person.email, person.name].filter((w) => w && w !== ERASED_PLACEHOLDER);
    const mails = await this.mailsAbout(person);
    // The files first: a queued message's file (written in the window before its record) is found through its document.
    await this.deleteOutboxFiles(mails, [...words, person.id]);
    await this.scrubSentEmails(mails.sent, words);
    await this.dropQueuedMail(mails.queued, [...words, person.id]);
    // secure_delete zeroes freed pages; truncating the WAL drops the old page images still in it.
    const purge = (this.readStore as { purgeFreedPages?: () => Promise<void> }).purgeFreedPages;
    if (purge) await purge.call(this.readStore);
  }

  /**
   * The messages that may mention the person: those recorded as about them (by index), and those queued or sent
   * before the people a message is about were recorded (read whole, as every erasure did before; their number does
   * not grow). A school that started on this version has none of the latter, so an erasure reads the person's
   * messages only, not every message the school ever sent.
   */
  private async mailsAbout(person: ErasedIdentity): Promise<MailsAbout> {
    const about = person.owner === 'student' ? { studentId: person.id } : { mentorId: person.id };
    const sent = this.readStore.collection<SentEmailDoc>(SENT_EMAILS);
    const queue = this.readStore.collection<MailOutboxDoc>(MAIL_OUTBOX);
    const [sentAbout, sentLegacy, queuedAbout, queuedLegacy] = await Promise.all([
      sent.find(about),
      sent.find(LEGACY_MAIL),
      queue.find(about),
      queue.find(LEGACY_MAIL),
    ]);
    return { sent: [...sentAbout, ...sentLegacy], queued: [...queuedAbout, ...queuedLegacy], legacy: sentLegacy.length + queuedLegacy.length };
  }

  private async scrubSentEmails(docs: SentEmailDoc[], words: string[]): Promise<void> {
    const sent = this.readStore.collection<SentEmailDoc>(SENT_EMAILS);
    let scrubbed = 0;
    for (const doc of docs) {
      if (!mentionsAny(doc.to, words) && !mentionsAny(doc.subject, words)) continue;
      await sent.updateOne({ _id: doc._id }, { $set: { to: ERASED_PLACEHOLDER, subject: ERASED_PLACEHOLDER } });
      scrubbed += 1;
    }
    if (scrubbed > 0) this.logger.log(`erasure: ${scrubbed} record(s) of sent e-mail scrubbed`);
  }

  /**
   * Messages still queued for delivery (pending, deferred) or dead-lettered that mention the person: deleted. The
   * person asked to be forgotten; a message about them that was not delivered yet will not be.
   */
  private async dropQueuedMail(docs: MailOutboxDoc[], words: string[]): Promise<void> {
    const queue = this.readStore.collection<MailOutboxDoc>(MAIL_OUTBOX);
    let dropped = 0;
    for (const doc of docs) {
      if (!mentionsAny(doc.to, words) && !mentionsAny(doc.subject, words) && !mentionsAny(doc.text, words)) continue;
      await queue.deleteOne({ _id: doc._id });
      dropped += 1;
    }
    if (dropped > 0) this.logger.log(`erasure: ${dropped} queued or dead-lettered e-mail(s) dropped`);
  }

  /**
   * The `.eml` files of the embedded deployment that mention the person (with SMTP, the mail server's are out of
   * reach): the files of the person's messages, found by name; every file of the folder only while messages from
   * before the people were recorded remain (whose files cannot be told apart).
   */
  private async deleteOutboxFiles(mails: MailsAbout, words: string[]): Promise<void> {
    if (this.config.smtpUrl) return;
    const outbox = path.join(this.config.dataDir, 'outbox');
    let files: string[];
    if (mails.legacy > 0) {
      try {
        files = await fs.readdir(outbox);
      } catch {
        return;
      }
      this.logger.log(`erasure: ${mails.legacy} e-mail(s) from before the people of a message were recorded: reading all ${files.length} file(s) of the outbox`);
    } else {
      files = [...new Set([...mails.sent, ...mails.queued].map((doc) => outboxFileName(doc._id, this.config.mailFrom)))];
    }
    // Each part of the name too: headers and quoted-printable bodies split or encode a name's non-ASCII letters.
    const parts = words.flatMap((w) => w.split(/\s+/)).filter((p) => p.length >= 4 && /^[\x21-\x7e]+$/.test(p));
    const needles = [...words, ...parts].flatMap((w) => [Buffer.from(w, 'utf8'), Buffer.from(JSON.stringify(w).slice(1, -1), 'utf8')]);
    let deleted = 0;
    for (const file of files) {
      const full = path.join(outbox, file);
      const bytes = await fs.readFile(full).catch(() => null);
      if (bytes && needles.some((n) => bytes.includes(n))) {
        await fs.rm(full, { force: true });
        deleted += 1;
      }
    }
    if (deleted > 0) this.logger.log(`erasure: ${deleted} e-mail(s) of the outbox deleted`);
  }
}

interface MailsAbout {
  sent: SentEmailDoc[];
  queued: MailOutboxDoc[];
  /** How many of them were recorded before the people of a message were (see {@link LEGACY_MAIL}). */
  legacy: number;
}

function mentionsAny(text: string | undefined, words: string[]): boolean {
  return text !== undefined && words.some((w) => text.includes(w));
}
