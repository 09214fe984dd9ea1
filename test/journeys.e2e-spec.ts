// The guide's journey over HTTP, once per funding profile: enrol → assign → first contact (or a follow-up for
// a slow student) → discovery session → held → recording → feedback → weekly sessions with a no-show →
// (a change of mentor) → completion. The student's stream must hold exactly the expected events, in order,
// each with the actor of the request that caused it. The slots a step frees are given back by the reservations
// process (docs/adr/0002) shortly after the answer: each step waits for the reactors, at the step's time.
import { Person, TestClock, eventsOf, outcome, person, post } from './support/commands';
import { reactionsSettled } from './support/reactors';
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';

type Kind = 'apprenticeship' | 'employee' | 'social_programme' | 'self_funded';

/** An instant `day` days after Monday 2027-01-04, at `time` UTC. */
const on = (day: number, time: string) => new Date(Date.parse(`2027-01-04T${time}:00.000Z`) + day * 86_400_000).toISOString();

const RECORDING = 'https://recordings.example/sessions/first';

describe('journeys over HTTP, one per funding profile', () => {
  const clock = new TestClock(on(0, '08:00'));
  let t: TestApp;
  let staff: Person;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    staff = await person(t, 'staff', 'staff-1');
  });
  afterAll(() => t.close());

  /** One student's journey: every step is a command whose answer and events are checked and remembered. */
  class Journey {
    readonly expected: Array<{ type: string; actor: Person['actor'] }> = [];
    studentId = '';
    student!: Person;

    async enrol(kind: Kind): Promise<void> {
      const answer = await post(t, staff, '/students', enrolment(kind, { name: `Sam ${kind}`, email: `sam.${kind}@students.example` }));
      expect(outcome(answer)).toEqual({ status: 201, events: ['StudentEnrolled'] });
      this.expected.push({ type: 'StudentEnrolled', actor: staff.actor });
      this.studentId = answer.body.studentId;
      this.student = await person(t, 'student', this.studentId);
    }

    /** POST /students/:id<path> as `who` at the clock's time; expects 201 and exactly `events`. */
    async step(who: Person, path: string, body: unknown, events: string[]): Promise<Record<string, any>> {
      const answer = await post(t, who, `/students/${this.studentId}${path}`, body);
      expect({ path, ...outcome(answer) }).toEqual({ path, status: 201, events });
      this.expected.push(...events.map((type) => ({ type, actor: who.actor })));
      await reactionsSettled(t);
      return answer.body;
    }

    async stream() {
      return t.eventStore.readStream(`student-${this.studentId}`);
    }

    /** The exact types in order, and each event's actor is the one of the request that appended it. */
    async expectStream(types: string[]): Promise<void> {
      const events = await this.stream();
      expect(events.map((e) => e.type)).toEqual(types);
      expect(events.map((e) => ({ type: e.type, actor: e.metadata.actor }))).toEqual(this.expected);
    }

    async dataOf(type: string, index = 0): Promise<any> {
      return (await this.stream()).filter((e) => e.type === type)[index]?.data;
    }
  }

  async function registerMentor(name: string): Promise<Person> {
    const answer = await post(t, staff, '/mentors', mentorBody({ name, email: `${name.toLowerCase()}@mentors.example` }));
    expect(outcome(answer)).toEqual({ status: 201, events: ['MentorRegistered'] });
    return person(t, 'mentor', answer.body.mentorId);
  }

  /** Discovery session booked by the mentor (R12), held, its recording sent and reviewed by staff (R13). */
  async function discoveryAndReview(j: Journey, mentor: Person, day: number): Promise<string> {
    clock.set(on(day - 1, '09:00'));
    const { sessionId } = await j.step(mentor, '/discovery-session', { start: on(day, '10:00') }, ['DiscoverySessionBooked']);
    clock.set(on(day, '10:50'));
    await j.step(mentor, `/sessions/${sessionId}/held`, undefined, ['SessionHeld']);
    await j.step(mentor, '/first-session-recording', { sessionId, recordingUrl: `${RECORDING}/${sessionId}` }, ['FirstSessionRecordingSubmitted']);
    clock.set(on(day + 1, '09:00'));
    await j.step(staff, '/first-session-feedback', { sessionId, feedback: 'Clear agenda; let the student present first.' }, ['FirstSessionFeedbackGiven']);
    return sessionId;
  }

  /** A weekly session booked by `booker`, held by the mentor. */
  async function heldSession(j: Journey, booker: Person, mentor: Person, bookedOn: number, day: number): Promise<string> {
    clock.set(on(bookedOn, '09:00'));
    const { sessionId } = await j.step(booker, '/sessions', { start: on(day, '10:00') }, ['SessionBooked']);
    clock.set(on(day, '10:50'));
    await j.step(mentor, `/sessions/${sessionId}/held`, undefined, ['SessionHeld']);
    return sessionId;
  }

  const calendar = (mentor: Person) => eventsOf(t.eventStore, `mentor-calendar-${mentor.actor.id}`);
  const mentorStream = (mentor: Person) => eventsOf(t.eventStore, `mentor-${mentor.actor.id}`);

  it('apprenticeship: a no-show is an attendance fact for the company; the student asks for another mentor, staff change it, sessions booked with the old mentor are cancelled and freed', async () => {
    const j = new Journey();
    clock.set(on(0, '08:00'));
    await j.enrol('apprenticeship');
    const first = await registerMentor('Ada');
    const second = await registerMentor('Bo');

    await j.step(staff, '/assignment', { mentorId: first.actor.id }, ['StudentAssigned']);
    clock.set(on(0, '15:00'));
    await j.step(first, '/first-contact', undefined, ['FirstContactRecorded']);
    const discovery = await discoveryAndReview(j, first, 2);
    const week2 = await heldSession(j, j.student, first, 3, 9);

    clock.set(on(10, '09:00'));
    const { sessionId: week3 } = await j.step(first, '/sessions', { start: on(16, '10:00') }, ['SessionBooked']);
    clock.set(on(16, '10:20'));
    await j.step(first, `/sessions/${week3}/no-show`, undefined, ['SessionMissed', 'AttendanceFactRecorded', 'AttendanceAlertRaised']);
    clock.set(on(17, '09:00'));
    const { sessionId: week4 } = await j.step(first, '/sessions', { start: on(23, '10:00') }, ['SessionBooked']);

    // R8: the student asks, staff decide; the session booked with the previous mentor is cancelled at once.
    const { requestId } = await j.step(j.student, '/mentor-change-requests', { reason: 'We do not get along' }, ['MentorChangeRequested']);
    clock.set(on(18, '09:00'));
    await j.step(
      staff,
      '/mentor-change',
      { mentorId: second.actor.id, fromMentorId: first.actor.id, reason: 'Asked by the student', requestId },
      ['MentorChanged', 'SessionCancelled'],
    );

    await j.step(second, '/first-contact', undefined, ['FirstContactRecorded']);
    const discovery2 = await discoveryAndReview(j, second, 20);
    const week5 = await heldSession(j, j.student, second, 22, 28);
    clock.set(on(29, '09:00'));
    const { sessionId: week6 } = await j.step(second, '/sessions', { start: on(35, '10:00') }, ['SessionBooked']);
    clock.set(on(30, '12:00'));
    await j.step(staff, '/completion', undefined, ['TrainingCompleted', 'SessionCancelled']);

    await j.expectStream([
      'StudentEnrolled',
      'StudentAssigned',
      'FirstContactRecorded',
      'DiscoverySessionBooked',
      'SessionHeld',
      'FirstSessionRecordingSubmitted',
      'FirstSessionFeedbackGiven',
      'SessionBooked',
      'SessionHeld',
      'SessionBooked',
      'SessionMissed',
      'AttendanceFactRecorded',
      'AttendanceAlertRaised',
      'SessionBooked',
      'MentorChangeRequested',
      'MentorChanged',
      'SessionCancelled',
      'FirstContactRecorded',
      'DiscoverySessionBooked',
      'SessionHeld',
      'FirstSessionRecordingSubmitted',
      'FirstSessionFeedbackGiven',
      'SessionBooked',
      'SessionHeld',
      'SessionBooked',
      'TrainingCompleted',
      'SessionCancelled',
    ]);

    const studentId = j.studentId;
    const funder = { funderId: 'acme', funder: 'ACME Corp', cohort: null };
    expect(await j.dataOf('AttendanceAlertRaised')).toEqual({
      studentId, kind: 'no_show', sessionId: week3, weekStart: null, ...funder, mentorId: first.actor.id, raisedAt: on(16, '10:20'),
    });
    // Each fact names the reservation it consumes (R9): the assignment the first mentor's, the change the second's.
    const { reservationId: firstReservation } = await j.dataOf('StudentAssigned');
    const { reservationId: secondReservation } = await j.dataOf('MentorChanged');
    expect([firstReservation, secondReservation]).toEqual([expect.any(String), expect.any(String)]);
    expect(secondReservation).not.toBe(firstReservation);
    expect(await j.dataOf('MentorChanged')).toEqual({
      studentId,
      fromMentorId: first.actor.id,
      toMentorId: second.actor.id,
      reservationId: secondReservation,
      previousReservationId: firstReservation,
      reason: 'Asked by the student',
      decidedBy: staff.actor,
      requestId,
      changedAt: on(18, '09:00'),
      student: { name: 'Sam apprenticeship', email: 'sam.apprenticeship@students.example', trainingPath: 'web-development' },
      profile: { kind: 'apprenticeship', funderId: 'acme', funder: 'ACME Corp', cohort: null, endDate: '2028-06-30', sessionMinutes: 45, attendanceObligatory: true },
    });
    expect(await j.dataOf('TrainingCompleted')).toEqual({ studentId, mentorId: second.actor.id, reservationId: secondReservation, completedAt: on(30, '12:00') });
    // Each booking names the calendar slot it consumes; a cancellation names the slot it gives back.
    const slotOf = async (sessionId: string): Promise<string> =>
      ((await j.stream()).find((e) => (e.type === 'DiscoverySessionBooked' || e.type === 'SessionBooked') && (e.data as { sessionId: string }).sessionId === sessionId)!.data as { slotId: string }).slotId;
    const slotIds = await Promise.all([discovery, week2, week3, week4, discovery2, week5, week6].map(slotOf));
    expect(slotIds).toEqual(slotIds.map(() => expect.any(String)));
    expect(new Set(slotIds).size).toBe(slotIds.length);
    expect(await j.dataOf('SessionCancelled', 0)).toEqual({
      sessionId: week4, studentId, mentorId: first.actor.id, start: on(23, '10:00'), end: on(23, '10:45'), slotId: await slotOf(week4),
      reason: 'mentor_changed', text: null, late: false, cancelledAt: on(18, '09:00'),
    });
    expect(await j.dataOf('SessionCancelled', 1)).toEqual({
      sessionId: week6, studentId, mentorId: second.actor.id, start: on(35, '10:00'), end: on(35, '10:45'), slotId: await slotOf(week6),
      reason: 'training_ended', text: null, late: false, cancelledAt: on(30, '12:00'),
    });

    // R9: the previous mentor's slot was freed by the change, the new mentor's by the completion (by the reservations process).
    expect(await mentorStream(first)).toEqual([
      { type: 'MentorRegistered', data: expect.objectContaining({ mentorId: first.actor.id }) },
      { type: 'CaseloadSlotReserved', data: { mentorId: first.actor.id, studentId, reservationId: firstReservation, reservedAt: on(0, '08:00') } },
      { type: 'CaseloadSlotReleased', data: { mentorId: first.actor.id, studentId, reservationId: firstReservation, reason: 'mentor_changed', releasedAt: on(18, '09:00') } },
    ]);
    expect(await mentorStream(second)).toEqual([
      { type: 'MentorRegistered', data: expect.objectContaining({ mentorId: second.actor.id }) },
      { type: 'CaseloadSlotReserved', data: { mentorId: second.actor.id, studentId, reservationId: secondReservation, reservedAt: on(18, '09:00') } },
      { type: 'CaseloadSlotReleased', data: { mentorId: second.actor.id, studentId, reservationId: secondReservation, reason: 'training_completed', releasedAt: on(30, '12:00') } },
    ]);
    // R14: each booking reserved its slot on the mentor's calendar; cancelled sessions gave theirs back.
    const slot = async (mentor: Person, sessionId: string, day: number, reservedAt: string) => ({
      type: 'MentorSlotReserved',
      data: { mentorId: mentor.actor.id, slotId: await slotOf(sessionId), sessionId, studentId, start: on(day, '10:00'), end: on(day, '10:45'), reservedAt },
    });
    const freed = async (mentor: Person, sessionId: string, releasedAt: string) => ({
      type: 'MentorSlotReleased',
      data: { mentorId: mentor.actor.id, slotId: await slotOf(sessionId), sessionId, studentId, reason: 'session_cancelled', releasedAt },
    });
    expect(await calendar(first)).toEqual([
      await slot(first, discovery, 2, on(1, '09:00')),
      await slot(first, week2, 9, on(3, '09:00')),
      await slot(first, week3, 16, on(10, '09:00')),
      await slot(first, week4, 23, on(17, '09:00')),
      await freed(first, week4, on(18, '09:00')),
    ]);
    expect(await calendar(second)).toEqual([
      await slot(second, discovery2, 20, on(19, '09:00')),
      await slot(second, week5, 28, on(22, '09:00')),
      await slot(second, week6, 35, on(29, '09:00')),
      await freed(second, week6, on(30, '12:00')),
    ]);
  });

  it('employee: a slow student gets an internal comment and a follow-up that staff resolve; a reschedule, a substantial delay, a cancellation by the mentor and a no-show', async () => {
    const j = new Journey();
    clock.set(on(0, '08:00'));
    await j.enrol('employee');
    const mentor = await registerMentor('Cy');
    await j.step(staff, '/assignment', { mentorId: mentor.actor.id }, ['StudentAssigned']);

    // R11: no answer for a week.
    clock.set(on(8, '09:00'));
    await j.step(mentor, '/internal-comments', { text: 'No answer to two e-mails and a call since Monday.' }, ['InternalCommentAdded']);
    const { followUpId } = await j.step(mentor, '/follow-ups', { reason: 'unresponsive_student', note: 'No answer for 8 days' }, ['FollowUpRequested']);
    clock.set(on(9, '09:00'));
    await j.step(staff, `/follow-ups/${followUpId}/resolve`, { resolution: 'Called the student: they were ill, they answer now.' }, ['FollowUpResolved']);
    await j.step(mentor, '/first-contact', undefined, ['FirstContactRecorded']);
    const discovery = await discoveryAndReview(j, mentor, 11);

    clock.set(on(13, '09:00'));
    const { sessionId: week2 } = await j.step(j.student, '/sessions', { start: on(16, '10:00') }, ['SessionBooked']);
    await j.step(j.student, `/sessions/${week2}/reschedule`, { start: on(17, '14:00') }, ['SessionRescheduled']);
    clock.set(on(17, '14:06'));
    await j.step(mentor, `/sessions/${week2}/delay`, { delayMinutes: 6 }, ['SubstantialDelayRecorded', 'AttendanceFactRecorded', 'AttendanceAlertRaised']);
    clock.set(on(17, '14:50'));
    await j.step(mentor, `/sessions/${week2}/held`, undefined, ['SessionHeld']);

    clock.set(on(18, '09:00'));
    const { sessionId: cancelled } = await j.step(mentor, '/sessions', { start: on(23, '10:00') }, ['SessionBooked']);
    await j.step(mentor, `/sessions/${cancelled}/cancel`, { reason: 'mentor', text: 'Mentor at a conference' }, ['SessionCancelled']);
    const { sessionId: week3 } = await j.step(mentor, '/sessions', { start: on(24, '10:00') }, ['SessionBooked']);
    clock.set(on(24, '10:20'));
    await j.step(mentor, `/sessions/${week3}/no-show`, undefined, ['SessionMissed', 'AttendanceFactRecorded', 'AttendanceAlertRaised']);
    clock.set(on(30, '12:00'));
    await j.step(staff, '/completion', undefined, ['TrainingCompleted']);

    await j.expectStream([
      'StudentEnrolled',
      'StudentAssigned',
      'InternalCommentAdded',
      'FollowUpRequested',
      'FollowUpResolved',
      'FirstContactRecorded',
      'DiscoverySessionBooked',
      'SessionHeld',
      'FirstSessionRecordingSubmitted',
      'FirstSessionFeedbackGiven',
      'SessionBooked',
      'SessionRescheduled',
      'SubstantialDelayRecorded',
      'AttendanceFactRecorded',
      'AttendanceAlertRaised',
      'SessionHeld',
      'SessionBooked',
      'SessionCancelled',
      'SessionBooked',
      'SessionMissed',
      'AttendanceFactRecorded',
      'AttendanceAlertRaised',
      'TrainingCompleted',
    ]);
    const studentId = j.studentId;
    expect(await j.dataOf('FollowUpRequested')).toEqual({
      followUpId, studentId, mentorId: mentor.actor.id, reason: 'unresponsive_student', note: 'No answer for 8 days', requestedBy: mentor.actor, requestedAt: on(8, '09:00'),
    });
    expect(await j.dataOf('AttendanceFactRecorded', 0)).toEqual({
      studentId, kind: 'substantial_delay', sessionId: week2, weekStart: null, profile: 'employee', funderId: 'globex', funder: 'Globex', cohort: null,
      mentorId: mentor.actor.id, occurredAt: on(17, '14:00'), recordedAt: on(17, '14:06'),
    });
    // The reschedule reserved the new time's slot; the reservations process gave the old one back.
    const [discoverySlot, bookedSlot, cancelledSlot, week3Slot] = [
      (await j.dataOf('DiscoverySessionBooked')).slotId,
      (await j.dataOf('SessionBooked', 0)).slotId,
      (await j.dataOf('SessionBooked', 1)).slotId,
      (await j.dataOf('SessionBooked', 2)).slotId,
    ];
    const { slotId: movedSlot } = await j.dataOf('SessionRescheduled');
    const slotIds = [discoverySlot, bookedSlot, movedSlot, cancelledSlot, week3Slot];
    expect(slotIds).toEqual(slotIds.map(() => expect.any(String)));
    expect(new Set(slotIds).size).toBe(slotIds.length);
    expect(await j.dataOf('SessionRescheduled')).toEqual({
      sessionId: week2, studentId, mentorId: mentor.actor.id, previousStart: on(16, '10:00'), previousEnd: on(16, '10:45'), start: on(17, '14:00'), end: on(17, '14:45'),
      slotId: movedSlot, previousSlotId: bookedSlot, rescheduledAt: on(13, '09:00'),
    });
    expect((await j.dataOf('SessionCancelled')).slotId).toBe(cancelledSlot);
    // The calendar followed the reschedule and the cancellation.
    const mentorId = mentor.actor.id;
    const reserved = (slotId: string, sessionId: string, start: string, end: string, reservedAt: string) => ({
      type: 'MentorSlotReserved',
      data: { mentorId, slotId, sessionId, studentId, start, end, reservedAt },
    });
    expect(await calendar(mentor)).toEqual([
      reserved(discoverySlot, discovery, on(11, '10:00'), on(11, '10:45'), on(10, '09:00')),
      reserved(bookedSlot, week2, on(16, '10:00'), on(16, '10:45'), on(13, '09:00')),
      reserved(movedSlot, week2, on(17, '14:00'), on(17, '14:45'), on(13, '09:00')),
      { type: 'MentorSlotReleased', data: { mentorId, slotId: bookedSlot, sessionId: week2, studentId, reason: 'session_rescheduled', releasedAt: on(13, '09:00') } },
      reserved(cancelledSlot, cancelled, on(23, '10:00'), on(23, '10:45'), on(18, '09:00')),
      { type: 'MentorSlotReleased', data: { mentorId, slotId: cancelledSlot, sessionId: cancelled, studentId, reason: 'session_cancelled', releasedAt: on(18, '09:00') } },
      reserved(week3Slot, week3, on(24, '10:00'), on(24, '10:45'), on(18, '09:00')),
    ]);
    const { reservationId } = await j.dataOf('StudentAssigned');
    expect(reservationId).toEqual(expect.any(String));
    expect((await j.dataOf('TrainingCompleted')).reservationId).toBe(reservationId);
    expect(await mentorStream(mentor)).toEqual([
      { type: 'MentorRegistered', data: expect.objectContaining({ mentorId }) },
      { type: 'CaseloadSlotReserved', data: { mentorId, studentId, reservationId, reservedAt: on(0, '08:00') } },
      { type: 'CaseloadSlotReleased', data: { mentorId, studentId, reservationId, reason: 'training_completed', releasedAt: on(30, '12:00') } },
    ]);
  });

  it('social programme: a no-show and a week without a held session are attendance facts and alerts naming the public funder (R4, R15)', async () => {
    const j = new Journey();
    clock.set(on(0, '08:00'));
    await j.enrol('social_programme');
    const mentor = await registerMentor('Dee');
    await j.step(staff, '/assignment', { mentorId: mentor.actor.id }, ['StudentAssigned']);
    clock.set(on(0, '16:00'));
    await j.step(mentor, '/first-contact', undefined, ['FirstContactRecorded']);
    await discoveryAndReview(j, mentor, 2);
    await heldSession(j, j.student, mentor, 3, 9);

    clock.set(on(10, '09:00'));
    const { sessionId: week3 } = await j.step(mentor, '/sessions', { start: on(16, '10:00') }, ['SessionBooked']);
    clock.set(on(16, '10:20'));
    await j.step(mentor, `/sessions/${week3}/no-show`, undefined, ['SessionMissed', 'AttendanceFactRecorded', 'AttendanceAlertRaised']);
    // The week of Monday 18 January had no held session (R15 rhythm); staff record it.
    clock.set(on(22, '08:00'));
    await j.step(staff, '/weeks-without-session', { weekStart: '2027-01-18' }, ['AttendanceFactRecorded', 'AttendanceAlertRaised']);
    await heldSession(j, j.student, mentor, 22, 23);
    clock.set(on(30, '12:00'));
    await j.step(staff, '/completion', undefined, ['TrainingCompleted']);

    await j.expectStream([
      'StudentEnrolled',
      'StudentAssigned',
      'FirstContactRecorded',
      'DiscoverySessionBooked',
      'SessionHeld',
      'FirstSessionRecordingSubmitted',
      'FirstSessionFeedbackGiven',
      'SessionBooked',
      'SessionHeld',
      'SessionBooked',
      'SessionMissed',
      'AttendanceFactRecorded',
      'AttendanceAlertRaised',
      'AttendanceFactRecorded',
      'AttendanceAlertRaised',
      'SessionBooked',
      'SessionHeld',
      'TrainingCompleted',
    ]);
    const studentId = j.studentId;
    const funder = { funderId: 'pub-employment', funder: 'Public Employment Service', cohort: '2027-spring' };
    const events = (await j.stream()).map((e) => ({ type: e.type, data: e.data }));
    const noShow = events.findIndex((e) => e.type === 'SessionMissed');
    expect(events.slice(noShow, noShow + 5)).toEqual([
      { type: 'SessionMissed', data: { sessionId: week3, studentId, mentorId: mentor.actor.id, start: on(16, '10:00'), reason: 'no_show', recordedAt: on(16, '10:20') } },
      {
        type: 'AttendanceFactRecorded',
        data: { studentId, kind: 'no_show', sessionId: week3, weekStart: null, profile: 'social_programme', ...funder, mentorId: mentor.actor.id, occurredAt: on(16, '10:00'), recordedAt: on(16, '10:20') },
      },
      { type: 'AttendanceAlertRaised', data: { studentId, kind: 'no_show', sessionId: week3, weekStart: null, ...funder, mentorId: mentor.actor.id, raisedAt: on(16, '10:20') } },
      {
        type: 'AttendanceFactRecorded',
        data: {
          studentId, kind: 'week_without_session', sessionId: null, weekStart: '2027-01-18', profile: 'social_programme', ...funder, mentorId: mentor.actor.id,
          occurredAt: '2027-01-18T00:00:00.000Z', recordedAt: on(22, '08:00'),
        },
      },
      { type: 'AttendanceAlertRaised', data: { studentId, kind: 'week_without_session', sessionId: null, weekStart: '2027-01-18', ...funder, mentorId: mentor.actor.id, raisedAt: on(22, '08:00') } },
    ]);
  });

  it('self-funded: no attendance facts for a no-show; the student pauses (sessions to come are cancelled and freed) and resumes (R5)', async () => {
    const j = new Journey();
    clock.set(on(0, '08:00'));
    await j.enrol('self_funded');
    const mentor = await registerMentor('Eve');
    await j.step(staff, '/assignment', { mentorId: mentor.actor.id }, ['StudentAssigned']);
    clock.set(on(0, '17:00'));
    await j.step(mentor, '/first-contact', undefined, ['FirstContactRecorded']);
    await discoveryAndReview(j, mentor, 2);
    await heldSession(j, j.student, mentor, 3, 9);

    clock.set(on(10, '09:00'));
    const { sessionId: week3 } = await j.step(mentor, '/sessions', { start: on(16, '10:00') }, ['SessionBooked']);
    clock.set(on(16, '10:20'));
    await j.step(mentor, `/sessions/${week3}/no-show`, undefined, ['SessionMissed']);
    clock.set(on(17, '09:00'));
    const { sessionId: week4 } = await j.step(j.student, '/sessions', { start: on(23, '10:00') }, ['SessionBooked']);
    clock.set(on(18, '09:00'));
    await j.step(j.student, '/pause', { reason: 'Moving house' }, ['TrainingPaused', 'SessionCancelled']);
    clock.set(on(25, '09:00'));
    await j.step(j.student, '/resume', undefined, ['TrainingResumed']);
    // The freed slot of the cancelled session can be booked again.
    await heldSession(j, j.student, mentor, 25, 30);
    clock.set(on(31, '12:00'));
    await j.step(staff, '/completion', undefined, ['TrainingCompleted']);

    await j.expectStream([
      'StudentEnrolled',
      'StudentAssigned',
      'FirstContactRecorded',
      'DiscoverySessionBooked',
      'SessionHeld',
      'FirstSessionRecordingSubmitted',
      'FirstSessionFeedbackGiven',
      'SessionBooked',
      'SessionHeld',
      'SessionBooked',
      'SessionMissed',
      'SessionBooked',
      'TrainingPaused',
      'SessionCancelled',
      'TrainingResumed',
      'SessionBooked',
      'SessionHeld',
      'TrainingCompleted',
    ]);
    const studentId = j.studentId;
    expect((await j.stream()).filter((e) => e.type.startsWith('Attendance'))).toEqual([]);
    const booked = await j.dataOf('SessionBooked', 0);
    expect(booked).toEqual({
      sessionId: expect.any(String), studentId, mentorId: mentor.actor.id, start: on(9, '10:00'), end: on(9, '10:30'), durationMinutes: 30,
      slotId: expect.any(String), bookedAt: on(3, '09:00'),
    });
    const { sessionId: bookedWeek4, slotId } = await j.dataOf('SessionBooked', 2);
    expect([bookedWeek4, slotId]).toEqual([week4, expect.any(String)]);
    expect(await j.dataOf('SessionCancelled')).toEqual({
      sessionId: week4, studentId, mentorId: mentor.actor.id, start: on(23, '10:00'), end: on(23, '10:30'), slotId,
      reason: 'training_paused', text: null, late: false, cancelledAt: on(18, '09:00'),
    });
    const released = (await calendar(mentor)).filter((e) => e.type === 'MentorSlotReleased');
    expect(released).toEqual([
      { type: 'MentorSlotReleased', data: { mentorId: mentor.actor.id, slotId, sessionId: week4, studentId, reason: 'session_cancelled', releasedAt: on(18, '09:00') } },
    ]);
    // Given back by the reservations process, because of the cancellation, in the pause's correlation.
    const studentEvents = await j.stream();
    const paused = studentEvents.find((e) => e.type === 'TrainingPaused')!;
    const cancelled = studentEvents.find((e) => e.type === 'SessionCancelled')!;
    const calendarEvents = await t.eventStore.readStream(`mentor-calendar-${mentor.actor.id}`);
    expect(calendarEvents.filter((e) => e.type === 'MentorSlotReleased').map((e) => e.metadata)).toEqual([
      expect.objectContaining({ actor: { id: 'system:reservations', role: 'system' }, correlationId: paused.metadata.correlationId, causationId: cancelled.eventId }),
    ]);
  });
});
