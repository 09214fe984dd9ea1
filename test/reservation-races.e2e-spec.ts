// The reservation protocol (docs/adr/0002) with a race forced deterministically: the first request's append
// to the student's stream is held back while an identical request completes. Reservations are per student,
// so both requests share one; the one that lost its race must not give back the slot the winner relies on.
import { createEventStore, EventStore, NewEvent, ExpectedRevision } from '@mentoring/event-store';
import type { ReadStore } from '@mentoring/read-store';
import { READ_STORE } from '../apps/api/src/shared/tokens';
import { expectProblem, outcome, Person, person, post } from './support/commands';
import { enrolment, mentorBody, startTestApp, tempDataDir, TestApp } from './support/test-app';

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
  let t: TestApp;
  let store: EventStore;
  let staff: Person;
  let otherStaff: Person;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    store = createEventStore({ dataDir, synchronous: 'NORMAL' });
    t = await startTestApp({ DATA_DIR: dataDir }, { eventStore: gate.wrap(store) });
    staff = await person(t, 'staff', 'staff-1');
    otherStaff = await person(t, 'staff', 'staff-2');
  });
  afterAll(async () => {
    const readStore = t.app.get<ReadStore>(READ_STORE);
    await t.close({ keepData: true });
    await readStore.close();
    await store.close();
  });

  const register = async () => (await post(t, staff, '/mentors', mentorBody())).body.mentorId as string;
  const enrol = async () => (await post(t, staff, '/students', enrolment('self_funded'))).body.studentId as string;
  const typesOf = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.type);

  it('R9: an assignment that loses its race to the same assignment keeps the shared caseload slot', async () => {
    const [mentorId, studentId] = [await register(), await enrol()];
    gate.arm('StudentAssigned');
    const first = post(t, staff, `/students/${studentId}/assignment`, { mentorId });
    await gate.reached; // the first request reserved the slot and waits to append StudentAssigned
    const second = await post(t, otherStaff, `/students/${studentId}/assignment`, { mentorId });
    expect(outcome(second)).toEqual({ status: 201, events: ['StudentAssigned'] });
    gate.open();
    expect(outcome(await first)).toEqual({ status: 200, events: [] });

    expect(await typesOf(`student-${studentId}`)).toEqual(['StudentEnrolled', 'StudentAssigned']);
    expect(await typesOf(`mentor-${mentorId}`)).toEqual(['MentorRegistered', 'CaseloadSlotReserved']);
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

    expect(await typesOf(`mentor-${to}`)).toEqual(['MentorRegistered', 'CaseloadSlotReserved']);
    expect(await typesOf(`mentor-${from}`)).toEqual(['MentorRegistered', 'CaseloadSlotReserved', 'CaseloadSlotReleased']);
  });

  it('a change that loses its race to a different change gives back its own reservation', async () => {
    const [from, b, c, studentId] = [await register(), await register(), await register(), await enrol()];
    await post(t, staff, `/students/${studentId}/assignment`, { mentorId: from });
    gate.arm('MentorChanged');
    const first = post(t, staff, `/students/${studentId}/mentor-change`, { mentorId: b, fromMentorId: from, reason: 'x' });
    await gate.reached;
    expect(outcome(await post(t, otherStaff, `/students/${studentId}/mentor-change`, { mentorId: c, fromMentorId: from, reason: 'y' }))).toEqual({
      status: 201,
      events: ['MentorChanged'],
    });
    gate.open();
    expectProblem(await first, 409, 'mentor_changed_meanwhile');
    expect(await typesOf(`mentor-${b}`)).toEqual(['MentorRegistered', 'CaseloadSlotReserved', 'CaseloadSlotReleased']);
    expect(await typesOf(`mentor-${c}`)).toEqual(['MentorRegistered', 'CaseloadSlotReserved']);
  });
});
