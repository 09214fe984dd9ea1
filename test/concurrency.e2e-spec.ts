// Cross-stream invariants under concurrent requests (docs/adr/0002): one change of mentor wins, the other is
// refused; one booking of a mentor's slot wins, the others are refused; the caseloads and calendars agree
// with the students' streams afterwards.
import { fold, mentorCalendarDecider, MentorCalendarState, mentorDecider, MentorState, upcast } from '@mentoring/domain';
import { EventStore } from '@mentoring/event-store';
import { expectProblem, outcome, Person, person, post, TestClock } from './support/commands';
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';

const NOW = '2027-03-01T08:00:00.000Z';
const LATER = '2027-03-03T10:00:00.000Z';

async function stateOf<S>(store: EventStore, streamId: string, decider: { evolve: (s: S, e: any) => S; initialState: S }): Promise<S> {
  const events = (await store.readStream(streamId)).map((e) => ({ type: e.type, data: upcast(e.type, e.schemaVersion, e.data) }));
  return fold(decider, events as never[]);
}
const caseloadOf = async (store: EventStore, mentorId: string) => {
  const state = await stateOf<MentorState>(store, `mentor-${mentorId}`, mentorDecider);
  return state.status === 'registered' ? [...state.caseload].sort() : [];
};
const slotsOf = async (store: EventStore, mentorId: string) =>
  Object.values((await stateOf<MentorCalendarState>(store, `mentor-calendar-${mentorId}`, mentorCalendarDecider)).slots);

describe('concurrency over HTTP', () => {
  const clock = new TestClock(NOW);
  let t: TestApp;
  let staff: Person;
  let otherStaff: Person;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    staff = await person(t, 'staff', 'staff-1');
    otherStaff = await person(t, 'staff', 'staff-2');
  });
  afterAll(() => t.close());

  const register = async (overrides: Record<string, unknown> = {}) => (await post(t, staff, '/mentors', mentorBody(overrides))).body.mentorId as string;
  async function enrolAndAssign(mentorId: string, i: number): Promise<string> {
    const enrolled = await post(t, staff, '/students', enrolment('social_programme', { name: `Student ${i}`, email: `s${i}@students.example` }));
    const { studentId } = enrolled.body;
    expect(outcome(await post(t, staff, `/students/${studentId}/assignment`, { mentorId }))).toEqual({ status: 201, events: ['StudentAssigned'] });
    return studentId;
  }

  it('R8/R9: two staff change the same student’s mentor at once, to two different mentors: one 201, one 409; caseloads stay consistent', async () => {
    for (let round = 0; round < 5; round++) {
      const [from, toB, toC] = [await register(), await register(), await register()];
      const studentId = await enrolAndAssign(from, round);
      const before = await t.eventStore.readStream(`student-${studentId}`);

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

      // The student's stream: exactly one change, to the winner.
      const after = await t.eventStore.readStream(`student-${studentId}`);
      expect(after.slice(before.length).map((e) => [e.type, (e.data as { toMentorId?: string }).toMentorId])).toEqual([['MentorChanged', winner]]);
      // The old mentor was released, the winner reserved exactly once, the loser holds nothing.
      expect(await caseloadOf(t.eventStore, from)).toEqual([]);
      expect(await caseloadOf(t.eventStore, winner)).toEqual([studentId]);
      expect(await caseloadOf(t.eventStore, loser)).toEqual([]);
      const winnerEvents = await t.eventStore.readStream(`mentor-${winner}`);
      expect(winnerEvents.map((e) => e.type)).toEqual(['MentorRegistered', 'CaseloadSlotReserved']);
      const fromEvents = await t.eventStore.readStream(`mentor-${from}`);
      expect(fromEvents.map((e) => [e.type, (e.data as { reason?: string }).reason])).toEqual([
        ['MentorRegistered', undefined],
        ['CaseloadSlotReserved', undefined],
        ['CaseloadSlotReleased', 'mentor_changed'],
      ]);
      // A loser that had reserved before losing the race gave the slot back.
      const loserEvents = (await t.eventStore.readStream(`mentor-${loser}`)).map((e) => [e.type, (e.data as { reason?: string }).reason]);
      expect([
        [['MentorRegistered', undefined]],
        [['MentorRegistered', undefined], ['CaseloadSlotReserved', undefined], ['CaseloadSlotReleased', 'assignment_aborted']],
      ]).toContainEqual(loserEvents);
    }
  });

  it('R9: the same assignment sent several times at once: the student is assigned once and holds exactly one caseload slot', async () => {
    for (let round = 0; round < 5; round++) {
      const mentorId = await register({ capacity: 3 });
      const { studentId } = (await post(t, staff, '/students', enrolment('self_funded', { name: `Dup ${round}`, email: `dup${round}@students.example` }))).body;
      const answers = await Promise.all([staff, otherStaff, staff].map((who) => post(t, who, `/students/${studentId}/assignment`, { mentorId })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
      const assigned = (await t.eventStore.readStream(`student-${studentId}`)).filter((e) => e.type === 'StudentAssigned');
      expect(assigned).toHaveLength(1);
      // A request that lost the race on the student's stream must not give back the slot the winner relies on.
      expect(await caseloadOf(t.eventStore, mentorId)).toEqual([studentId]);
    }
  });

  it('R8/R9: the same change of mentor sent twice at once: one 201, one 409; the new mentor holds the student once', async () => {
    for (let round = 0; round < 5; round++) {
      const [from, to] = [await register(), await register()];
      const studentId = await enrolAndAssign(from, 50 + round);
      const body = { mentorId: to, fromMentorId: from, reason: 'Time zone' };
      const answers = await Promise.all([staff, otherStaff].map((who) => post(t, who, `/students/${studentId}/mentor-change`, body)));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(['R8_same_mentor', 'mentor_changed_meanwhile']).toContain(answers.find((a) => a.status === 409)!.body.code);
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

      const { studentId, sessionId } = won[0].body;
      expect(await slotsOf(t.eventStore, mentorId)).toEqual([{ sessionId, studentId, start: LATER, end: '2027-03-03T10:45:00.000Z' }]);
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
      const slots = await slotsOf(t.eventStore, mentorId);
      expect(slots).toHaveLength(2);
      // Net reservations equal the bookings on the students' streams: nothing is left reserved by a loser.
      const bookings = [];
      for (const s of students) bookings.push(...(await t.eventStore.readStream(`student-${s.actor.id}`)).filter((e) => e.type === 'DiscoverySessionBooked'));
      expect(slots.map((s) => s.sessionId).sort()).toEqual(bookings.map((e) => (e.data as { sessionId: string }).sessionId).sort());
    });
  });
});
