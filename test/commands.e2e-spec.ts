// Every command's refusals over HTTP: a 4xx application/problem+json with a stable code, and nothing appended
// (a refusal on the student's side happens before any reservation on a mentor's stream or calendar). Then
// what the journeys do not walk through: retries, preconditions, late cancellations, withdrawals, the mentor's
// profile.
import { allEvents, enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { eventsOf, expectProblem, firstDataOf, outcome, Person, person, post, TestClock } from './support/commands';
import { reactionsSettled } from './support/reactors';

const T0 = '2027-03-01T08:00:00.000Z'; // a Monday
const DISCOVERY = '2027-03-02T10:00:00.000Z';

describe('commands over HTTP', () => {
  const clock = new TestClock(T0);
  let t: TestApp;
  let staff: Person;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    staff = await person(t, 'staff', 'staff-1');
  });
  afterAll(() => t.close());

  /** The releases a command sets off are appended by the reservations process shortly after its answer. */
  const settled = () => reactionsSettled(t);
  const dataIn = (streamId: string, type: string) => firstDataOf(t.eventStore, streamId, type);

  async function created(who: Person, url: string, body?: unknown, headers?: Record<string, string>): Promise<Record<string, any>> {
    const answer = await post(t, who, url, body, headers);
    expect({ url, ...outcome(answer) }).toEqual({ url, status: 201, events: expect.any(Array) });
    return answer.body;
  }
  const mentor = async (overrides: Record<string, unknown> = {}) => person(t, 'mentor', (await created(staff, '/mentors', mentorBody(overrides))).mentorId);
  async function student(kind: Parameters<typeof enrolment>[0], mentorOf?: Person, overrides: Record<string, unknown> = {}): Promise<Person> {
    const { studentId } = await created(staff, '/students', enrolment(kind, overrides));
    if (mentorOf) await created(staff, `/students/${studentId}/assignment`, { mentorId: mentorOf.actor.id });
    return person(t, 'student', studentId);
  }

  describe('refusals append nothing', () => {
    let a: Person; // capacity 3: emp, self, third
    let full: Person; // capacity 1, full
    let friendly: Person; // disability-friendly
    let away: Person; // unavailable now
    let emp: Person; // employee of a, discovery booked for DISCOVERY, a change requested
    let self: Person; // self-funded of a, discovery booked in 12 h
    let third: Person; // self-funded of a, no session
    let waiting: Person; // no mentor
    let disabled: Person; // registered disability, mentored by friendly
    let paused: Person;
    let done: Person;
    let empSession: string;
    let selfSession: string;

    beforeAll(async () => {
      clock.set(T0);
      a = await mentor({ name: 'Ada', capacity: 3 });
      full = await mentor({ name: 'Full', capacity: 1 });
      friendly = await mentor({ name: 'Friendly', disabilityFriendly: true, disabilityTrainingCompletedOn: '2026-09-01' });
      away = await mentor({ name: 'Away' });
      await created(away, `/mentors/${away.actor.id}/unavailabilities`, { from: '2027-02-01T00:00:00Z', to: '2027-04-01T00:00:00Z', reason: 'Sabbatical' });
      emp = await student('employee', a);
      self = await student('self_funded', a);
      third = await student('self_funded', a);
      await student('self_funded', full);
      waiting = await student('employee');
      disabled = await student('self_funded', friendly, { registeredDisability: true });
      paused = await student('self_funded', friendly);
      await created(paused, `/students/${paused.actor.id}/pause`, {});
      done = await student('self_funded', friendly);
      await created(staff, `/students/${done.actor.id}/completion`);
      empSession = (await created(a, `/students/${emp.actor.id}/discovery-session`, { start: DISCOVERY })).sessionId;
      selfSession = (await created(a, `/students/${self.actor.id}/discovery-session`, { start: '2027-03-01T20:00:00Z' })).sessionId;
      await created(emp, `/students/${emp.actor.id}/mentor-change-requests`, { reason: 'Time zone' });
    });

    const at = (p: () => Person, path: string) => () => `/students/${p().actor.id}${path}`;
    /** [what is tried, who, url, body (a function when it names ids known only once set up), status, code] */
    type Case = [string, () => Person, () => string, unknown, number, string];
    const cases: Case[] = [
      // 400: the DTOs refuse malformed values before anything is read.
      ['a start without an offset', () => a, at(() => third, '/discovery-session'), { start: '2027-03-02T10:00:00' }, 400, 'validation_failed'],
      ['a bare date as start', () => a, at(() => third, '/discovery-session'), { start: '2027-03-02' }, 400, 'validation_failed'],
      ['an unknown field on a command without a body', () => a, at(() => emp, '/first-contact'), { when: 'now' }, 400, 'validation_failed'],
      ['a blank internal comment', () => a, at(() => emp, '/internal-comments'), { text: '   ' }, 400, 'validation_failed'],
      ['an unknown follow-up reason', () => a, at(() => emp, '/follow-ups'), { reason: 'bored' }, 400, 'validation_failed'],
      ['an unknown cancellation reason', () => a, () => `/students/${emp.actor.id}/sessions/${empSession}/cancel`, { reason: 'bored' }, 400, 'validation_failed'],
      ['a recording link that is not http(s)', () => a, at(() => emp, '/first-session-recording'), () => ({ sessionId: empSession, recordingUrl: 'ftp://files.example/r' }), 400, 'validation_failed'],
      ['a delay of 0 minutes', () => a, () => `/students/${emp.actor.id}/sessions/${empSession}/delay`, { delayMinutes: 0 }, 400, 'validation_failed'],
      ['a week start that is not a date', () => staff, at(() => emp, '/weeks-without-session'), { weekStart: '2027-02-30' }, 400, 'validation_failed'],
      ['a capacity of 0', () => staff, () => `/mentors/${a.actor.id}/capacity`, { capacity: 0 }, 400, 'validation_failed'],
      ['a change of mentor without the current mentor', () => staff, at(() => emp, '/mentor-change'), () => ({ mentorId: friendly.actor.id, reason: 'x' }), 400, 'validation_failed'],
      // 404
      ['an unknown student', () => staff, () => '/students/no-such-student/first-contact', undefined, 404, 'student_not_found'],
      ['an unknown session', () => a, at(() => emp, '/sessions/no-such-session/held'), undefined, 404, 'session_not_found'],
      ['an unknown follow-up', () => staff, at(() => emp, '/follow-ups/no-such-follow-up/resolve'), { resolution: 'x' }, 404, 'follow_up_not_found'],
      ['an unknown change request', () => staff, at(() => emp, '/mentor-change-requests/no-such-request/decline'), { reason: 'x' }, 404, 'change_request_not_found'],
      ['an unknown mentor', () => staff, () => '/mentors/no-such-mentor/capacity', { capacity: 3 }, 404, 'mentor_not_found'],
      ['a change to an unknown mentor', () => staff, at(() => emp, '/mentor-change'), () => ({ mentorId: 'no-such-mentor', fromMentorId: a.actor.id, reason: 'x' }), 404, 'mentor_not_found'],
      ['an unknown unavailability', () => staff, () => `/mentors/${a.actor.id}/unavailabilities/nope/end`, undefined, 404, 'unavailability_not_found'],
      // 409: the rules, and the state the student is in.
      ['R5: pausing a training that is not self-funded', () => emp, at(() => emp, '/pause'), {}, 409, 'R5_only_self_funded_may_pause'],
      ['R5: resuming a training that is completed, not paused', () => staff, at(() => done, '/resume'), undefined, 409, 'training_not_paused'],
      ['R7: changing to a mentor who is not disability-friendly', () => staff, at(() => disabled, '/mentor-change'), () => ({ mentorId: a.actor.id, fromMentorId: friendly.actor.id, reason: 'x' }), 409, 'R7_mentor_not_disability_friendly'],
      ['R8: changing to the same mentor', () => staff, at(() => emp, '/mentor-change'), () => ({ mentorId: a.actor.id, fromMentorId: a.actor.id, reason: 'x' }), 409, 'R8_same_mentor'],
      ['R8: a change decided on a mentor the student no longer has', () => staff, at(() => emp, '/mentor-change'), () => ({ mentorId: friendly.actor.id, fromMentorId: full.actor.id, reason: 'x' }), 409, 'mentor_changed_meanwhile'],
      ['R8: a second change request while one is pending', () => emp, at(() => emp, '/mentor-change-requests'), { reason: 'Again' }, 409, 'R8_change_already_requested'],
      ['R9: changing to a mentor at capacity', () => staff, at(() => emp, '/mentor-change'), () => ({ mentorId: full.actor.id, fromMentorId: a.actor.id, reason: 'x' }), 409, 'R9_mentor_at_capacity'],
      ['R9: a capacity below the caseload', () => a, () => `/mentors/${a.actor.id}/capacity`, { capacity: 2 }, 409, 'R9_capacity_below_caseload'],
      ['changing to an unavailable mentor', () => staff, at(() => emp, '/mentor-change'), () => ({ mentorId: away.actor.id, fromMentorId: a.actor.id, reason: 'x' }), 409, 'mentor_not_available'],
      ['R12: booking before a mentor is assigned', () => staff, at(() => waiting, '/discovery-session'), { start: DISCOVERY }, 409, 'R12_mentor_not_assigned'],
      ['R12: a regular session before the discovery session', () => third, at(() => third, '/sessions'), { start: '2027-03-05T10:00:00Z' }, 409, 'R12_discovery_session_required'],
      ['R12: a second discovery session', () => a, at(() => emp, '/discovery-session'), { start: '2027-03-05T10:00:00Z' }, 409, 'R12_discovery_session_already_booked'],
      ['R13: a recording for a session that is not the first held one', () => a, at(() => emp, '/first-session-recording'), () => ({ sessionId: empSession, recordingUrl: 'https://r.example/1' }), 409, 'R13_not_first_session'],
      ['R13: feedback on a session that is not the first held one', () => staff, at(() => emp, '/first-session-feedback'), () => ({ sessionId: empSession, feedback: 'x' }), 409, 'R13_not_first_session'],
      ['R14: the mentor’s slot is taken (by another student)', () => third, at(() => third, '/discovery-session'), { start: '2027-03-02T10:30:00Z' }, 409, 'R14_mentor_slot_taken'],
      ['R14: the student’s slot is taken (by their own session)', () => emp, at(() => emp, '/sessions'), { start: '2027-03-02T10:15:00Z' }, 409, 'R14_student_slot_taken'],
      ['R14: a no-show before a third of the session has passed', () => a, () => `/students/${emp.actor.id}/sessions/${empSession}/no-show`, undefined, 409, 'R14_no_show_too_early'],
      ['R14: held before it started', () => a, () => `/students/${emp.actor.id}/sessions/${empSession}/held`, undefined, 409, 'session_not_started'],
      ['R15: a student moving a session less than 24 h before it', () => self, () => `/students/${self.actor.id}/sessions/${selfSession}/reschedule`, { start: '2027-03-03T10:00:00Z' }, 409, 'R15_late_reschedule_by_student'],
      ['R15: a week without session before the week is over', () => staff, at(() => emp, '/weeks-without-session'), { weekStart: '2027-03-01' }, 409, 'week_not_over'],
      ['booking while the training is paused', () => paused, at(() => paused, '/discovery-session'), { start: DISCOVERY }, 409, 'training_paused'],
      ['booking after the training is completed', () => staff, at(() => done, '/discovery-session'), { start: DISCOVERY }, 409, 'training_closed'],
      // 422: well-formed values that a rule refuses.
      ['a session in the past', () => a, at(() => third, '/discovery-session'), { start: '2027-03-01T07:00:00Z' }, 422, 'session_in_the_past'],
      ['R15: a delay that is a no-show', () => a, () => `/students/${emp.actor.id}/sessions/${empSession}/delay`, { delayMinutes: 20 }, 422, 'R15_delay_is_a_no_show'],
      ['a follow-up for another reason without a note', () => a, at(() => emp, '/follow-ups'), { reason: 'other' }, 422, 'follow_up_note_required'],
      ['a cancellation for another reason without a text', () => a, () => `/students/${emp.actor.id}/sessions/${empSession}/cancel`, { reason: 'other' }, 422, 'cancellation_text_required'],
      ['an unavailability that ends before it starts', () => a, () => `/mentors/${a.actor.id}/unavailabilities`, { from: '2027-05-02T00:00:00Z', to: '2027-05-01T00:00:00Z', reason: 'x' }, 422, 'unavailability_must_end_after_start'],
      ['a week that does not start on a Monday', () => staff, at(() => emp, '/weeks-without-session'), { weekStart: '2027-03-02' }, 422, 'week_must_start_on_monday'],
    ];

    it.each(cases.map((c) => ({ title: `${c[0]} → ${c[4]} ${c[5]}`, c })))('$title', async ({ c: [, who, url, body, status, code] }) => {
      clock.set(T0);
      // What earlier cases set off (the reactors' appends) is stored first: only this request may change the count.
      await settled();
      const before = (await allEvents(t.eventStore)).length;
      const answer = await post(t, who(), url(), typeof body === 'function' ? body() : body);
      expectProblem(answer, status, code);
      expect((await allEvents(t.eventStore)).length).toBe(before);
    });
  });

  describe('retries, preconditions and what the journeys do not cover', () => {
    it('Idempotency-Key on a booking: the retry answers the same session and appends nothing', async () => {
      clock.set(T0);
      const m = await mentor();
      const s = await student('self_funded', m);
      const headers = { 'idempotency-key': `book-${s.actor.id}` };
      const first = await post(t, s, `/students/${s.actor.id}/discovery-session`, { start: '2027-03-08T10:00:00Z' }, headers);
      expect(outcome(first)).toEqual({ status: 201, events: ['DiscoverySessionBooked'] });
      const before = (await allEvents(t.eventStore)).length;
      const retry = await post(t, s, `/students/${s.actor.id}/discovery-session`, { start: '2027-03-08T10:00:00Z' }, headers);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect((await allEvents(t.eventStore)).length).toBe(before);
    });

    it('If-Match: a booking decided on a stale revision answers 412, and reserves nothing on the calendar', async () => {
      clock.set(T0);
      const m = await mentor();
      const s = await student('self_funded', m);
      const before = (await allEvents(t.eventStore)).length;
      const stale = await post(t, m, `/students/${s.actor.id}/discovery-session`, { start: '2027-03-08T10:00:00Z' }, { 'if-match': '"0"' });
      expectProblem(stale, 412, 'revision_mismatch');
      expect((await allEvents(t.eventStore)).length).toBe(before);
      const current = await post(t, m, `/students/${s.actor.id}/discovery-session`, { start: '2027-03-08T10:00:00Z' }, { 'if-match': '"1"' });
      expect(outcome(current)).toEqual({ status: 201, events: ['DiscoverySessionBooked'] });
      expect(current.headers.etag).toBe('"2"');
    });

    it('R15: a social-programme student cancelling less than 24 h before: a late cancellation, a fact and an alert for the funder; the slot is freed', async () => {
      clock.set(T0);
      const m = await mentor();
      const s = await student('social_programme', m);
      const { sessionId } = await created(m, `/students/${s.actor.id}/discovery-session`, { start: '2027-03-02T07:00:00Z' });
      clock.set('2027-03-01T12:00:00.000Z');
      const answer = await post(t, s, `/students/${s.actor.id}/sessions/${sessionId}/cancel`, { reason: 'student_more_than_24h', text: 'Ill' });
      expect(outcome(answer)).toEqual({ status: 201, events: ['SessionCancelled', 'AttendanceFactRecorded', 'AttendanceAlertRaised'] });
      const funder = { funderId: 'pub-employment', funder: 'Public Employment Service', cohort: '2027-spring' };
      const studentId = s.actor.id;
      const mentorId = m.actor.id;
      const { slotId } = await dataIn(`student-${studentId}`, 'DiscoverySessionBooked');
      expect(slotId).toEqual(expect.any(String));
      expect((await eventsOf(t.eventStore, `student-${studentId}`)).slice(-3)).toEqual([
        {
          type: 'SessionCancelled',
          data: { sessionId, studentId, mentorId, start: '2027-03-02T07:00:00.000Z', end: '2027-03-02T07:45:00.000Z', slotId, reason: 'student_less_than_24h', text: 'Ill', late: true, cancelledAt: '2027-03-01T12:00:00.000Z' },
        },
        {
          type: 'AttendanceFactRecorded',
          data: { studentId, kind: 'late_cancellation', sessionId, weekStart: null, profile: 'social_programme', ...funder, mentorId, occurredAt: '2027-03-02T07:00:00.000Z', recordedAt: '2027-03-01T12:00:00.000Z' },
        },
        { type: 'AttendanceAlertRaised', data: { studentId, kind: 'late_cancellation', sessionId, weekStart: null, ...funder, mentorId, raisedAt: '2027-03-01T12:00:00.000Z' } },
      ]);
      // The reservations process gives the cancelled session's slot back.
      await settled();
      expect(await eventsOf(t.eventStore, `mentor-calendar-${mentorId}`)).toEqual([
        { type: 'MentorSlotReserved', data: { mentorId, slotId, sessionId, studentId, start: '2027-03-02T07:00:00.000Z', end: '2027-03-02T07:45:00.000Z', reservedAt: T0 } },
        { type: 'MentorSlotReleased', data: { mentorId, slotId, sessionId, studentId, reason: 'session_cancelled', releasedAt: '2027-03-01T12:00:00.000Z' } },
      ]);
      // The freed slot can be booked again.
      expect(outcome(await post(t, m, `/students/${studentId}/discovery-session`, { start: '2027-03-02T07:00:00Z' }))).toEqual({ status: 201, events: ['DiscoverySessionBooked'] });
    });

    it('R8: staff decline a change request; the request is closed with who decided and why', async () => {
      clock.set(T0);
      const m = await mentor();
      const s = await student('employee', m);
      const { requestId } = await created(s, `/students/${s.actor.id}/mentor-change-requests`, { reason: 'Time zone' });
      const answer = await post(t, staff, `/students/${s.actor.id}/mentor-change-requests/${requestId}/decline`, { reason: 'Only mentor on this path' });
      expect(outcome(answer)).toEqual({ status: 201, events: ['MentorChangeRequestDeclined'] });
      expect((await eventsOf(t.eventStore, `student-${s.actor.id}`)).pop()).toEqual({
        type: 'MentorChangeRequestDeclined',
        data: { requestId, studentId: s.actor.id, reason: 'Only mentor on this path', declinedBy: staff.actor, declinedAt: T0 },
      });
      // Declining again changes nothing.
      expect(outcome(await post(t, staff, `/students/${s.actor.id}/mentor-change-requests/${requestId}/decline`, { reason: 'Only mentor on this path' }))).toEqual({ status: 200, events: [] });
    });

    it('R9: a student who withdraws frees the caseload slot (appended by the platform, same correlation) and the slots of sessions to come', async () => {
      clock.set(T0);
      const m = await mentor();
      const s = await student('self_funded', m);
      const { sessionId } = await created(m, `/students/${s.actor.id}/discovery-session`, { start: '2027-03-08T10:00:00Z' });
      const answer = await post(t, s, `/students/${s.actor.id}/withdrawal`, { reason: 'Found a job' }, { 'x-correlation-id': 'withdraw-1' });
      expect(outcome(answer)).toEqual({ status: 201, events: ['TrainingWithdrawn', 'SessionCancelled'] });
      const studentEvents = await t.eventStore.readStream(`student-${s.actor.id}`);
      expect(studentEvents.slice(-2).map((e) => ({ type: e.type, actor: e.metadata.actor, correlationId: e.metadata.correlationId }))).toEqual([
        { type: 'TrainingWithdrawn', actor: s.actor, correlationId: 'withdraw-1' },
        { type: 'SessionCancelled', actor: s.actor, correlationId: 'withdraw-1' },
      ]);
      const [withdrawn, cancelled] = studentEvents.slice(-2);
      const { reservationId } = await dataIn(`student-${s.actor.id}`, 'StudentAssigned');
      const { slotId, end } = await dataIn(`student-${s.actor.id}`, 'DiscoverySessionBooked');
      expect([reservationId, slotId]).toEqual([expect.any(String), expect.any(String)]);
      expect(withdrawn.data).toEqual({ studentId: s.actor.id, mentorId: m.actor.id, reservationId, reason: 'Found a job', withdrawnBy: s.actor, withdrawnAt: T0 });
      expect(cancelled.data).toEqual({
        sessionId, studentId: s.actor.id, mentorId: m.actor.id, start: '2027-03-08T10:00:00.000Z', end, slotId, reason: 'training_ended', text: null, late: false, cancelledAt: T0,
      });

      // The releases are the reservations process's, caused by the student's events, in the request's correlation.
      await settled();
      const reservations = { id: 'system:reservations', role: 'system' };
      const mentorEvents = await t.eventStore.readStream(`mentor-${m.actor.id}`);
      expect(mentorEvents.map((e) => e.type)).toEqual(['MentorRegistered', 'CaseloadSlotReserved', 'CaseloadSlotReleased']);
      expect(mentorEvents[1].data).toEqual({ mentorId: m.actor.id, studentId: s.actor.id, reservationId, reservedAt: T0 });
      const released = mentorEvents[2];
      expect({ type: released.type, data: released.data, actor: released.metadata.actor, correlationId: released.metadata.correlationId, causationId: released.metadata.causationId }).toEqual({
        type: 'CaseloadSlotReleased',
        data: { mentorId: m.actor.id, studentId: s.actor.id, reservationId, reason: 'training_withdrawn', releasedAt: T0 },
        actor: reservations,
        correlationId: 'withdraw-1',
        causationId: withdrawn.eventId,
      });
      const calendarEvents = await t.eventStore.readStream(`mentor-calendar-${m.actor.id}`);
      expect(calendarEvents.map((e) => e.type)).toEqual(['MentorSlotReserved', 'MentorSlotReleased']);
      const freed = calendarEvents[1];
      expect({ type: freed.type, data: freed.data, actor: freed.metadata.actor, correlationId: freed.metadata.correlationId, causationId: freed.metadata.causationId }).toEqual({
        type: 'MentorSlotReleased',
        data: { mentorId: m.actor.id, slotId, sessionId, studentId: s.actor.id, reason: 'session_cancelled', releasedAt: T0 },
        actor: reservations,
        correlationId: 'withdraw-1',
        causationId: cancelled.eventId,
      });
    });

    it('the mentor’s profile: disability-friendly mark, capacity, unavailability declared and ended — by the mentor themself', async () => {
      clock.set(T0);
      const m = await mentor({ capacity: 2 });
      const id = m.actor.id;
      expect(outcome(await post(t, m, `/mentors/${id}/disability-friendly`, { trainingCompletedOn: '2027-02-15' }))).toEqual({ status: 201, events: ['MentorMarkedDisabilityFriendly'] });
      expect(outcome(await post(t, m, `/mentors/${id}/disability-friendly`, { trainingCompletedOn: '2027-02-15' }))).toEqual({ status: 200, events: [] });
      expect(outcome(await post(t, m, `/mentors/${id}/capacity`, { capacity: 4 }))).toEqual({ status: 201, events: ['MentorCapacityChanged'] });
      const { unavailabilityId } = await created(m, `/mentors/${id}/unavailabilities`, { from: '2027-03-01T00:00:00Z', to: '2027-03-15T00:00:00Z', reason: 'Holidays' });
      // While unavailable, the mentor takes no new student.
      const s = await student('self_funded');
      expectProblem(await post(t, staff, `/students/${s.actor.id}/assignment`, { mentorId: id }), 409, 'mentor_not_available');
      clock.set('2027-03-05T09:00:00.000Z');
      expect(outcome(await post(t, m, `/mentors/${id}/unavailabilities/${unavailabilityId}/end`))).toEqual({ status: 201, events: ['MentorUnavailabilityEnded'] });
      expect(outcome(await post(t, staff, `/students/${s.actor.id}/assignment`, { mentorId: id }))).toEqual({ status: 201, events: ['StudentAssigned'] });
      expect((await eventsOf(t.eventStore, `mentor-${id}`)).slice(1)).toEqual([
        { type: 'MentorMarkedDisabilityFriendly', data: { mentorId: id, trainingCompletedOn: '2027-02-15', markedAt: T0 } },
        { type: 'MentorCapacityChanged', data: { mentorId: id, previousCapacity: 2, capacity: 4, changedAt: T0 } },
        { type: 'MentorUnavailabilityDeclared', data: { mentorId: id, unavailabilityId, from: '2027-03-01T00:00:00.000Z', to: '2027-03-15T00:00:00.000Z', reason: 'Holidays', declaredAt: T0 } },
        { type: 'MentorUnavailabilityEnded', data: { mentorId: id, unavailabilityId, endedAt: '2027-03-05T09:00:00.000Z' } },
        { type: 'CaseloadSlotReserved', data: { mentorId: id, studentId: s.actor.id, reservationId: expect.any(String), reservedAt: '2027-03-05T09:00:00.000Z' } },
      ]);
      // The assignment consumed that reservation (the refused one, while unavailable, reserved nothing).
      const { reservationId } = await dataIn(`mentor-${id}`, 'CaseloadSlotReserved');
      expect((await dataIn(`student-${s.actor.id}`, 'StudentAssigned')).reservationId).toBe(reservationId);
    });
  });
});
