// GDPR Art. 17 at the scale of a school: an erasure finds the person's e-mails (records of sent messages, queued
// messages, `.eml` files of the outbox) by index, not by reading every message the school ever sent; messages
// recorded before the people of a message were kept are still read whole, so none of them is missed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AppConfig } from '@mentoring/config';
import { ERASED_PLACEHOLDER } from '@mentoring/domain';
import type { KeyStore } from '@mentoring/event-store';
import { enqueueMail, MAIL_OUTBOX, outboxFileName, SENT_EMAILS, setupMailOutbox, setupSentEmails, type MailOutboxDoc, type SentEmailDoc } from '@mentoring/reactors';
import { EmbeddedReadStore, type Collection, type Doc, type Filter, type ReadStore } from '@mentoring/read-store';
import { ErasureCleanup } from './erasure-cleanup';

const FROM = 'Mentoring <no-reply@school.example>';
const AT = '2027-01-04T09:00:00.000Z';
const sam = { owner: 'student' as const, id: 'st-sam', name: 'Sam Lee', email: 'sam@students.example' };
const joy = { owner: 'mentor' as const, id: 'me-joy', name: 'Joy Adams', email: 'joy@mentors.example' };
const ana = { id: 'st-ana', name: 'Ana Cruz', email: 'ana@students.example' };

/** The filters every `find` on the e-mail collections was given. */
function recordingFinds(store: ReadStore, seen: Filter[]): ReadStore {
  const watch = <T extends Doc>(collection: Collection<T>, name: string): Collection<T> =>
    name === SENT_EMAILS || name === MAIL_OUTBOX
      ? new Proxy(collection, {
          get: (target, key, receiver) =>
            key === 'find'
              ? (filter: Filter = {}, options?: object) => {
                  seen.push(filter);
                  return target.find(filter, options);
                }
              : Reflect.get(target, key, receiver),
        })
      : collection;
  return new Proxy(store, {
    get: (target, key, receiver) =>
      key === 'collection' ? (name: string) => watch(target.collection(name), name) : Reflect.get(target, key, receiver),
  });
}

describe('ErasureCleanup: the e-mails of the erased person', () => {
  let dir: string;
  let store: EmbeddedReadStore;
  let finds: Filter[];
  let cleanup: ErasureCleanup;
  const destroyed: string[] = [];

  const outbox = () => path.join(dir, 'outbox');
  const file = (key: string) => path.join(outbox(), outboxFileName(key, FROM));
  const writeFile = (key: string, text: string) => fs.writeFileSync(file(key), `Message-ID: <${key}>\n\n${text}\n`);
  const sent = (doc: SentEmailDoc) => store.collection<SentEmailDoc>(SENT_EMAILS).insertOne(doc);
  const queue = (key: string, to: string, text: string, about: { studentId: string; mentorId: string | null }) =>
    store.transaction((tx) => enqueueMail(tx, { key, reactor: 'session-emails', to, subject: 'Session', text, about }, AT));

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erasure-cleanup-'));
    fs.mkdirSync(outbox());
    store = await EmbeddedReadStore.open({ file: path.join(dir, 'read-models.sqlite') });
    await setupMailOutbox(store);
    await setupSentEmails(store);
    finds = [];
    destroyed.length = 0;
    const keyStore = { destroy: async (subject: string) => void destroyed.push(subject) } as unknown as KeyStore;
    const config = { dataDir: dir, mailFrom: FROM, smtpUrl: undefined } as unknown as AppConfig;
    cleanup = new ErasureCleanup(keyStore, recordingFinds(store, finds), config, null, null);
  });

  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("scrubs the student's records, drops their queued mail and deletes their files, reading no other person's message", async () => {
    await sent({ _id: 'assignment.e1', messageId: '<assignment.e1@school.example>', reactor: 'assignment-email', to: joy.email, subject: `New student: ${sam.name}`, sentAt: AT, studentId: sam.id, mentorId: joy.id });
    await sent({ _id: 'session-booked.e2.student', messageId: '<m2>', reactor: 'session-emails', to: sam.email, subject: 'Session booked', sentAt: AT, studentId: sam.id, mentorId: joy.id });
    await sent({ _id: 'session-booked.e3.student', messageId: '<m3>', reactor: 'session-emails', to: ana.email, subject: 'Session booked', sentAt: AT, studentId: ana.id, mentorId: joy.id });
    await queue('session-reminder.s1.student', sam.email, `Dear ${sam.name}, your session is tomorrow.`, { studentId: sam.id, mentorId: joy.id });
    await queue('session-reminder.s2.student', ana.email, `Dear ${ana.name}, your session is tomorrow.`, { studentId: ana.id, mentorId: joy.id });
    writeFile('assignment.e1', `Your new student is ${sam.name} <${sam.email}>.`);
    writeFile('session-booked.e2.student', `Dear ${sam.name}, your session with ${joy.name} is booked.`);
    writeFile('session-booked.e3.student', `Dear ${ana.name}, your session with ${joy.name} is booked.`);

    await cleanup.erase(sam, null);

    expect(destroyed).toEqual([`student:${sam.id}`]);
    const records = await store.collection<SentEmailDoc>(SENT_EMAILS).find({}, { sort: { _id: 1 } });
    expect(records.map((r) => [r._id, r.to, r.subject])).toEqual([
      ['assignment.e1', ERASED_PLACEHOLDER, ERASED_PLACEHOLDER], // to the mentor, naming Sam in its subject
      ['session-booked.e2.student', ERASED_PLACEHOLDER, ERASED_PLACEHOLDER],
      ['session-booked.e3.student', ana.email, 'Session booked'],
    ]);
    expect((await store.collection<MailOutboxDoc>(MAIL_OUTBOX).find({})).map((m) => m._id)).toEqual(['session-reminder.s2.student']);
    expect(fs.readdirSync(outbox())).toEqual([outboxFileName('session-booked.e3.student', FROM)]);
    // Only the student's messages and the (empty) set of messages from before the people were recorded were read.
    expect(finds).toEqual([{ studentId: sam.id }, { studentId: null }, { studentId: sam.id }, { studentId: null }]);
  });

  it("finds a mentor's messages by the mentor named in them", async () => {
    await sent({ _id: 'follow-up.e4', messageId: '<m4>', reactor: 'escalations', to: 'team@school.example', subject: `Follow-up: ${ana.name}`, sentAt: AT, studentId: ana.id, mentorId: joy.id });
    await queue('session-booked.e5.mentor', joy.email, `Dear ${joy.name}, ${ana.name} booked a session.`, { studentId: ana.id, mentorId: joy.id });
    writeFile('follow-up.e4', `Mentor: ${joy.name} (${joy.email})`);

    await cleanup.erase(joy, null);

    expect(destroyed).toEqual([`mentor:${joy.id}`]);
    // The record's recipient and subject do not name Joy: kept as they are; the file and the queued message did.
    expect(await store.collection<SentEmailDoc>(SENT_EMAILS).findOne({ _id: 'follow-up.e4' })).toMatchObject({ to: 'team@school.example', subject: `Follow-up: ${ana.name}` });
    expect(await store.collection(MAIL_OUTBOX).countDocuments({})).toBe(0);
    expect(fs.readdirSync(outbox())).toEqual([]);
    expect(finds).toEqual([{ mentorId: joy.id }, { studentId: null }, { mentorId: joy.id }, { studentId: null }]);
  });

  it('still reads every message and every file while messages from before the people were recorded remain', async () => {
    // Written by an earlier version: no studentId, no mentorId.
    await sent({ _id: 'assignment.old', messageId: '<old>', reactor: 'assignment-email', to: joy.email, subject: `New student: ${sam.name}`, sentAt: AT });
    await store.collection<MailOutboxDoc>(MAIL_OUTBOX).insertOne({
      _id: 'session-booked.old.student', reactor: 'session-emails', to: sam.email, subject: 'Session', text: 'Booked.', state: 'dead',
      queuedAt: AT, nextAttemptAt: AT, attempts: 3, lastError: 'refused', lastAttemptAt: AT, deadAt: AT,
    });
    writeFile('assignment.old', `Your new student is ${sam.name}.`);
    fs.writeFileSync(path.join(outbox(), 'hand-copied.eml'), `To: ${sam.email}\n\nhello\n`);
    writeFile('unrelated.old', `Dear ${ana.name}.`);

    await cleanup.erase(sam, null);

    expect(await store.collection<SentEmailDoc>(SENT_EMAILS).findOne({ _id: 'assignment.old' })).toMatchObject({ to: ERASED_PLACEHOLDER, subject: ERASED_PLACEHOLDER });
    expect(await store.collection(MAIL_OUTBOX).countDocuments({})).toBe(0);
    expect(fs.readdirSync(outbox())).toEqual([outboxFileName('unrelated.old', FROM)]);
  });
});
