// The reservations process (docs/adr/0002) over HTTP, with faults: a release whose append fails is retried by
// the process; a reservation left by a request that died before its fact lapses after the grace period (or is
// completed by the retry with the same Idempotency-Key); a keyed retry after the fact was stored answers as
// the first run would have. Every check folds the event store itself.
import { createEventStore, EventStore } from '@mentoring/event-store';
import { caseloadStudents, mentorDecider, MentorState, reservationsOf } from '@mentoring/domain';
import type { ReactorRunner } from '@mentoring/reactors';
import { REACTOR_RUNNER } from '../apps/api/src/shared/tokens';
import { expectProblem, outcome, Person, person, post, streamOf, TestClock } from './support/commands';
import { FaultyEventStore } from './support/faults';
import { reactorsSettled, tickReactorsAt } from './support/reactors';
import { enrolment, mentorBody, startTestApp, tempDataDir, TestApp } from './support/test-app';

const T0 = '2027-03-01T08:00:00.000Z';

async function mentorState(store: EventStore, mentorId: string): Promise<MentorState> {
  return (await streamOf(store, `mentor-${mentorId}`)).reduce(
    (s, e) => mentorDecider.evolve(s, { type: e.type, data: e.data } as never),
    mentorDecider.initialState,
  );
}

async function caseloadOf(store: EventStore, mentorId: string): Promise<string[]> {
  const state = await mentorState(store, mentorId);
  return state.status === 'registered' ? caseloadStudents(state).sort() : [];
}

describe('the reservations process, with faults', () => {
  const faults = new FaultyEventStore();
  const clock = new TestClock(T0);
  let t: TestApp;
  let store: EventStore;
  let reactors: ReactorRunner;
  let staff: Person;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    store = createEventStore({ dataDir, synchronous: 'NORMAL' });
    // Short back-off so that the process's retry after a store outage happens within the test.
    t = await startTestApp({ DATA_DIR: dataDir, RESERVATION_GRACE_SECONDS: '120' }, { eventStore: faults.wrap(store), clock });
    reactors = t.app.get(REACTOR_RUNNER);
    staff = await person(t, 'staff', 'staff-1');
  });
  afterAll(async () => {
    await t.close();
    await store.close();
  });

  async function enrol(): Promise<string> {
    const answer = await post(t, staff, '/students', enrolment('self_funded'));
    expect(answer.status).toBe(201);
    return answer.body.studentId;
  }

  async function mentorOfCapacity(capacity: number): Promise<string> {
    const answer = await post(t, staff, '/mentors', mentorBody({ capacity }));
    expect(answer.status).toBe(201);
    return answer.body.mentorId;
  }

  it('R9: the release after a withdrawal fails once (store unavailable): the process retries, the slot is free and the next assignment succeeds', async () => {
    const mentorId = await mentorOfCapacity(1);
    const [first, second] = [await enrol(), await enrol()];
    expect(outcome(await post(t, staff, `/students/${first}/assignment`, { mentorId }))).toEqual({ status: 201, events: ['StudentAssigned'] });
    expectProblem(await post(t, staff, `/students/${second}/assignment`, { mentorId }), 409, 'R9_mentor_at_capacity');

    faults.fail({ eventType: 'CaseloadSlotReleased', when: 'before' });
    expect(outcome(await post(t, staff, `/students/${first}/withdrawal`, { reason: 'Moved abroad' }))).toEqual({ status: 201, events: ['TrainingWithdrawn'] });
    await reactorsSettled(t, reactors);

    expect(faults.injected).toContain('CaseloadSlotReleased');
    const released = (await streamOf(store, `mentor-${mentorId}`)).filter((e) => e.type === 'CaseloadSlotReleased');
    expect(released.map((e) => ({ data: e.data, actor: e.metadata.actor }))).toEqual([
      {
        data: { mentorId, studentId: first, reservationId: expect.any(String), reason: 'training_withdrawn', releasedAt: T0 },
        actor: { id: 'system:reservations', role: 'system' },
      },
    ]);
    expect(await caseloadOf(store, mentorId)).toEqual([]);
    expect(outcome(await post(t, staff, `/students/${second}/assignment`, { mentorId }))).toEqual({ status: 201, events: ['StudentAssigned'] });
    expect((await reactors.status()).find((s) => s.name === 'reservations')).toMatchObject({ parked: 0, lag: expect.any(Number) });
  });

  it('R9: a request that dies between the reservation and the fact leaves a slot; after the grace period it lapses on the student’s stream, then is released', async () => {
    clock.set(T0);
    const mentorId = await mentorOfCapacity(1);
    const [stranded, next] = [await enrol(), await enrol()];
    faults.fail({ eventType: 'StudentAssigned', when: 'before' });
    expectProblem(await post(t, staff, `/students/${stranded}/assignment`, { mentorId }), 503, 'store_unavailable');
    await reactorsSettled(t, reactors);
    // The slot is held by a reservation no fact consumed: the mentor is full, for now.
    expect(await caseloadOf(store, mentorId)).toEqual([stranded]);
    expectProblem(await post(t, staff, `/students/${next}/assignment`, { mentorId }), 409, 'R9_mentor_at_capacity');

    // Not yet: the grace period is not over.
    await tickReactorsAt(t, reactors, clock, '2027-03-01T08:01:59.000Z');
    expect(await caseloadOf(store, mentorId)).toEqual([stranded]);

    const report = await tickReactorsAt(t, reactors, clock, '2027-03-01T08:02:01.000Z');
    expect(report.performed).toContainEqual({ id: expect.stringMatching(/^reservations:caseload:/), kind: 'reservation-check', outcome: 'lapsed_and_released' });
    const { reservationId } = (await streamOf(store, `mentor-${mentorId}`)).find((e) => e.type === 'CaseloadSlotReserved')!.data as { reservationId: string };
    const lapse = (await streamOf(store, `student-${stranded}`)).filter((e) => e.type === 'ReservationLapsed');
    expect(lapse.map((e) => e.data)).toEqual([
      { studentId: stranded, kind: 'caseload', mentorId, reservationId, lapsedAt: '2027-03-01T08:02:01.000Z' },
    ]);
    const release = (await streamOf(store, `mentor-${mentorId}`)).filter((e) => e.type === 'CaseloadSlotReleased');
    expect(release.map((e) => e.data)).toEqual([
      { mentorId, studentId: stranded, reservationId, reason: 'reservation_lapsed', releasedAt: '2027-03-01T08:02:01.000Z' },
    ]);
    expect(await caseloadOf(store, mentorId)).toEqual([]);
    expect(outcome(await post(t, staff, `/students/${next}/assignment`, { mentorId }))).toEqual({ status: 201, events: ['StudentAssigned'] });
    // The stranded student can still be assigned elsewhere, under a new reservation.
    const other = await mentorOfCapacity(1);
    expect(outcome(await post(t, staff, `/students/${stranded}/assignment`, { mentorId: other }))).toEqual({ status: 201, events: ['StudentAssigned'] });
  });

  it('R9: the same request retried with its Idempotency-Key after dying before the fact completes it on the reservation it left (same ids, one slot)', async () => {
    clock.set(T0);
    const mentorId = await mentorOfCapacity(1);
    const studentId = await enrol();
    const key = { 'idempotency-key': `assign-${studentId}` };
    faults.fail({ eventType: 'StudentAssigned', when: 'before' });
    expectProblem(await post(t, staff, `/students/${studentId}/assignment`, { mentorId }, key), 503, 'store_unavailable');
    const retried = await post(t, staff, `/students/${studentId}/assignment`, { mentorId }, key);
    expect(outcome(retried)).toEqual({ status: 201, events: ['StudentAssigned'] });
    const mentorEvents = await streamOf(store, `mentor-${mentorId}`);
    const reserved = mentorEvents.filter((e) => e.type === 'CaseloadSlotReserved');
    expect(reserved).toHaveLength(1);
    const assigned = (await streamOf(store, `student-${studentId}`)).filter((e) => e.type === 'StudentAssigned');
    expect((assigned[0].data as { reservationId: string }).reservationId).toBe((reserved[0].data as { reservationId: string }).reservationId);
    // After the grace period the reconciler finds the reservation consumed and leaves it.
    const report = await tickReactorsAt(t, reactors, clock, '2027-03-01T08:05:00.000Z');
    expect(report.performed.filter((p) => p.outcome !== 'consumed').map((p) => p.id)).not.toContain(`reservations:caseload:${(reserved[0].data as { reservationId: string }).reservationId}`);
    const state = await mentorState(store, mentorId);
    expect(state.status === 'registered' && reservationsOf(state, studentId)).toHaveLength(1);
  });

  it('R14: a keyed booking that died after its slot was reserved, retried after the slot lapsed: 201 on a new slot, the calendar holds that one only', async () => {
    clock.set(T0);
    const mentorId = await mentorOfCapacity(1);
    const studentId = await enrol();
    expect(outcome(await post(t, staff, `/students/${studentId}/assignment`, { mentorId }))).toEqual({ status: 201, events: ['StudentAssigned'] });
    const key = { 'idempotency-key': `book-${studentId}` };
    const booking = { start: '2027-03-03T10:00:00.000Z' };
    faults.fail({ eventType: 'DiscoverySessionBooked', when: 'before' });
    expectProblem(await post(t, staff, `/students/${studentId}/discovery-session`, booking, key), 503, 'store_unavailable');
    await tickReactorsAt(t, reactors, clock, '2027-03-01T08:03:00.000Z');
    const lapsed = (await streamOf(store, `student-${studentId}`)).filter((e) => e.type === 'ReservationLapsed').map((e) => e.data as { reservationId: string });
    expect(lapsed).toHaveLength(1);

    const retried = await post(t, staff, `/students/${studentId}/discovery-session`, booking, key);
    expect(outcome(retried)).toEqual({ status: 201, events: ['DiscoverySessionBooked'] });
    const booked = (await streamOf(store, `student-${studentId}`)).find((e) => e.type === 'DiscoverySessionBooked')!.data as { slotId: string; sessionId: string };
    expect(booked.slotId).not.toBe(lapsed[0].reservationId);
    await reactorsSettled(t, reactors);
    const calendar = await streamOf(store, `mentor-calendar-${mentorId}`);
    expect(calendar.map((e) => [e.type, (e.data as { slotId: string }).slotId])).toEqual([
      ['MentorSlotReserved', lapsed[0].reservationId],
      ['MentorSlotReleased', lapsed[0].reservationId],
      ['MentorSlotReserved', booked.slotId],
    ]);
  });

  it('a keyed retry after the fact was stored but the answer lost answers as the first run would have: assignment, change of mentor, withdrawal', async () => {
    clock.set(T0);
    const [m1, m2] = [await mentorOfCapacity(2), await mentorOfCapacity(2)];
    const studentId = await enrol();
    const base = `/students/${studentId}`;

    faults.fail({ eventType: 'StudentAssigned', when: 'after' });
    const assignKey = { 'idempotency-key': `a-${studentId}` };
    expectProblem(await post(t, staff, `${base}/assignment`, { mentorId: m1 }, assignKey), 503, 'store_unavailable');
    const assigned = await post(t, staff, `${base}/assignment`, { mentorId: m1 }, assignKey);
    expect(outcome(assigned)).toEqual({ status: 201, events: ['StudentAssigned'] });
    expect(assigned.body).toMatchObject({ studentId, revision: 1 });

    faults.fail({ eventType: 'MentorChanged', when: 'after' });
    const changeKey = { 'idempotency-key': `c-${studentId}` };
    const change = { mentorId: m2, fromMentorId: m1, reason: 'Time zone' };
    expectProblem(await post(t, staff, `${base}/mentor-change`, change, changeKey), 503, 'store_unavailable');
    expect(outcome(await post(t, staff, `${base}/mentor-change`, change, changeKey))).toEqual({ status: 201, events: ['MentorChanged'] });

    faults.fail({ eventType: 'TrainingWithdrawn', when: 'after' });
    const withdrawKey = { 'idempotency-key': `w-${studentId}` };
    expectProblem(await post(t, staff, `${base}/withdrawal`, { reason: 'Moved abroad' }, withdrawKey), 503, 'store_unavailable');
    expect(outcome(await post(t, staff, `${base}/withdrawal`, { reason: 'Moved abroad' }, withdrawKey))).toEqual({ status: 201, events: ['TrainingWithdrawn'] });

    // Nothing is left unfinished: once the process has run, neither mentor holds the student.
    await reactorsSettled(t, reactors);
    expect(await caseloadOf(store, m1)).toEqual([]);
    expect(await caseloadOf(store, m2)).toEqual([]);
    const studentEvents = (await streamOf(store, `student-${studentId}`)).map((e) => e.type);
    expect(studentEvents).toEqual(['StudentEnrolled', 'StudentAssigned', 'MentorChanged', 'TrainingWithdrawn']);
  });
});
