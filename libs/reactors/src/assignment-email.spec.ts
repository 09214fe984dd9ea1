// R10, once per assignment: the reactor sends the assignment e-mail through a real SMTP server on
// loopback, records it, and after every kind of interruption the server has received exactly one
// message per assignment, except in the one documented window (a crash between the server's acceptance
// and the record), where the duplicate carries the same Message-ID.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandContext, EventSourcedStreams, mentorStream, studentStream } from '@mentoring/application';
import { createStudentDecider, mentorDecider, mentorSnapshotOf } from '@mentoring/domain';
import { SqliteEventStore, formatPosition } from '@mentoring/event-store';
import { EmbeddedReadStore } from '@mentoring/read-store';
import { PARKED_EVENTS, ParkedEventDoc, TransientError } from '@mentoring/projections';
import { SmtpSink, parseMessage } from '../../../test/support/smtp-sink';
import { createMailer, Mailer } from './mailer';
import { createReactorRunner } from './create-reactors';
import { ReactorRunner } from './reactor-runner';
import { SENT_EMAILS, SentEmailDoc } from './sent-emails';
import { MAIL_OUTBOX, MailOutboxDoc, countDeadLetters, listDeadLetters } from './mail-outbox';
import { ASSIGNMENT_EMAIL } from './reactors/assignment-email.reactor';

const AT = '2027-01-04T09:00:00.000Z';
const clock = { now: () => new Date(AT) };
const staff: CommandContext = { actor: { id: 'staff-1', role: 'staff' }, correlationId: 'c-1', causationId: 'test' };
const quiet = { log: () => undefined, error: () => undefined };
const FROM = 'Mentoring platform <no-reply@school.example>';

describe('assignment e-mail (R10): once per assignment', () => {
  let dir: string;
  let eventStore: SqliteEventStore;
  let readStore: EmbeddedReadStore;
  let streams: EventSourcedStreams;
  let sink: SmtpSink;
  let runner: ReactorRunner | undefined;
  const student = createStudentDecider();

  async function openStores(): Promise<void> {
    eventStore = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
    readStore = await EmbeddedReadStore.open({ file: path.join(dir, 'read-models.sqlite') });
    streams = new EventSourcedStreams(eventStore, clock);
  }

  async function closeStores(): Promise<void> {
    await runner?.stop();
    runner = undefined;
    await eventStore.close();
    await readStore.close();
  }

  function start(mailer: Mailer = createMailer({ smtpUrl: sink.url, outboxDir: path.join(dir, 'outbox'), from: FROM }), maxAttempts = 3): Promise<void> {
    runner = createReactorRunner({
      eventStore,
      readStore,
      mailer,
      clock,
      mentorshipTeamEmail: 'team@school.example',
      logger: quiet,
      options: { tickIntervalMs: 0, retryDelayMs: 0, restartDelayMs: 5, maxAttempts },
    });
    return runner.start();
  }

  async function registerMentor(mentorId: string, email: string): Promise<void> {
    await streams.execute(
      mentorStream(mentorId),
      mentorDecider,
      () => ({ type: 'RegisterMentor' as const, data: { mentorId, name: `Mentor ${mentorId}`, email, trainingPaths: ['web'], capacity: 5, disabilityFriendly: false, at: AT, by: staff.actor } }),
      staff,
    );
  }

  /** Enrols and assigns a student; returns the StudentAssigned event. */
  async function assign(studentId: string, mentorId: string) {
    await streams.execute(
      studentStream(studentId),
      student,
      () => ({
        type: 'EnrolStudent' as const,
        data: { studentId, name: `Student ${studentId}`, email: `${studentId}@students.example`, trainingPath: 'web', registeredDisability: false, startDate: '2027-01-04', funding: { kind: 'self_funded' as const }, at: AT, by: staff.actor },
      }),
      staff,
    );
    const { state } = await streams.load(mentorStream(mentorId), mentorDecider);
    await streams.execute(studentStream(studentId), student, () => ({ type: 'AssignMentor' as const, data: { studentId, mentor: mentorSnapshotOf(state, AT)!, reservationId: `res-${studentId}`, at: AT, by: staff.actor } }), staff);
    const events = await eventStore.readStream(studentStream(studentId));
    return events.find((e) => e.type === 'StudentAssigned')!;
  }

  async function caughtUp(): Promise<void> {
    expect(await runner!.waitFor((await eventStore.headPosition())!, 10_000, [ASSIGNMENT_EMAIL])).toBe(true);
    // A message queued while the start's delivery pass ran may be that pass's to send (the inline attempt skips a
    // message claimed by another attempt): wait for the pass too.
    await runner!.deliveriesSettled();
  }

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactors-'));
    sink = await SmtpSink.start();
    await openStores();
    await registerMentor('m1', 'joy@mentors.example');
  });
  afterEach(async () => {
    await closeStores();
    await sink.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends the mentor everything needed to contact the student and the discovery-session material, with a Message-ID derived from the event id', async () => {
    const assigned = await assign('s1', 'm1');
    await start();
    await caughtUp();
    expect(sink.messages).toHaveLength(1);
    const [message] = sink.messages;
    expect(message.to).toEqual(['joy@mentors.example']);
    expect(message.messageId).toBe(`<assignment.${assigned.eventId}@school.example>`);
    expect(message.subject).toBe('New student: Student s1 (web)');
    expect(message.body).toContain('s1@students.example');
    expect(message.body).toContain('PRESENTATION MATERIAL FOR THE DISCOVERY SESSION');
    expect(message.body).toContain('Self-funded');
    expect(message.body).toContain('Monday 11 January 2027'); // the first-contact deadline, 7 days on
    expect(await readStore.collection<SentEmailDoc>(SENT_EMAILS).findOne({ _id: `assignment.${assigned.eventId}` })).toMatchObject({
      messageId: message.messageId,
      reactor: ASSIGNMENT_EMAIL,
      to: 'joy@mentors.example',
    });
  });

  it('the server refuses for now: the event is handled, its message queued and deferred; after a restart exactly one message', async () => {
    // The SMTP server refuses for now: the message is deferred, the reactor goes on (nothing waits for the server).
    sink.mode = 'tempfail';
    await assign('s1', 'm1');
    await start();
    await caughtUp();
    expect(sink.attempts).toBeGreaterThanOrEqual(1);
    const status = (await runner!.status()).find((s) => s.name === ASSIGNMENT_EMAIL)!;
    expect(status).toMatchObject({ name: ASSIGNMENT_EMAIL, parked: 0, lag: 0 });
    expect(await readStore.collection<MailOutboxDoc>(MAIL_OUTBOX).find({})).toEqual([expect.objectContaining({ state: 'deferred', attempts: 1 })]);
    // Restart on the same files, the server accepts again: a start tries every waiting message once.
    await closeStores();
    sink.mode = 'accept';
    await openStores();
    await start();
    await caughtUp();
    await sink.until((s) => s.messages.length === 1);
    expect(sink.messages).toHaveLength(1);
    expect(await readStore.collection(PARKED_EVENTS).countDocuments()).toBe(0);
  });

  it('crash after the send is recorded but before the checkpoint moved: the restart skips it (exactly one message)', async () => {
    const first = await assign('s1', 'm1');
    await start();
    await caughtUp();
    expect(sink.messages).toHaveLength(1);
    const all = await eventStore.readAll();
    const previous = all[all.findIndex((e) => e.eventId === first.eventId) - 1];
    await closeStores();
    // As if the process had died between the record and the checkpoint: the checkpoint is back before the event.
    await openStores();
    await readStore.setCheckpoint(ASSIGNMENT_EMAIL, formatPosition(previous.position));
    await start();
    // A second assignment after it: once its message arrives, the first has been handled again (in order).
    await registerMentor('m2', 'bo@mentors.example');
    await assign('s2', 'm2');
    await sink.until((s) => s.to('bo@mentors.example').length === 1);
    await caughtUp();
    expect(sink.to('joy@mentors.example')).toHaveLength(1);
    expect(sink.messages).toHaveLength(2);
  });

  it('the one window for a duplicate: a crash between the server accepting and the record; the duplicate has the same Message-ID', async () => {
    const real = createMailer({ smtpUrl: sink.url, outboxDir: path.join(dir, 'outbox'), from: FROM });
    let dieAfterAcceptance = true;
    const dying: Mailer = {
      ...real,
      async send(mail) {
        const sent = await real.send(mail);
        if (dieAfterAcceptance) {
          dieAfterAcceptance = false;
          // As a process dying (or the connection lost) right after the server accepted: not recorded.
          throw new TransientError('the connection was lost right after the SMTP server accepted the message');
        }
        return sent;
      },
    };
    const assigned = await assign('s1', 'm1');
    await start(dying);
    await caughtUp();
    expect(sink.messages).toHaveLength(1);
    // The message's next attempt, at the tick after its backoff.
    expect((await runner!.tick(new Date(clock.now().getTime() + 3_600_000))).mail).toEqual({ sent: 1, deferred: 0, dead: 0 });
    expect(sink.messages).toHaveLength(2);
    expect(new Set(sink.messages.map((m) => m.messageId))).toEqual(new Set([`<assignment.${assigned.eventId}@school.example>`]));
  });

  it('a message the server refuses for good is a dead letter (the event is not parked), the next assignments are still sent, and a retry sends it once fixed', async () => {
    sink.refusedRecipients.add('joy@mentors.example');
    const refused = await assign('s1', 'm1');
    await registerMentor('m2', 'bo@mentors.example');
    await assign('s2', 'm2');
    await start(undefined, 2);
    await caughtUp();
    expect(sink.to('bo@mentors.example')).toHaveLength(1);
    expect(await readStore.collection<ParkedEventDoc>(PARKED_EVENTS).countDocuments()).toBe(0);
    const [dead] = await listDeadLetters(readStore);
    expect(dead).toMatchObject({ _id: `assignment.${refused.eventId}`, reactor: ASSIGNMENT_EMAIL, state: 'dead', attempts: 1 });
    expect(dead.lastError).toContain('No such user');
    expect(await countDeadLetters(readStore)).toBe(1);
    expect((await runner!.status()).find((s) => s.name === ASSIGNMENT_EMAIL)).toMatchObject({ lag: 0, parked: 0 });

    sink.refusedRecipients.clear();
    expect(await runner!.deliverNow(dead._id)).toBeNull();
    expect(sink.to('joy@mentors.example')).toHaveLength(1);
    // Retrying again changes nothing: the message is recorded as sent.
    expect(await runner!.deliverNow(dead._id)).toBeNull();
    expect(sink.messages).toHaveLength(2);
    expect(await countDeadLetters(readStore)).toBe(0);
  });

  it('without SMTP_URL the message is an .eml file under the outbox folder, named after its Message-ID', async () => {
    const assigned = await assign('s1', 'm1');
    const outbox = path.join(dir, 'outbox');
    await start(createMailer({ outboxDir: outbox, from: FROM }));
    await caughtUp();
    const files = fs.readdirSync(outbox);
    expect(files).toEqual([`assignment.${assigned.eventId}@school.example.eml`]);
    const { headers, body } = parseMessage(fs.readFileSync(path.join(outbox, files[0]), 'utf8'));
    expect(headers['message-id']).toBe(`<assignment.${assigned.eventId}@school.example>`);
    expect(headers.to).toBe('joy@mentors.example');
    expect(body).toContain('s1@students.example');
  });
});
