// One owner per subscriber (issue 8, point 4; ADR 0004): two consumers run every projection and every
// reactor on the same stores, one is killed mid-way, and every effect happens exactly once: each
// assignment e-mail (a real SMTP server on loopback) and each automatic follow-up (FollowUpRequested in
// the event store, and its e-mail to the team).
//
// Consumer A is the API process's own runners (the embedded deployment, SUBSCRIBER_LEASE_SECONDS=2);
// consumer B is a second projection runner and a second reactor runner on the same store objects. (The
// embedded read store is locked to one process, so both run in this process; in the distributed
// deployment they are two projector processes on MongoDB + EventStoreDB, with the same leases.)
// A is "killed" the way a crash leaves things: its runners stop without releasing their leases, while
// it still has e-mails to send (the SMTP server refuses for now); B takes over only when the leases
// have expired, and resumes from the stored checkpoints.
import * as path from 'node:path';
import { studentStream } from '@mentoring/application';
import { formatPosition, type RecordedEvent } from '@mentoring/event-store';
import { createProjections, ProjectionRunner, SUBSCRIBER_LEASES, SubscriberLeaseDoc, SubscriberStatus, listParkedEvents } from '@mentoring/projections';
import { MAIL_OUTBOX, MailOutboxDoc, ReactorRunner, createMailer, createReactorRunner } from '@mentoring/reactors';
import type { ReadStore } from '@mentoring/read-store';
import { PROJECTION_RUNNER, READ_STORE, REACTOR_RUNNER } from '../apps/api/src/shared/tokens';
import { Person, TestClock, outcome, person, post } from './support/commands';
import { SmtpSink } from './support/smtp-sink';
import { allEvents, enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';

const ALL_PROJECTIONS = createProjections({ analyticsPseudonymKey: 'test-analytics-pseudonym-key-0123456789' });

/** An instant `day` days after Monday 2027-01-04, at `time` UTC. */
const on = (day: number, time: string) => new Date(Date.parse(`2027-01-04T${time}:00.000Z`) + day * 86_400_000).toISOString();

const TEAM = 'team@school.example';
const MAIL_FROM = 'Mentoring <no-reply@school.example>';
const TTL_MS = 2_000;
const RENEW_MS = Math.floor(TTL_MS / 3);

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('two consumers on the same stores, one killed: every effect exactly once', () => {
  const clock = new TestClock(on(0, '09:00'));
  let sink: SmtpSink;
  let t: TestApp;
  let readStore: ReadStore;
  let staff: Person;
  const a = {} as { projections: ProjectionRunner; reactors: ReactorRunner };
  const b = {} as { projections: ProjectionRunner; reactors: ReactorRunner };
  const bLog: string[] = [];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, MAIL_FROM, MENTORSHIP_TEAM_EMAIL: TEAM, SUBSCRIBER_LEASE_SECONDS: String(TTL_MS / 1000), EMAIL_MAX_AGE_HOURS: '720' }, { clock });
    readStore = t.app.get<ReadStore>(READ_STORE);
    a.projections = t.app.get<ProjectionRunner>(PROJECTION_RUNNER);
    a.reactors = t.app.get<ReactorRunner>(REACTOR_RUNNER);
    staff = await person(t, 'staff', 'staff-1');

    const logger = { log: (m: string) => bLog.push(m), error: (m: string) => bLog.push(`ERROR ${m}`) };
    const options = { leaseTtlMs: TTL_MS, leaseOwner: 'consumer-b' };
    b.projections = new ProjectionRunner(t.eventStore, readStore, ALL_PROJECTIONS, logger, options);
    b.reactors = createReactorRunner({
      eventStore: t.eventStore,
      readStore,
      mailer: createMailer({ smtpUrl: sink.url, outboxDir: path.join(t.dataDir, 'outbox-b'), from: MAIL_FROM }),
      clock,
      mentorshipTeamEmail: TEAM,
      logger,
      // The clock moves days ahead: messages stay deliverable (not dead letters) for 30 days.
      options: { ...options, tickIntervalMs: 0, emailMaxAgeMs: 720 * 3_600_000 },
    });
    await b.projections.start();
    await b.reactors.start();
  });

  afterAll(async () => {
    await b.reactors?.stop();
    await b.projections?.stop();
    await t?.close();
    await sink?.close();
  });

  const statuses = async (consumer: typeof a): Promise<SubscriberStatus[]> => [...(await consumer.projections.status()), ...(await consumer.reactors.status())];

  let counter = 0;
  async function assigned() {
    const n = ++counter;
    const mentorEmail = `mentor${n}@mentors.example`;
    const ok = async (url: string, body?: unknown) => {
      const answer = await post(t, staff, url, body);
      expect({ url, ...outcome(answer) }).toMatchObject({ url, status: 201 });
      return answer.body as Record<string, any>;
    };
    const { mentorId } = await ok('/mentors', mentorBody({ name: `Mentor ${n}`, email: mentorEmail }));
    const { studentId } = await ok('/students', enrolment('self_funded', { name: `Student ${n}`, email: `student${n}@students.example` }));
    await ok(`/students/${studentId}/assignment`, { mentorId });
    return { n, studentId, mentorEmail };
  }

  async function caughtUp(runner: ReactorRunner | ProjectionRunner, names?: string[]): Promise<void> {
    const head = await t.eventStore.headPosition();
    if (head) expect(await runner.waitFor(head, 10_000, names)).toBe(true);
  }

  const firstContactChecks = (report: { performed: Array<{ kind: string; outcome: string }> }) =>
    report.performed.filter((p) => p.kind === 'first-contact-check').map((p) => p.outcome);

  const events = async (type: string): Promise<RecordedEvent[]> => (await allEvents(t.eventStore)).filter((e) => e.type === type);

  it('A runs everything while B stands by; A is killed with e-mails pending; B takes over after the leases expire and finishes', async () => {
    // 1. A started first: it holds every lease and runs every subscriber; B runs none.
    const aOwners = new Set([a.projections.leases.owner, a.reactors.leases.owner]);
    const names = [...ALL_PROJECTIONS.map((p) => p.name), ...a.reactors.reactors.map((r) => r.name)];
    expect(names).toEqual(expect.arrayContaining(['assignment-email', 'escalations']));
    for (const s of await statuses(a)) expect({ name: s.name, running: s.running, held: s.lease.held, mine: aOwners.has(s.lease.owner!) }).toEqual({ name: s.name, running: true, held: true, mine: true });
    for (const s of await statuses(b)) expect({ name: s.name, running: s.running, held: s.lease.held, mine: aOwners.has(s.lease.owner!) }).toEqual({ name: s.name, running: false, held: false, mine: true });

    // Two assignments on day 0: one e-mail each (B, standing by, sends nothing).
    const s1 = await assigned();
    const s2 = await assigned();
    await sink.until((s) => s.to(s1.mentorEmail).length === 1 && s.to(s2.mentorEmail).length === 1);

    // 2. The SMTP server refuses for a while; two more assignments on day 1: A tries and cannot send.
    sink.mode = 'tempfail';
    clock.set(on(1, '09:00'));
    const attempts = sink.attempts;
    const s3 = await assigned();
    const s4 = await assigned();
    await sink.until((s) => s.attempts > attempts);
    await caughtUp(a.reactors, ['escalations']);

    // Day 7, 10:00: students 1 and 2 had no first contact for 7 days. Both consumers' schedulers tick:
    // only the owner of the escalations reactor performs its due work.
    clock.set(on(7, '10:00'));
    expect((await b.reactors.tick(clock.now())).performed).toEqual([]);
    expect(firstContactChecks(await a.reactors.tick(clock.now()))).toEqual(['follow_up_requested', 'follow_up_requested']);
    // The escalations reactor queues an e-mail to the team about each and tries: refused for now (the attempts may
    // come before or after the tick returns, so the queue is what is awaited: both queued, at least one attempted).
    await until('A queued both team e-mails and tried one', async () => {
      const team = await readStore.collection<MailOutboxDoc>(MAIL_OUTBOX).find({ to: TEAM });
      return team.length === 2 && team.some((m) => m.attempts > 0);
    });
    expect(sink.messages).toHaveLength(2);

    // 3. A dies: its runners stop without releasing their leases (as kill -9 leaves them).
    const killedAt = Date.now();
    await Promise.all([a.reactors.stop({ releaseLeases: false }), a.projections.stop({ releaseLeases: false })]);
    sink.mode = 'accept';

    // B takes every lease over once it has expired (TTL after A's last renewal), not before.
    await until('B holds every lease and runs every subscriber', async () => (await statuses(b)).every((s) => s.lease.held && s.running), 10_000);
    const takeoverMs = Date.now() - killedAt;
    console.log(`two consumers: B took over ${names.length} subscribers ${takeoverMs} ms after A was killed (lease TTL ${TTL_MS} ms, renewed every ${RENEW_MS} ms)`);
    expect(takeoverMs).toBeGreaterThanOrEqual(TTL_MS - RENEW_MS - 50);
    expect(takeoverMs).toBeLessThan(TTL_MS + RENEW_MS + 1_500);
    for (const s of await statuses(b)) expect(s.lease).toMatchObject({ owner: 'consumer-b', held: true, fencingToken: 2 });
    for (const s of await statuses(a)) expect({ running: s.running, held: s.lease.held }).toEqual({ running: false, held: false });

    // B resumes from the stored checkpoints: the two pending assignment e-mails and the two team e-mails.
    await sink.until((s) => s.to(s3.mentorEmail).length === 1 && s.to(s4.mentorEmail).length === 1 && s.to(TEAM).length === 2);

    // Day 8, 10:00: students 3 and 4 are due. The dead consumer's scheduler does nothing; B's performs them.
    await caughtUp(b.reactors);
    clock.set(on(8, '10:00'));
    expect((await a.reactors.tick(clock.now())).performed).toEqual([]);
    expect(firstContactChecks(await b.reactors.tick(clock.now()))).toEqual(['follow_up_requested', 'follow_up_requested']);
    await caughtUp(b.reactors);
    await sink.until((s) => s.to(TEAM).length === 4);
    // A day later nothing is due any more.
    clock.set(on(9, '10:00'));
    expect(firstContactChecks(await b.reactors.tick(clock.now()))).toEqual([]);
    await caughtUp(b.reactors);
    await caughtUp(b.projections);
    // Anything sent twice would have arrived by now (both consumers are idle); look once more after a pause.
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Exactly once: one assignment e-mail per StudentAssigned, one FollowUpRequested per student, one team e-mail per follow-up.
    const students = [s1, s2, s3, s4];
    const assignedEvents = await events('StudentAssigned');
    expect(assignedEvents).toHaveLength(4);
    expect(students.map((s) => sink.to(s.mentorEmail).length)).toEqual([1, 1, 1, 1]);
    expect(sink.messages.filter((m) => m.messageId.startsWith('<assignment.')).map((m) => m.messageId).sort()).toEqual(
      assignedEvents.map((e) => `<assignment.${e.eventId}@school.example>`).sort(),
    );
    const followUps = await events('FollowUpRequested');
    expect(followUps.map((e) => e.streamId).sort()).toEqual(students.map((s) => studentStream(s.studentId)).sort());
    for (const e of followUps) expect(e.data).toMatchObject({ reason: 'unresponsive_student', requestedBy: { id: 'system:escalations', role: 'system' } });
    expect(sink.to(TEAM).map((m) => m.messageId).sort()).toEqual(followUps.map((e) => `<follow-up.${e.eventId}@school.example>`).sort());
    expect(sink.messages).toHaveLength(8);
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(8);
    expect(await readStore.collection('_sent_emails').countDocuments()).toBe(8);
    expect(await listParkedEvents(readStore)).toEqual([]);

    // Every lease is B's, with the fencing token of one takeover; its commits are counted under it.
    const leases = await readStore.collection<SubscriberLeaseDoc>(SUBSCRIBER_LEASES).find({}, { sort: { _id: 1 } });
    // And the e-mail delivery worker's lease (one process scans the outbox).
    expect(leases.map((l) => l._id)).toEqual([...names, 'email-delivery'].sort());
    for (const lease of leases) expect(lease).toMatchObject({ owner: 'consumer-b', fencingToken: 2 });
    expect(leases.find((l) => l._id === 'assignment-email')!.commits).toBeGreaterThan(0);

    // The read side is served by B's projections: the API (whose own runner is dead) reads its writes.
    const lastAssignment = assignedEvents[assignedEvents.length - 1];
    const answer = await t.request('GET', `/students/${s4.studentId}?waitFor=${encodeURIComponent(formatPosition(lastAssignment.position))}`, { token: staff.token });
    expect(answer.status).toBe(200);
    expect(bLog.filter((l) => l.includes('lease acquired'))).toHaveLength(names.length + 1);
  }, 90_000);
});
