// Attendance to the last week (R4, R15), over HTTP with a clock the test moves: a completion or a
// withdrawal does not take away the weeks of mentored training that ended before it. The weekly rhythm
// still checks them (after its grace period) and then stops; staff may record such a week after the close;
// a week that had not ended at the close is refused.
import type { RecordedEvent } from '@mentoring/event-store';
import { DUE_WORK, DueWorkDoc, ReactorRunner, WEEKLY_RHYTHM, dueWorkId } from '@mentoring/reactors';
import type { ReadStore } from '@mentoring/read-store';
import { READ_STORE, REACTOR_RUNNER } from '../apps/api/src/shared/tokens';
import { Person, TestClock, expectProblem, outcome, person, post } from './support/commands';
import { discoverySessionHeld, postCreated, reactorsSettled, tickReactorsAt } from './support/reactors';
import { TestApp, enrolment, mentorBody, startTestApp } from './support/test-app';

/** An instant `day` days after Monday 2027-01-04, at `time` UTC. */
const on = (day: number, time: string) => new Date(Date.parse(`2027-01-04T${time}:00.000Z`) + day * 86_400_000).toISOString();

const FUNDER = { funderId: 'pub-employment', funder: 'Public Employment Service', cohort: '2027-spring' };
const WEEKLY_RHYTHM_ACTOR = { id: 'system:weekly-rhythm', role: 'system' };

describe('attendance to the last week (R4, R15), over HTTP with a clock the test moves', () => {
  const clock = new TestClock(on(0, '09:00'));
  let t: TestApp;
  let reactors: ReactorRunner;
  let staff: Person;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    reactors = t.app.get<ReactorRunner>(REACTOR_RUNNER);
    staff = await person(t, 'staff', 'staff-1');
  });
  afterAll(() => t.close());

  const settled = () => reactorsSettled(t, reactors);
  const tickAt = (iso: string) => tickReactorsAt(t, reactors, clock, iso);
  const ok = (who: Person, url: string, body?: unknown) => postCreated(t, who, url, body);

  /** A social-programme student starting on `startDate`, assigned to a new mentor at the clock's time. */
  async function assignedSocialStudent(startDate: string): Promise<{ studentId: string; mentor: Person }> {
    const n = ++counter;
    const { mentorId } = await ok(staff, '/mentors', mentorBody({ name: `Mentor ${n}`, email: `mentor${n}@mentors.example` }));
    const { studentId } = await ok(staff, '/students', enrolment('social_programme', { name: `Student ${n}`, email: `student${n}@students.example`, startDate }));
    await ok(staff, `/students/${studentId}/assignment`, { mentorId });
    return { studentId, mentor: await person(t, 'mentor', mentorId) };
  }

  async function attendanceEvents(studentId: string): Promise<RecordedEvent[]> {
    return (await t.eventStore.readStream(`student-${studentId}`)).filter((e) => e.type === 'AttendanceFactRecorded' || e.type === 'AttendanceAlertRaised');
  }

  /** The whole fact and alert of a week without a held session, as the domain records them. */
  function weekFacts(studentId: string, mentorId: string, weekStart: string, recordedAt: string) {
    const about = { studentId, kind: 'week_without_session', sessionId: null, weekStart };
    return [
      {
        type: 'AttendanceFactRecorded',
        data: { ...about, profile: 'social_programme', ...FUNDER, mentorId, occurredAt: `${weekStart}T00:00:00.000Z`, recordedAt },
      },
      { type: 'AttendanceAlertRaised', data: { ...about, ...FUNDER, mentorId, raisedAt: recordedAt } },
    ];
  }

  const typesAndData = (events: RecordedEvent[]) => events.map((e) => ({ type: e.type, data: e.data }));

  it('R4/R15: an empty week, then a withdrawal on the following Monday before the grace has passed: the weekly rhythm still records that week, once', async () => {
    clock.set(on(0, '09:00'));
    const { studentId, mentor } = await assignedSocialStudent('2027-01-04');
    const base = `/students/${studentId}`;
    // Week of Monday 11 January (the first whole week with the mentor): the discovery session is held.
    await discoverySessionHeld(t, clock, mentor, studentId, on(8, '10:00'));
    await tickAt(on(15, '00:00'));
    expect(await attendanceEvents(studentId)).toEqual([]);

    // Week of Monday 18 January: nothing held. Withdrawn on Monday 25 January at 10:00, before the
    // week's check is due (Tuesday 26 January 00:00, a day of grace for sessions recorded late).
    clock.set(on(21, '10:00'));
    await ok(staff, `${base}/withdrawal`, { reason: 'Moved to another region' });
    await tickAt(on(21, '23:59'));
    expect(await attendanceEvents(studentId)).toEqual([]);

    const report = await tickAt(on(22, '00:00'));
    expect(report.performed).toContainEqual({
      id: dueWorkId(WEEKLY_RHYTHM, `week:${studentId}`),
      kind: 'weekly-rhythm-check',
      outcome: 'week_without_session; training closed',
    });
    const recorded = await attendanceEvents(studentId);
    expect(typesAndData(recorded)).toEqual(weekFacts(studentId, mentor.actor.id, '2027-01-18', on(22, '00:00')));
    for (const e of recorded) expect(e.metadata.actor).toEqual(WEEKLY_RHYTHM_ACTOR);

    // The check stopped at the close: later ticks record nothing, and staff recording the same week is a no-op.
    await tickAt(on(36, '12:00'));
    await tickAt(on(60, '12:00'));
    const again = await post(t, staff, `${base}/weeks-without-session`, { weekStart: '2027-01-18' });
    expect(outcome(again)).toEqual({ status: 200, events: [] });
    expect(typesAndData(await attendanceEvents(studentId))).toEqual(weekFacts(studentId, mentor.actor.id, '2027-01-18', on(22, '00:00')));
    const work = await t.app.get<ReadStore>(READ_STORE).collection<DueWorkDoc>(DUE_WORK).findOne({ _id: dueWorkId(WEEKLY_RHYTHM, `week:${studentId}`) });
    expect(work).toMatchObject({ state: 'done', outcome: 'week_without_session; training closed', data: { weekStart: '2027-01-18', closedAt: on(21, '10:00') } });
  });

  it('R4/R15: after a withdrawal, staff record a week inside the training (201, then 200); a week that had not ended at the close is refused', async () => {
    // Monday 1 March 2027: enrolled and assigned; no session is ever held.
    clock.set('2027-03-01T09:00:00.000Z');
    const { studentId, mentor } = await assignedSocialStudent('2027-03-01');
    const base = `/students/${studentId}`;
    // Withdrawn on Monday 22 March; the weekly rhythm has not run since the assignment (a process down).
    clock.set('2027-03-22T09:00:00.000Z');
    await ok(staff, `${base}/withdrawal`, { reason: 'Left the programme' });
    await settled();

    clock.set('2027-03-22T10:00:00.000Z');
    const first = await post(t, staff, `${base}/weeks-without-session`, { weekStart: '2027-03-15' });
    expect(outcome(first)).toEqual({ status: 201, events: ['AttendanceFactRecorded', 'AttendanceAlertRaised'] });
    const repeat = await post(t, staff, `${base}/weeks-without-session`, { weekStart: '2027-03-15' });
    expect(outcome(repeat)).toEqual({ status: 200, events: [] });
    // The week of the withdrawal: not over yet, then over but not a whole week of mentored training.
    expectProblem(await post(t, staff, `${base}/weeks-without-session`, { weekStart: '2027-03-22' }), 409, 'week_not_over');
    clock.set('2027-03-29T10:00:00.000Z');
    const after = await post(t, staff, `${base}/weeks-without-session`, { weekStart: '2027-03-22' });
    expectProblem(after, 409, 'R15_week_outside_mentored_training');
    expect(after.body.details).toMatchObject({ closedAt: '2027-03-22T09:00:00.000Z' });
    // The week of 1 March began before the mentor was assigned.
    expectProblem(await post(t, staff, `${base}/weeks-without-session`, { weekStart: '2027-03-01' }), 409, 'R15_week_outside_mentored_training');

    // The weekly rhythm catches up with the weeks that ended before the close, once each, and stops there.
    await tickAt('2027-03-30T12:00:00.000Z');
    await tickAt('2027-04-30T12:00:00.000Z');
    const recorded = await attendanceEvents(studentId);
    expect(typesAndData(recorded)).toEqual([
      ...weekFacts(studentId, mentor.actor.id, '2027-03-15', '2027-03-22T10:00:00.000Z'),
      ...weekFacts(studentId, mentor.actor.id, '2027-03-08', '2027-03-30T12:00:00.000Z'),
    ]);
    expect(recorded.map((e) => e.metadata.actor)).toEqual([staff.actor, staff.actor, WEEKLY_RHYTHM_ACTOR, WEEKLY_RHYTHM_ACTOR]);
  });
});
