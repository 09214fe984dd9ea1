// The reservation protocol (docs/adr/0002) with a race forced deterministically: the first request's append
// to the student's stream is held back while another request completes. Two identical requests share one
// reservation, and a request never gives a reservation back: the one that lost its race re-decides, and a
// reservation no fact consumed is lapsed and released by the reconciler once the grace period is over.
import { createEventStore, EventStore, NewEvent, ExpectedRevision } from '@mentoring/event-store';
import type { ReadStore } from '@mentoring/read-store';
import { READ_STORE } from '../apps/api/src/shared/tokens';
import { caseloadOf as caseloadIn, eventsOf, expectProblem, firstDataOf, outcome, Person, person, post, TestClock } from './support/commands';
import { reactionsSettled, reactorRunnerOf, tickReactorsAt } from './support/reactors';
import { enrolment, mentorBody, startTestApp, tempDataDir, TestApp } from './support/test-app';

const T0 = '2027-03-01T08:00:00.000Z';
/** Past the reservations' grace period (RESERVATION_GRACE_SECONDS, 120 s) after T0. */
const GRACE_OVER = '2027-03-01T08:03:00.000Z';

/** Holds back the next append whose events include `type`, until `open()`; `reached` resolves when it is held. */
class Gate {
  private armedFor: string | null = null;
  private release!: () => void;
  private arrived!: () => void;
  reached!: Promise<void>;
  private opened!: Promise<void>;

  arm(type: string): void {
    this.armedFor = type;
    this.reached = new Promise((resolve) => (this.arrived = resolve));
    this.opened = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release();
  }

  wrap(inner: EventStore): EventStore {
    return new Proxy(inner, {
      get: (target, property) => {
        if (property === 'append') {
          return async (streamId: string, events: NewEvent[], expected: ExpectedRevision) => {
            if (this.armedFor !== null && events.some((e) => e.type === this.armedFor)) {
              this.armedFor = null;
              this.arrived();
              await this.opened;
            }
            return target.append(streamId, events, expected);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}

describe('reservation races, forced', () => {
  const gate = new Gate();
  const clock = new TestClock(T0);
  let t: TestApp;
  let store: EventStore;
  let staff: Person;
  let otherStaff: Person;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    store = createEventStore({ dataDir, synchronous: 'NORMAL' });
    t = await startTestApp({ DATA_DIR: dataDir }, { eventStore: gate.wrap(store), clock });
    staff = await person(t, 'staff', 'staff-1');
    otherStaff = await person(t, 'staff', 'staff-2');
  });
  beforeEach(() => clock.set(T0));
  afterAll(async () => {
    const readStore = t.app.get<ReadStore>(READ_STORE);
    await t.close({ keepData: true });
    await readStore.close();
    await store.close();
  });

  const register = async () => (await post(t, staff, '/mentors', mentorBody())).body.mentorId as string;
  const enrol = async () => (await post(t, staff, '/students', enrolment('self_funded'))).body.studentId as string;
  const typesOf = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.type);
  const dataOf = (streamId: string, type: string) => firstDataOf(store, streamId, type);
  const caseloadOf = (mentorId: string) => caseloadIn(store, mentorId);
  /** The releases the answers set off are stored. */
  const settled = () => reactionsSettled(t);
  /** The grace period is over: the reconciler checks the reservations, lapses and releases those no fact consumed. */
  const reconciled = () => tickReactorsAt(t, reactorRunnerOf(t), clock, GRACE_OVER);

  it('R9: an assignment that loses its race to the same assignment keeps the shared caseload slot', async () => {
    const [mentorId, studentId] = [await register(), await enrol()];
    gate.arm('StudentAssigned');
    const first = post(t, staff, `/students/${studentId}/assignment`, { mentorId });
    await gate.reached; // the first request reserved the slot and waits to append StudentAssigned
    const second = await post(t, otherStaff, `/students/${studentId}/assignment`, { mentorId });
    expect(outcome(second)).toEqual({ status: 201, events: ['StudentAssigned'] });
    gate.open();
    expect(outcome(await first)).toEqual({ status: 200, events: [] });
    await settled();

    expect(await typesOf(`student-${studentId}`)).toEqual(['StudentEnrolled', 'StudentAssigned']);
    // The winner consumed the reservation the first request had taken: one reservation, shared.
    const { reservationId } = await dataOf(`student-${studentId}`, 'StudentAssigned');
    expect(await eventsOf(store, `mentor-${mentorId}`)).toEqual([
      { type: 'MentorRegistered', data: expect.objectContaining({ mentorId }) },
      { type: 'CaseloadSlotReserved', data: { mentorId, studentId, reservationId, reservedAt: T0 } },
    ]);
    // Consumed: the reconciler leaves it.
    expect(await reconciled()).toEqual({ performed: [{ id: `reservations:caseload:${reservationId}`, kind: 'reservation-check', outcome: 'consumed' }], failed: [] });
    expect(await typesOf(`mentor-${mentorId}`)).toEqual(['MentorRegistered', 'CaseloadSlotReserved']);
    expect(await caseloadOf(mentorId)).toEqual([studentId]);
  });

  it('R8/R9: a change of mentor that loses its race to the same change keeps the new mentor’s slot', async () => {
    const [from, to, studentId] = [await register(), await register(), await enrol()];
    expect(outcome(await post(t, staff, `/students/${studentId}/assignment`, { mentorId: from }))).toEqual({ status: 201, events: ['StudentAssigned'] });
    gate.arm('MentorChanged');
    const body = { mentorId: to, fromMentorId: from, reason: 'Time zone' };
    const first = post(t, staff, `/students/${studentId}/mentor-change`, body);
    await gate.reached;
    const second = await post(t, otherStaff, `/students/${studentId}/mentor-change`, body);
    expect(outcome(second)).toEqual({ status: 201, events: ['MentorChanged'] });
    gate.open();
    expectProblem(await first, 409, 'R8_same_mentor');
    await settled();

    const { reservationId, previousReservationId } = await dataOf(`student-${studentId}`, 'MentorChanged');
    expect(previousReservationId).toBe((await dataOf(`student-${studentId}`, 'StudentAssigned')).reservationId);
    expect((await eventsOf(store, `mentor-${to}`)).slice(1)).toEqual([{ type: 'CaseloadSlotReserved', data: { mentorId: to, studentId, reservationId, reservedAt: T0 } }]);
    // The previous mentor's slot is given back by the reservations process, once.
    expect((await eventsOf(store, `mentor-${from}`)).slice(1)).toEqual([
      { type: 'CaseloadSlotReserved', data: { mentorId: from, studentId, reservationId: previousReservationId, reservedAt: T0 } },
      { type: 'CaseloadSlotReleased', data: { mentorId: from, studentId, reservationId: previousReservationId, reason: 'mentor_changed', releasedAt: T0 } },
    ]);
    const report = await reconciled();
    expect(report.failed).toEqual([]);
    expect(report.performed.map((p) => [p.id, p.outcome]).sort()).toEqual(
      [
        [`reservations:caseload:${previousReservationId}`, 'already_released'],
        [`reservations:caseload:${reservationId}`, 'consumed'],
      ].sort(),
    );
    expect(await typesOf(`mentor-${to}`)).toEqual(['MentorRegistered', 'CaseloadSlotReserved']);
    expect([await caseloadOf(from), await caseloadOf(to)]).toEqual([[], [studentId]]);
  });

  it('a change that loses its race to a different change keeps its reservation until the reconciler lapses and releases it', async () => {
    const [from, b, c, studentId] = [await register(), await register(), await register(), await enrol()];
    await post(t, staff, `/students/${studentId}/assignment`, { mentorId: from });
    gate.arm('MentorChanged');
    const first = post(t, staff, `/students/${studentId}/mentor-change`, { mentorId: b, fromMentorId: from, reason: 'x' }, { 'x-correlation-id': 'lost-change' });
    await gate.reached; // the first request reserved on b and waits to append MentorChanged
    expect(outcome(await post(t, otherStaff, `/students/${studentId}/mentor-change`, { mentorId: c, fromMentorId: from, reason: 'y' }))).toEqual({
      status: 201,
      events: ['MentorChanged'],
    });
    gate.open();
    const lost = await first;
    expectProblem(lost, 409, 'mentor_changed_meanwhile');
    expect(lost.body.details).toEqual({ currentMentorId: c });
    await settled();

    // The loser gave nothing back: its reservation on b stays, unconsumed; c holds the student.
    const { reservationId, previousReservationId } = await dataOf(`student-${studentId}`, 'MentorChanged');
    expect((await eventsOf(store, `mentor-${c}`)).slice(1)).toEqual([{ type: 'CaseloadSlotReserved', data: { mentorId: c, studentId, reservationId, reservedAt: T0 } }]);
    const onB = (await eventsOf(store, `mentor-${b}`)).slice(1);
    expect(onB).toEqual([{ type: 'CaseloadSlotReserved', data: { mentorId: b, studentId, reservationId: expect.any(String), reservedAt: T0 } }]);
    const lostReservation = (onB[0].data as { reservationId: string }).reservationId;
    expect(lostReservation).not.toBe(reservationId);
    expect(await caseloadOf(b)).toEqual([studentId]);
    expect(await caseloadOf(from)).toEqual([]);

    // Before the grace period is over, the reconciler does nothing.
    expect(await tickReactorsAt(t, reactorRunnerOf(t), clock, '2027-03-01T08:01:59.000Z')).toEqual({ performed: [], failed: [] });
    expect(await caseloadOf(b)).toEqual([studentId]);

    // After it: voided on the student's stream first, then released.
    const report = await reconciled();
    expect(report.failed).toEqual([]);
    expect(report.performed.map((p) => [p.id, p.outcome]).sort()).toEqual(
      [
        [`reservations:caseload:${previousReservationId}`, 'already_released'],
        [`reservations:caseload:${reservationId}`, 'consumed'],
        [`reservations:caseload:${lostReservation}`, 'lapsed_and_released'],
      ].sort(),
    );
    expect((await eventsOf(store, `student-${studentId}`)).slice(-2)).toEqual([
      { type: 'MentorChanged', data: expect.objectContaining({ fromMentorId: from, toMentorId: c, reservationId }) },
      { type: 'ReservationLapsed', data: { studentId, kind: 'caseload', mentorId: b, reservationId: lostReservation, lapsedAt: GRACE_OVER } },
    ]);
    expect((await eventsOf(store, `mentor-${b}`)).slice(1)).toEqual([
      { type: 'CaseloadSlotReserved', data: { mentorId: b, studentId, reservationId: lostReservation, reservedAt: T0 } },
      { type: 'CaseloadSlotReleased', data: { mentorId: b, studentId, reservationId: lostReservation, reason: 'reservation_lapsed', releasedAt: GRACE_OVER } },
    ]);
    // Both by the reservations process, in the losing request's correlation, caused by the reservation.
    const reserved = (await store.readStream(`mentor-${b}`))[1];
    const lapsed = (await store.readStream(`student-${studentId}`)).pop()!;
    const released = (await store.readStream(`mentor-${b}`)).pop()!;
    expect(reserved.metadata).toMatchObject({ actor: staff.actor, correlationId: 'lost-change' });
    for (const e of [lapsed, released]) {
      expect(e.metadata).toMatchObject({ actor: { id: 'system:reservations', role: 'system' }, correlationId: 'lost-change', causationId: reserved.eventId });
    }
    // Settled, each caseload is the students assigned to the mentor.
    expect([await caseloadOf(from), await caseloadOf(b), await caseloadOf(c)]).toEqual([[], [], [studentId]]);
  });
});
