// E-mail delivery that one bad mailbox cannot stop (issue 12, point 4), against a real SMTP server on
// loopback: one mentor's mailbox answers 452 (full), the others accept. Every other message is delivered
// at once; the refused ones are deferred with growing delays, then dead-lettered after EMAIL_MAX_AGE_HOURS,
// listed by GET /admin/parked-events and sent by a retry. A 550 is a dead letter at once. Names with control
// characters are refused (400). A first start on an existing log sends nothing older than the window.
// Time is the test's clock; the scheduler's tick is called by the test (REACTOR_TICK_SECONDS=0).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAIL_OUTBOX, MailOutboxDoc, ReactorRunner, countDeadLetters, render } from '@mentoring/reactors';
import type { ReadStore } from '@mentoring/read-store';
import { READ_STORE } from '../apps/api/src/shared/tokens';
import { Person, TestClock, person, post } from './support/commands';
import { postCreated, reactionsSettled, reactorRunnerOf } from './support/reactors';
import { SmtpSink } from './support/smtp-sink';
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { conformanceTo } from './openapi-conformance';

const HOUR = 3_600_000;
const T0 = '2027-01-04T09:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

describe('e-mail delivery: one mailbox refusing does not stop the others', () => {
  const clock = new TestClock(T0);
  let sink: SmtpSink;
  let t: TestApp;
  let reactors: ReactorRunner;
  let readStore: ReadStore;
  let staff: Person;
  let admin: Person;
  const FULL = 'full@mentors.example';

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, MAIL_FROM: 'Mentoring <no-reply@school.example>', EMAIL_MAX_AGE_HOURS: '72' }, { clock });
    reactors = reactorRunnerOf(t);
    readStore = t.app.get<ReadStore>(READ_STORE);
    staff = await person(t, 'staff', 'staff-1');
    admin = await person(t, 'admin', 'admin-1');
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  const outbox = () => readStore.collection<MailOutboxDoc>(MAIL_OUTBOX);

  async function mentor(n: number, email: string): Promise<{ mentorId: string; email: string }> {
    const { mentorId } = await postCreated(t, staff, '/mentors', mentorBody({ name: `Mentor ${n}`, email, capacity: 20 }));
    return { mentorId, email };
  }

  async function assign(n: number, mentorId: string): Promise<string> {
    const { studentId } = await postCreated(t, staff, '/students', enrolment('self_funded', { name: `Student ${n}`, email: `student${n}@students.example` }));
    await postCreated(t, staff, `/students/${studentId}/assignment`, { mentorId });
    return studentId;
  }

  it('452 for one mentor: every other message delivered at once, the refused ones deferred with growing delays, then dead-lettered, listed and retried', async () => {
    sink.fullMailboxes.add(FULL);
    const full = await mentor(0, FULL);
    const others = await Promise.all([1, 2, 3, 4].map((n) => mentor(n, `mentor${n}@mentors.example`)));
    // 15 assignments, 3 of them to the full mailbox, interleaved; sessions booked with the others.
    let n = 0;
    const sessionStudents: Array<{ studentId: string; mentorId: string }> = [];
    for (let round = 0; round < 3; round++) {
      await assign(++n, full.mentorId);
      for (const m of others) {
        const studentId = await assign(++n, m.mentorId);
        if (round === 0) sessionStudents.push({ studentId, mentorId: m.mentorId });
      }
    }
    await reactionsSettled(t, reactors);
    for (const s of sessionStudents) {
      const mentorPerson = await person(t, 'mentor', s.mentorId);
      await postCreated(t, mentorPerson, `/students/${s.studentId}/first-contact`);
      await postCreated(t, mentorPerson, `/students/${s.studentId}/discovery-session`, { start: at(5 * 24 * HOUR) });
    }
    await reactionsSettled(t, reactors);

    // Everyone else has their messages: 12 assignments, and 4 bookings to both parties; nothing waits for them.
    for (const m of others) expect(sink.to(m.email).length).toBe(3 + 1);
    expect(sink.messages).toHaveLength(12 + 8);
    expect(sink.to(FULL)).toHaveLength(0);
    const deferred = await outbox().find({}, { sort: { _id: 1 } });
    expect(deferred.map((d) => ({ to: d.to, state: d.state, attempts: d.attempts }))).toEqual([0, 1, 2].map(() => ({ to: FULL, state: 'deferred', attempts: 1 })));
    expect(deferred[0].lastError).toContain('452');

    // The worker's ticks: each message is tried again when its own delay is over, with delays that grow.
    const delays: number[] = [Date.parse(deferred[0].nextAttemptAt) - Date.parse(deferred[0].lastAttemptAt!)];
    for (let i = 0; i < 4; i++) {
      const [doc] = await outbox().find({ _id: deferred[0]._id });
      clock.set(doc.nextAttemptAt);
      const report = await reactors.tick(clock.now());
      expect(report.mail.sent).toBe(0);
      const [after] = await outbox().find({ _id: deferred[0]._id });
      expect(after).toMatchObject({ state: 'deferred', attempts: i + 2 });
      delays.push(Date.parse(after.nextAttemptAt) - Date.parse(after.lastAttemptAt!));
    }
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]);
    expect(sink.deferredAttempts.get(FULL)).toBeGreaterThanOrEqual(3 + 4);

    // 72 hours after they were queued: dead letters, counted, listed, retryable.
    clock.set(at(72 * HOUR + 60_000));
    const report = await reactors.tick(clock.now());
    expect(report.mail.dead).toBe(3);
    expect(await countDeadLetters(readStore)).toBe(3);
    const listed = await t.request('GET', '/admin/parked-events', { token: admin.token });
    expect(listed.status).toBe(200);
    (await conformanceTo(t))('ListParkedEvents', listed);
    expect(listed.body.deadLetters.items).toHaveLength(3);
    expect(listed.body.deadLetters.items[0]).toMatchObject({ reactor: 'assignment-email', to: FULL, state: 'dead', lastError: expect.stringContaining('EMAIL_MAX_AGE_HOURS') });
    expect(listed.body.parkedEvents.items).toEqual([]);
    const metrics = await t.request('GET', '/metrics', { token: admin.token });
    if (metrics.status === 200) expect(String(metrics.text ?? metrics.body)).toMatch(/failed"?\}? [1-9]/);

    // The mailbox has room again: a retry sends the message at once.
    sink.fullMailboxes.delete(FULL);
    const id = listed.body.deadLetters.items[0]._id;
    const retried = await t.request('POST', `/admin/parked-events/${id}/retry`, { token: admin.token });
    expect(retried.status).toBe(200);
    (await conformanceTo(t))('RetryParkedEvent', retried);
    expect(retried.body).toEqual({ kind: 'dead_letter', item: null });
    expect(sink.to(FULL)).toHaveLength(1);
    expect(sink.to(FULL)[0].messageId).toBe(`<${id}@school.example>`);
    expect(await countDeadLetters(readStore)).toBe(2);
  }, 60_000);

  it('550 for a recipient: a dead letter at once, the event is not parked', async () => {
    sink.refusedRecipients.add('gone@mentors.example');
    const gone = await mentor(9, 'gone@mentors.example');
    const before = await countDeadLetters(readStore);
    await assign(99, gone.mentorId);
    await reactionsSettled(t, reactors);
    expect(await countDeadLetters(readStore)).toBe(before + 1);
    const [dead] = await outbox().find({ to: 'gone@mentors.example' });
    expect(dead).toMatchObject({ state: 'dead', attempts: 1, lastError: expect.stringContaining('550') });
    const health = await t.request('GET', '/health', { token: await t.token('admin', 'ops-1') });
    expect(health.body.parkedEvents.count).toBe(0);
  });
});

describe('names with control characters are refused; a stored one cannot break a header', () => {
  let t: TestApp;
  let staff: Person;
  beforeAll(async () => {
    t = await startTestApp();
    staff = await person(t, 'staff', 'staff-1');
  });
  afterAll(() => t.close());

  const base = enrolment('apprenticeship');
  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    ['student name with a newline', '/students', { ...base, name: 'Sam\nLee' }, 'name'],
    ['student name with a carriage return', '/students', { ...base, name: 'Sam\r\nBcc: x@evil.example' }, 'name'],
    ['student name with a tab', '/students', { ...base, name: 'Sam\tLee' }, 'name'],
    ['company name with a C1 control', '/students', { ...base, funding: { ...(base.funding as object), company: { id: 'acme', name: 'ACME\u0085Corp' } } }, 'company'],
    ['tutor name with a newline', '/students', { ...base, funding: { ...(base.funding as object), tutor: { id: 't', name: 'Tess\nTutor', email: 'tess@acme.example' } } }, 'tutor'],
    ['employer name with NUL', '/students', { ...base, funding: { ...(base.funding as object), employer: { id: 'acme', name: 'ACME\u0000' } } }, 'employer'],
    ['public funder name with DEL', '/students', enrolment('social_programme', { funding: { ...(enrolment('social_programme').funding as object), publicFunder: { id: 'p', name: 'Pub\u007f' } } }), 'publicFunder'],
    ['mentor name with a newline', '/mentors', mentorBody({ name: 'Joy\nAdams' }), 'name'],
  ];

  it.each(cases)('%s → 400 validation_failed naming the field', async (_label, url, body, field) => {
    const answer = await post(t, staff, url, body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation_failed');
    const fields = (answer.body.errors as Array<{ field: string; problems?: string[]; messages?: string[] }>).map((e) => e.field);
    expect(fields.some((f) => f.includes(field))).toBe(true);
    expect(JSON.stringify(answer.body.errors)).toContain('control characters');
  });

  it('a name stored with a newline before the rule still gives a one-line subject (headers are built from data)', () => {
    const values: Record<string, string> = {};
    for (const key of ['mentorName', 'assignmentSentence', 'studentName', 'studentEmail', 'trainingPath', 'studentId', 'profileLabel', 'funder', 'cohort', 'endDate', 'sessionMinutes', 'attendance', 'unresponsiveDays', 'firstContactDeadline', 'rhythm', 'profileRules', 'reference']) values[key] = 'x';
    const mail = render('assignment-email', { ...values, studentName: 'Sam\r\nBcc: x@evil.example' });
    expect(mail.subject).toBe('New student: Sam Bcc: x@evil.example (x)');
    expect(mail.text.startsWith('Hello x,')).toBe(true);
  });
});

describe('a first start on an existing log sends nothing older than REACTORS_HISTORY_HOURS', () => {
  it('events of 10 days ago send nothing (their reminders neither); an event of an hour ago is e-mailed; the checkpoints move past all', async () => {
    const clock = new TestClock('2027-03-01T09:00:00.000Z');
    // The log written without reactors (as `npm run seed` does).
    let t = await startTestApp({ RUN_REACTORS: 'false' }, { clock });
    const dataDir = t.dataDir;
    const staff = await person(t, 'staff', 'staff-1');
    const old: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { mentorId } = (await post(t, staff, '/mentors', mentorBody({ name: `Old mentor ${i}`, email: `old${i}@mentors.example` }))).body;
      const { studentId } = (await post(t, staff, '/students', enrolment('self_funded', { email: `old${i}@students.example` }))).body;
      expect((await post(t, staff, `/students/${studentId}/assignment`, { mentorId })).status).toBe(201);
      const mentorPerson = await person(t, 'mentor', mentorId);
      await post(t, mentorPerson, `/students/${studentId}/first-contact`);
      expect((await post(t, mentorPerson, `/students/${studentId}/discovery-session`, { start: '2027-03-05T10:00:00.000Z' })).status).toBe(201);
      old.push(mentorId);
    }
    clock.set('2027-03-11T08:00:00.000Z');
    const { mentorId } = (await post(t, staff, '/mentors', mentorBody({ name: 'New mentor', email: 'new@mentors.example' }))).body;
    const { studentId } = (await post(t, staff, '/students', enrolment('self_funded', { email: 'new@students.example' }))).body;
    expect((await post(t, staff, `/students/${studentId}/assignment`, { mentorId })).status).toBe(201);
    await t.close({ keepData: true });

    clock.set('2027-03-11T09:00:00.000Z');
    t = await startTestApp({ DATA_DIR: dataDir, REACTORS_HISTORY_HOURS: '24' }, { clock });
    try {
      const reactors = reactorRunnerOf(t);
      await reactionsSettled(t, reactors);
      await reactors.tick(clock.now());
      await reactionsSettled(t, reactors);
      const files = fs.existsSync(path.join(dataDir, 'outbox')) ? fs.readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml')) : [];
      const contents = files.map((f) => fs.readFileSync(path.join(dataDir, 'outbox', f), 'utf8'));
      expect(contents).toHaveLength(1);
      expect(contents[0]).toContain('To: new@mentors.example');
      for (const r of await reactors.status()) expect(r).toMatchObject({ lag: 0, parked: 0 });
    } finally {
      await t.close();
    }
  }, 60_000);
});
