// Cross-stream invariants under concurrent requests (docs/adr/0002): one change of mentor wins, the other is
// refused; one booking of a mentor's slot wins, the others are refused; the caseloads and calendars, folded from
// the event store, agree with the students' streams once the reservations process has run: the releases it
// appends after the answers, and the reconciler's lapse of a reservation that no fact consumed (a request that
// lost its race after reserving) once the grace period is over.
import { fold, mentorCalendarDecider, MentorCalendarState, upcast } from '@mentoring/domain';
import { EventStore } from '@mentoring/event-store';
import type { ReactorRunner, TickReport } from '@mentoring/reactors';
import { caseloadOf, eventsOf, expectProblem, firstDataOf, outcome, Person, person, post, TestClock } from './support/commands';
import { reactionsSettled, reactorRunnerOf, tickReactorsAt } from './support/reactors';
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';

const NOW = '2027-03-01T08:00:00.000Z';
const LATER = '2027-03-03T10:00:00.000Z';
/** Past the reservations' grace period (RESERVATION_GRACE_SECONDS, 120 s) after NOW: the reconciler's checks are due. */
const GRACE_OVER = '2027-03-01T08:03:00.000Z';

async function stateOf<S>(store: EventStore, streamId: string, decider: { evolve: (s: S, e: any) => S; initialState: S }): Promise<S> {
  const events = (await store.readStream(streamId)).map((e) => ({ type: e.type, data: upcast(e.type, e.schemaVersion, e.data) }));
  return fold(decider, events as never[]);
}
const slotsOf = async (store: EventStore, mentorId: string) =>
  Object.values((await stateOf<MentorCalendarState>(store, `mentor-calendar-${mentorId}`, mentorCalendarDecider)).slots);
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

describe('concurrency over HTTP', () => {
  const clock = new TestClock(NOW);
  let t: TestApp;
  let staff: Person;
  let otherStaff: Person;
  let reactors: ReactorRunner;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    reactors = reactorRunnerOf(t);
    staff = await person(t, 'staff', 'staff-1');
    otherStaff = await person(t, 'staff', 'staff-2');
  });
  afterAll(() => t.close());

  /** The releases the answers set off are stored. */
  const settled = () => reactionsSettled(t, reactors);
  /** The grace period is over: the reconciler checks every reservation of the round. */
  const reconciled = (): Promise<TickReport> => tickReactorsAt(t, reactors, clock, GRACE_OVER);
  const dataOf = (streamId: string, type: string) => firstDataOf(t.eventStore, streamId, type);

  const register = async (overrides: Record<string, unknown> = {}) => (await post(t, staff, '/mentors', mentorBody(overrides))).body.mentorId as string;
  async function enrolAndAssign(mentorId: string, i: number): Promise<string> {
    const enrolled = await post(t, staff, '/students', enrolment('social_programme', { name: `Student ${i}`, email: `s${i}@students.example` }));
    const { studentId } = enrolled.body;
    expect(outcome(await post(t, staff, `/students/${studentId}/assignment`, { mentorId }))).toEqual({ status: 201, events: ['StudentAssigned'] });
    return studentId;
  }

  it('R8/R9: two staff change the same student’s mentor at once, to two different mentors: one 201, one 409; caseloads stay consistent', async () => {
    for (let round = 0; round < 5; round++) {
      clock.set(NOW);
      const [from, toB, toC] = [await register(), await register(), await register()];
      const studentId = await enrolAndAssign(from, round);
      const before = await t.eventStore.readStream(`student-${studentId}`);
      const assignedReservation = (await dataOf(`student-${studentId}`, 'StudentAssigned')).reservationId;

      const answers = await Promise.all([
        post(t, staff, `/students/${studentId}/mentor-change`, { mentorId: toB, fromMentorId: from, reason: 'Time zone' }),
        post(t, otherStaff, `/students/${studentId}/mentor-change`, { mentorId: toC, fromMentorId: from, reason: 'Workload' }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      const wonIndex = answers.findIndex((a) => a.status === 201);
      const [winner, loser] = wonIndex === 0 ? [toB, toC] : [toC, toB];
      expect(outcome(answers[wonIndex])).toEqual({ status: 201, events: ['MentorChanged'] });
      expectProblem(answers[1 - wonIndex], 409, 'mentor_changed_meanwhile');
      expect(answers[1 - wonIndex].body.details).toEqual({ currentMentorId: winner });
      await settled();

      // The student's stream: exactly one change, to the winner, consuming the winner's reservation and naming the previous one.
      const after = await t.eventStore.readStream(`student-${studentId}`);
      expect(after.slice(before.length).map((e) => [e.type, (e.data as { toMentorId?: string }).toMentorId])).toEqual([['MentorChanged', winner]]);
      const changed = after[before.length].data as { reservationId: string; previousReservationId: string };
      expect(changed.previousReservationId).toBe(assignedReservation);
      // The old mentor's slot was released by the reservations process, the winner reserved exactly once.
      expect(await eventsOf(t.eventStore, `mentor-${from}`)).toEqual([
        { type: 'MentorRegistered', data: expect.objectContaining({ mentorId: from }) },
        { type: 'CaseloadSlotReserved', data: { mentorId: from, studentId, reservationId: assignedReservation, reservedAt: NOW } },
        { type: 'CaseloadSlotReleased', data: { mentorId: from, studentId, reservationId: assignedReservation, reason: 'mentor_changed', releasedAt: NOW } },
      ]);
      expect(await eventsOf(t.eventStore, `mentor-${winner}`)).toEqual([
        { type: 'MentorRegistered', data: expect.objectContaining({ mentorId: winner }) },
        { type: 'CaseloadSlotReserved', data: { mentorId: winner, studentId, reservationId: changed.reservationId, reservedAt: NOW } },
      ]);
      expect(await caseloadOf(t.eventStore, from)).toEqual([]);
      expect(await caseloadOf(t.eventStore, winner)).toEqual([studentId]);
      // A loser that had reserved before losing the race keeps that reservation until the reconciler lapses it.
      const loserReserved = (await eventsOf(t.eventStore, `mentor-${loser}`)).slice(1);
      expect(loserReserved.length).toBeLessThanOrEqual(1);
      expect(loserReserved).toEqual(loserReserved.map(() => ({ type: 'CaseloadSlotReserved', data: { mentorId: loser, studentId, reservationId: expect.any(String), reservedAt: NOW } })));
      const loserReservation = (loserReserved[0]?.data as { reservationId: string } | undefined)?.reservationId;

      // Once the grace period is over: a reservation no fact consumed is lapsed on the student's stream, then released.
      const report = await reconciled();
      expect(report.failed).toEqual([]);
      // The reservation checks (the audit checkpoint of issue 11 runs at the same tick and is not about R9).
      expect(report.performed.filter((p) => p.kind === 'reservation-check').sort(byId)).toEqual(
        [
          { id: `reservations:caseload:${assignedReservation}`, kind: 'reservation-check', outcome: 'already_released' },
          { id: `reservations:caseload:${changed.reservationId}`, kind: 'reservation-check', outcome: 'consumed' },
          ...(loserReservation ? [{ id: `reservations:caseload:${loserReservation}`, kind: 'reservation-check', outcome: 'lapsed_and_released' }] : []),
        ].sort(byId),
      );
      expect((await eventsOf(t.eventStore, `student-${studentId}`)).slice(before.length + 1)).toEqual(
        loserReservation
          ? [{ type: 'ReservationLapsed', data: { studentId, kind: 'caseload', mentorId: loser, reservationId: loserReservation, lapsedAt: GRACE_OVER } }]
          : [],
      );
      expect((await eventsOf(t.eventStore, `mentor-${loser}`)).slice(1)).toEqual(
        loserReservation
          ? [
              { type: 'CaseloadSlotReserved', data: { mentorId: loser, studentId, reservationId: loserReservation, reservedAt: NOW } },
              { type: 'CaseloadSlotReleased', data: { mentorId: loser, studentId, reservationId: loserReservation, reason: 'reservation_lapsed', releasedAt: GRACE_OVER } },
            ]
          : [],
      );
      // Settled, every caseload is the students assigned to the mentor.
      expect(await caseloadOf(t.eventStore, from)).toEqual([]);
      expect(await caseloadOf(t.eventStore, winner)).toEqual([studentId]);
      expect(await caseloadOf(t.eventStore, loser)).toEqual([]);
    }
  });

  it('R9: the same assignment sent several times at once: the student is assigned once and holds exactly one caseload slot', async () => {
    for (let round = 0; round < 5; round++) {
      clock.set(NOW);
      const mentorId = await register({ capacity: 3 });
      const { studentId } = (await post(t, staff, '/students', enrolment('self_funded', { name: `Dup ${round}`, email: `dup${round}@students.example` }))).body;
      const answers = await Promise.all([staff, otherStaff, staff].map((who) => post(t, who, `/students/${studentId}/assignment`, { mentorId })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
      await settled();
      const assigned = (await t.eventStore.readStream(`student-${studentId}`)).filter((e) => e.type === 'StudentAssigned');
      expect(assigned).toHaveLength(1);
      // Identical requests share one reservation; the one that lost the race on the student's stream gives nothing back.
      const { reservationId } = assigned[0].data as { reservationId: string };
      expect(await eventsOf(t.eventStore, `mentor-${mentorId}`)).toEqual([
        { type: 'MentorRegistered', data: expect.objectContaining({ mentorId }) },
        { type: 'CaseloadSlotReserved', data: { mentorId, studentId, reservationId, reservedAt: NOW } },
      ]);
      expect(await caseloadOf(t.eventStore, mentorId)).toEqual([studentId]);
      // The reconciler finds the reservation consumed: nothing lapses.
      const report = await reconciled();
      expect({ performed: report.performed.filter((p) => p.kind === 'reservation-check'), failed: report.failed }).toEqual({
        performed: [{ id: `reservations:caseload:${reservationId}`, kind: 'reservation-check', outcome: 'consumed' }],
        failed: [],
      });
      expect(await caseloadOf(t.eventStore, mentorId)).toEqual([studentId]);
    }
  });

  it('R8/R9: the same change of mentor sent twice at once: one 201, one 409; the new mentor holds the student once', async () => {
    for (let round = 0; round < 5; round++) {
      clock.set(NOW);
      const [from, to] = [await register(), await register()];
      const studentId = await enrolAndAssign(from, 50 + round);
      const body = { mentorId: to, fromMentorId: from, reason: 'Time zone' };
      const answers = await Promise.all([staff, otherStaff].map((who) => post(t, who, `/students/${studentId}/mentor-change`, body)));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(['R8_same_mentor', 'mentor_changed_meanwhile']).toContain(answers.find((a) => a.status === 409)!.body.code);
      await settled();
      const changes = (await t.eventStore.readStream(`student-${studentId}`)).filter((e) => e.type === 'MentorChanged');
      expect(changes).toHaveLength(1);
      const { reservationId, previousReservationId } = changes[0].data as { reservationId: string; previousReservationId: string };
      expect(previousReservationId).toBe((await dataOf(`student-${studentId}`, 'StudentAssigned')).reservationId);
      // Both requests relied on one reservation on the new mentor; the previous mentor's is released once.
      expect(await eventsOf(t.eventStore, `mentor-${to}`)).toEqual([
        { type: 'MentorRegistered', data: expect.objectContaining({ mentorId: to }) },
        { type: 'CaseloadSlotReserved', data: { mentorId: to, studentId, reservationId, reservedAt: NOW } },
      ]);
      expect((await eventsOf(t.eventStore, `mentor-${from}`)).slice(1)).toEqual([
        { type: 'CaseloadSlotReserved', data: { mentorId: from, studentId, reservationId: previousReservationId, reservedAt: NOW } },
        { type: 'CaseloadSlotReleased', data: { mentorId: from, studentId, reservationId: previousReservationId, reason: 'mentor_changed', releasedAt: NOW } },
      ]);
      expect(await caseloadOf(t.eventStore, from)).toEqual([]);
      expect(await caseloadOf(t.eventStore, to)).toEqual([studentId]);
      const report = await reconciled();
      expect(report.failed).toEqual([]);
      // The reservation checks (the audit checkpoint of issue 11 runs at the same tick and is not about R9).
      expect(report.performed.filter((p) => p.kind === 'reservation-check').sort(byId)).toEqual(
        [
          { id: `reservations:caseload:${previousReservationId}`, kind: 'reservation-check', outcome: 'already_released' },
          { id: `reservations:caseload:${reservationId}`, kind: 'reservation-check', outcome: 'consumed' },
        ].sort(byId),
      );
      expect(await caseloadOf(t.eventStore, from)).toEqual([]);
      expect(await caseloadOf(t.eventStore, to)).toEqual([studentId]);
    }
  });

  describe('R14: ten students of one mentor book the same slot at once', () => {
    let mentorId: string;
    let students: Person[];

    beforeAll(async () => {
      clock.set(NOW);
      mentorId = await register({ capacity: 20 });
      students = [];
      for (let i = 0; i < 10; i++) students.push(await person(t, 'student', await enrolAndAssign(mentorId, 100 + i)));
    });

    it('the same start: exactly one 201, nine 409 R14_mentor_slot_taken; the calendar holds one slot, the winner’s', async () => {
      const answers = await Promise.all(
        students.map((s) => post(t, s, `/students/${s.actor.id}/discovery-session`, { start: LATER })),
      );
      const won = answers.filter((a) => a.status === 201);
      expect(won).toHaveLength(1);
      expect(outcome(won[0])).toEqual({ status: 201, events: ['DiscoverySessionBooked'] });
      const refused = answers.filter((a) => a.status !== 201);
      expect(refused).toHaveLength(9);
      for (const answer of refused) expectProblem(answer, 409, 'R14_mentor_slot_taken');

      await settled();
      const { studentId, sessionId } = won[0].body;
      const { slotId } = await dataOf(`student-${studentId}`, 'DiscoverySessionBooked');
      expect(slotId).toEqual(expect.any(String));
      expect(await slotsOf(t.eventStore, mentorId)).toEqual([{ slotId, sessionId, studentId, start: LATER, end: '2027-03-03T10:45:00.000Z' }]);
      for (const s of students) {
        const booked = (await t.eventStore.readStream(`student-${s.actor.id}`)).filter((e) => e.type === 'DiscoverySessionBooked');
        expect(booked.map((e) => (e.data as { sessionId: string }).sessionId)).toEqual(s.actor.id === studentId ? [sessionId] : []);
      }
    });

    it('overlapping starts (each 4 minutes apart, all within one 45-minute session): exactly one wins', async () => {
      const base = Date.parse('2027-03-04T10:00:00.000Z');
      const answers = await Promise.all(
        students.map((s, i) => post(t, s, `/students/${s.actor.id}/discovery-session`, { start: new Date(base + i * 4 * 60_000).toISOString() })),
      );
      // The winner of the first round already has its discovery session: R12 refuses it, before any reservation.
      const statuses = answers.map((a) => outcome(a));
      expect(statuses.filter((s) => s.status === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s.code === 'R14_mentor_slot_taken')).toHaveLength(8);
      expect(statuses.filter((s) => s.code === 'R12_discovery_session_already_booked')).toHaveLength(1);
      await settled();
      const slots = await slotsOf(t.eventStore, mentorId);
      expect(slots).toHaveLength(2);
      // Net reservations equal the bookings on the students' streams: nothing is left reserved by a loser.
      const bookings = [];
      for (const s of students) bookings.push(...(await t.eventStore.readStream(`student-${s.actor.id}`)).filter((e) => e.type === 'DiscoverySessionBooked'));
      const held = (d: { slotId: string; sessionId: string; studentId: string; start: string; end: string }) => [d.slotId, d.sessionId, d.studentId, d.start, d.end].join(' ');
      expect(slots.map(held).sort()).toEqual(bookings.map((e) => held(e.data as never)).sort());
    });
  });
});
