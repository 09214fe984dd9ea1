// The reactors in the embedded deployment (in the API process), driven over HTTP with a clock the test
// moves: automatic escalations, the weekly rhythm, session e-mails and reminders. Time passes by
// setting the clock and calling the scheduler's tick; nothing sleeps.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecordedEvent } from '@mentoring/event-store';
import { ReactorRunner } from '@mentoring/reactors';
import type { ReadStore } from '@mentoring/read-store';
import { READ_STORE, REACTOR_RUNNER } from '../apps/api/src/shared/tokens';
import { Person, TestClock, person, post } from './support/commands';
import { discoverySessionHeld, postCreated, reactorsSettled, tickReactorsAt, tickWork } from './support/reactors';
import { SmtpSink, parseMessage } from './support/smtp-sink';
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { conformanceTo } from './openapi-conformance';

/** An instant `day` days after Monday 2027-01-04, at `time` UTC. */
const on = (day: number, time: string) => new Date(Date.parse(`2027-01-04T${time}:00.000Z`) + day * 86_400_000).toISOString();

const TEAM = 'team@school.example';

interface Mail {
  to: string;
  subject: string;
  messageId: string;
  body: string;
}

describe('reactors over HTTP, with a clock the test moves', () => {
  const clock = new TestClock(on(0, '09:00'));
  let t: TestApp;
  let reactors: ReactorRunner;
  let staff: Person;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp({ MENTORSHIP_TEAM_EMAIL: TEAM, MAIL_FROM: 'Mentoring <no-reply@school.example>' }, { clock });
    reactors = t.app.get<ReactorRunner>(REACTOR_RUNNER);
    staff = await person(t, 'staff', 'staff-1');
  });
  afterAll(() => t.close());

  const settled = () => reactorsSettled(t, reactors);
  const tickAt = (iso: string) => tickReactorsAt(t, reactors, clock, iso);
  const ok = (who: Person, url: string, body?: unknown) => postCreated(t, who, url, body);

  function outbox(): Mail[] {
    const dir = path.join(t.dataDir, 'outbox');
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .map((f) => {
        const { headers, body } = parseMessage(fs.readFileSync(path.join(dir, f), 'utf8'));
        return { to: headers.to, subject: headers.subject, messageId: headers['message-id'], body };
      });
  }

  /** A mentor, and a student of `kind` assigned to them at the clock's time. */
  async function assigned(kind: Parameters<typeof enrolment>[0]): Promise<{ studentId: string; name: string; mentor: Person; mentorEmail: string; studentEmail: string }> {
    const n = ++counter;
    const mentorEmail = `mentor${n}@mentors.example`;
    const studentEmail = `student${n}@students.example`;
    const { mentorId } = await ok(staff, '/mentors', mentorBody({ name: `Mentor ${n}`, email: mentorEmail }));
    const { studentId } = await ok(staff, '/students', enrolment(kind, { name: `Student ${n}`, email: studentEmail }));
    await ok(staff, `/students/${studentId}/assignment`, { mentorId });
    return { studentId, name: `Student ${n}`, mentor: await person(t, 'mentor', mentorId), mentorEmail, studentEmail };
  }

  async function stream(studentId: string): Promise<RecordedEvent[]> {
    return t.eventStore.readStream(`student-${studentId}`);
  }

  const followUps = async (studentId: string) => (await stream(studentId)).filter((e) => e.type === 'FollowUpRequested');

  describe('automatic escalation: no first contact 7 days after the assignment', () => {
    it('day 6 nothing, day 7 one FollowUpRequested by the system, day 8 still one; the team is e-mailed once', async () => {
      clock.set(on(0, '09:00'));
      const { studentId, name, mentor } = await assigned('self_funded');
      const assignedEvent = (await stream(studentId)).find((e) => e.type === 'StudentAssigned')!;

      await tickAt(on(6, '09:00'));
      expect(await followUps(studentId)).toHaveLength(0);

      await tickAt(on(7, '09:00'));
      const [followUp, ...more] = await followUps(studentId);
      expect(more).toHaveLength(0);
      expect(followUp.data).toMatchObject({
        studentId,
        mentorId: mentor.actor.id,
        reason: 'unresponsive_student',
        requestedBy: { id: 'system:escalations', role: 'system' },
        requestedAt: on(7, '09:00'),
      });
      expect(followUp.metadata).toMatchObject({ actor: { id: 'system:escalations', role: 'system' }, causationId: assignedEvent.eventId });

      await tickAt(on(8, '09:00'));
      await tickAt(on(8, '10:00'));
      expect(await followUps(studentId)).toHaveLength(1);

      const toTeam = outbox().filter((m) => m.to === TEAM && m.subject.startsWith(`Follow-up needed: ${name} `));
      expect(toTeam).toHaveLength(1);
      expect(toTeam[0].messageId).toBe(`<follow-up.${followUp.eventId}@school.example>`);
      expect(toTeam[0].body).toContain('no first contact with the student');
    });

    it('a first contact recorded in time: no follow-up on day 7', async () => {
      clock.set(on(0, '09:00'));
      const { studentId, mentor } = await assigned('self_funded');
      clock.set(on(3, '09:00'));
      await ok(mentor, `/students/${studentId}/first-contact`);
      await tickAt(on(7, '09:00'));
      await tickAt(on(9, '09:00'));
      expect(await followUps(studentId)).toHaveLength(0);
    });
  });

  it('two missed sessions in a row: one follow-up; a third in a row adds none', async () => {
    clock.set(on(0, '09:00'));
    const { studentId, name, mentor } = await assigned('self_funded');
    const base = `/students/${studentId}`;
    await ok(mentor, `${base}/first-contact`);
    clock.set(on(0, '10:00'));
    const discovery = await ok(mentor, `${base}/discovery-session`, { start: on(1, '10:00') });
    await settled(); // the booking's e-mails go out before the clock passes the session
    clock.set(on(1, '10:40'));
    await ok(mentor, `${base}/sessions/${discovery.sessionId}/held`);

    const missed = async (bookedOn: number, day: number) => {
      clock.set(on(bookedOn, '09:00'));
      const { sessionId } = await ok(mentor, `${base}/sessions`, { start: on(day, '10:00') });
      await settled();
      clock.set(on(day, '10:20'));
      await ok(mentor, `${base}/sessions/${sessionId}/no-show`);
      await settled();
    };
    await missed(2, 8);
    expect(await followUps(studentId)).toHaveLength(0);
    await missed(9, 15);
    const [followUp, ...more] = await followUps(studentId);
    expect(more).toHaveLength(0);
    expect(followUp.data).toMatchObject({ reason: 'missed_sessions', requestedBy: { id: 'system:escalations', role: 'system' }, mentorId: mentor.actor.id });
    await missed(16, 22);
    expect(await followUps(studentId)).toHaveLength(1);
    expect(outbox().filter((m) => m.to === TEAM && m.subject === `Follow-up needed: ${name} (missed sessions in a row)`)).toHaveLength(1);
  });

  it('weekly rhythm (R15): a social-programme student with a week without a held session gets one attendance fact and alert', async () => {
    clock.set(on(0, '09:00'));
    const { studentId, mentor } = await assigned('social_programme');
    // Week of Monday 11 January: the discovery session is held.
    await discoverySessionHeld(t, clock, mentor, studentId, on(8, '10:00'));
    await settled();
    const facts = async () => (await stream(studentId)).filter((e) => e.type === 'AttendanceFactRecorded' || e.type === 'AttendanceAlertRaised');

    // Checked once the week is over plus a day of grace (mentors record sessions late).
    await tickAt(on(14, '23:00'));
    await tickAt(on(15, '01:00'));
    expect(await facts()).toHaveLength(0);
    // Week of Monday 18 January: nothing held.
    await tickAt(on(21, '23:59'));
    expect(await facts()).toHaveLength(0);
    await tickAt(on(22, '00:00'));
    const recorded = await facts();
    expect(recorded.map((e) => [e.type, (e.data as { kind: string; weekStart: string }).kind, (e.data as { weekStart: string }).weekStart])).toEqual([
      ['AttendanceFactRecorded', 'week_without_session', '2027-01-18'],
      ['AttendanceAlertRaised', 'week_without_session', '2027-01-18'],
    ]);
    expect(recorded[0].metadata.actor).toEqual({ id: 'system:weekly-rhythm', role: 'system' });
    expect(recorded[0].data).toMatchObject({ profile: 'social_programme', funderId: 'pub-employment', cohort: '2027-spring', recordedAt: on(22, '00:00') });
    await tickAt(on(22, '06:00'));
    expect(await facts()).toHaveLength(2);
    // A process down for two weeks: the next tick catches up both weeks, once each.
    await tickAt(on(36, '12:00'));
    expect((await facts()).map((e) => (e.data as { weekStart: string }).weekStart)).toEqual(['2027-01-18', '2027-01-18', '2027-01-25', '2027-01-25', '2027-02-01', '2027-02-01']);
  });

  it('session e-mails: both parties when booked, a reminder 48 h before (once), a new one after a reschedule, none after a cancellation', async () => {
    clock.set(on(0, '09:00'));
    const { studentId, mentor, mentorEmail, studentEmail } = await assigned('self_funded');
    const base = `/students/${studentId}`;
    await ok(mentor, `${base}/first-contact`);
    const mine = () => outbox().filter((m) => m.to === mentorEmail || m.to === studentEmail);
    const about = (word: string) => mine().filter((m) => m.subject.startsWith(word));

    clock.set(on(1, '09:00'));
    const { sessionId } = await ok(mentor, `${base}/discovery-session`, { start: on(5, '10:00') });
    await settled();
    expect(about('Discovery session booked').map((m) => m.to).sort()).toEqual([mentorEmail, studentEmail].sort());
    expect(about('Discovery session booked')[0].subject).toBe('Discovery session booked: Saturday 9 January 2027 at 10:00 UTC');

    await tickAt(on(3, '09:59'));
    expect(about('Reminder')).toHaveLength(0);
    await tickAt(on(3, '10:00'));
    expect(about('Reminder').map((m) => m.to).sort()).toEqual([mentorEmail, studentEmail].sort());
    await tickAt(on(3, '11:00'));
    await tickAt(on(4, '08:00'));
    expect(about('Reminder')).toHaveLength(2);

    // Moved to later: both are told, and reminded again for the new time.
    clock.set(on(4, '09:00'));
    await ok(mentor, `${base}/sessions/${sessionId}/reschedule`, { start: on(9, '10:00') });
    await settled();
    expect(about('Session moved')).toHaveLength(2);
    await tickAt(on(7, '09:00'));
    expect(about('Reminder')).toHaveLength(2);
    await tickAt(on(7, '10:00'));
    expect(about('Reminder')).toHaveLength(4);
    expect(new Set(about('Reminder').map((m) => m.messageId)).size).toBe(4);

    // Held, then a session booked and cancelled before its reminder: no reminder for it.
    clock.set(on(9, '10:40'));
    await ok(mentor, `${base}/sessions/${sessionId}/held`);
    clock.set(on(10, '09:00'));
    const later = await ok(mentor, `${base}/sessions`, { start: on(16, '10:00') });
    await ok(mentor, `${base}/sessions/${later.sessionId}/cancel`, { reason: 'mentor', text: 'Conference' });
    await tickAt(on(14, '10:00'));
    await tickAt(on(16, '09:00'));
    expect(about('Reminder')).toHaveLength(4);
  });

  it('replaying every reactor from the first event appends nothing and sends nothing again', async () => {
    await settled();
    const head = (await t.eventStore.headPosition())!;
    const mails = outbox().length;
    const before = new Set(outbox().map((m) => m.messageId));
    const readStore = t.app.get<ReadStore>(READ_STORE);
    await reactors.stop();
    for (const r of reactors.reactors) await readStore.deleteCheckpoint(r.name);
    await reactors.start();
    await settled();
    await reactors.tick(clock.now());
    await settled();
    expect(await t.eventStore.headPosition()).toEqual(head);
    expect(outbox().filter((m) => !before.has(m.messageId)).map((m) => m.messageId)).toEqual([]);
    expect(outbox()).toHaveLength(mails);
    expect((await reactors.status()).map((s) => s.processedSinceStart)).toEqual(reactors.reactors.map(() => Number(head.commit)));
  });

  it('/health lists the reactors with their lag and the parked events', async () => {
    await settled();
    const health = await t.request('GET', '/health', { token: await t.token('admin', 'ops-1') });
    expect(health.status).toBe(200);
    expect(health.body.reactors.map((r: { name: string }) => r.name)).toEqual(['reservations', 'assignment-email', 'session-emails', 'escalations', 'weekly-rhythm', 'audit-checkpoints']);
    for (const r of health.body.reactors) expect(r).toMatchObject({ lag: 0, parked: 0, running: true });
    expect(health.body.parkedEvents).toEqual({ count: 0, events: [] });
  });
});

describe('due work survives a restart: it is stored, not held in a timer', () => {
  it('a reminder scheduled before a restart is sent by the first tick after it', async () => {
    const clock = new TestClock(on(0, '09:00'));
    let t = await startTestApp({}, { clock });
    const dataDir = t.dataDir;
    const staff = await person(t, 'staff', 'staff-1');
    const { mentorId } = (await post(t, staff, '/mentors', mentorBody())).body;
    const { studentId } = (await post(t, staff, '/students', enrolment('self_funded'))).body;
    await post(t, staff, `/students/${studentId}/assignment`, { mentorId });
    const mentor = await person(t, 'mentor', mentorId);
    await post(t, mentor, `/students/${studentId}/first-contact`);
    const booked = await post(t, mentor, `/students/${studentId}/discovery-session`, { start: on(5, '10:00') });
    expect(booked.status).toBe(201);
    const studentEvents = await t.eventStore.readStream(`student-${studentId}`);
    const { reservationId } = studentEvents.find((e) => e.type === 'StudentAssigned')!.data as { reservationId: string };
    const { slotId } = studentEvents.find((e) => e.type === 'DiscoverySessionBooked')!.data as { slotId: string };
    let reactors = t.app.get<ReactorRunner>(REACTOR_RUNNER);
    expect(await reactors.waitFor((await t.eventStore.headPosition())!, 10_000)).toBe(true);
    await t.close({ keepData: true });

    clock.set(on(3, '12:00'));
    t = await startTestApp({ DATA_DIR: dataDir }, { clock });
    try {
      reactors = t.app.get<ReactorRunner>(REACTOR_RUNNER);
      const report = tickWork(await reactors.tick());
      // The reservations' checks fell due too (120 s after each reservation): both were consumed by their facts.
      expect(report.performed).toEqual([
        { id: `reservations:calendar:${slotId}`, kind: 'reservation-check', outcome: 'consumed' },
        { id: `reservations:caseload:${reservationId}`, kind: 'reservation-check', outcome: 'consumed' },
        { id: `session-emails:reminder:${booked.body.sessionId}`, kind: 'session-reminder', outcome: 'sent' },
      ]);
      expect(report.failed).toEqual([]);
      const reminders = fs.readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.startsWith('session-reminder.'));
      expect(reminders).toHaveLength(2);
      expect(tickWork(await reactors.tick()).performed).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('parked reactor events over HTTP (admin), with SMTP_URL', () => {
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, PARK_AFTER_ATTEMPTS: '1' });
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  it('an e-mail the server refuses for good is dead-lettered (the event is not parked), listed by GET /admin/parked-events, and sent by POST …/retry once fixed', async () => {
    const staff = await person(t, 'staff', 'staff-1');
    const admin = await person(t, 'admin', 'admin-1');
    sink.refusedRecipients.add('refused@mentors.example');
    const { mentorId } = (await post(t, staff, '/mentors', mentorBody({ email: 'refused@mentors.example' }))).body;
    const { studentId } = (await post(t, staff, '/students', enrolment('self_funded'))).body;
    const answer = await post(t, staff, `/students/${studentId}/assignment`, { mentorId });
    expect(answer.status).toBe(201);
    const reactors = t.app.get<ReactorRunner>(REACTOR_RUNNER);
    expect(await reactors.waitFor((await t.eventStore.headPosition())!, 10_000)).toBe(true);

    // The event is handled (nothing parked); the message alone is given up.
    const health = await t.request('GET', '/health', { token: await t.token('admin', 'ops-1') });
    expect(health.body.parkedEvents.count).toBe(0);
    expect(health.body.reactors.find((r: { name: string }) => r.name === 'assignment-email')).toMatchObject({ lag: 0, parked: 0 });

    expect((await t.request('GET', '/admin/parked-events', { token: staff.token })).status).toBe(403);
    const listed = await t.request('GET', '/admin/parked-events', { token: admin.token });
    expect(listed.body).toEqual({
      parkedEvents: { items: [], nextCursor: null },
      failedDueWork: { items: [], nextCursor: null },
      deadLetters: { items: [expect.objectContaining({ reactor: 'assignment-email', state: 'dead', to: 'refused@mentors.example', lastError: expect.stringContaining('No such user') })], nextCursor: null },
    });
    (await conformanceTo(t))('ListParkedEvents', listed);

    sink.refusedRecipients.clear();
    const id = listed.body.deadLetters.items[0]._id;
    const retried = await t.request('POST', `/admin/parked-events/${id}/retry`, { token: admin.token });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ kind: 'dead_letter', item: null });
    (await conformanceTo(t))('RetryParkedEvent', retried);
    expect(sink.to('refused@mentors.example')).toHaveLength(1);
    expect((await t.request('GET', '/admin/parked-events', { token: admin.token })).body.deadLetters.items).toEqual([]);
  });
});
