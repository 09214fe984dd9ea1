// Histories for the read-side specifications and benchmarks, produced by the real deciders so that every
// event has exactly the shape the application appends. The sequences the application orchestrates between
// streams (reserve a caseload slot, then assign; reserve on the new mentor, change, release the old one)
// are reproduced here; the mentor's calendar is left out (no read model of this folder follows it).
import {
  Actor,
  createStudentDecider,
  Decider,
  DomainEvent,
  EVENT_SCHEMA_VERSIONS,
  EventType,
  MentorCommand,
  mentorDecider,
  MentorEvent,
  mentorSnapshotOf,
  MentorState,
  StudentCommand,
  StudentDecider,
  StudentEvent,
  StudentState,
} from '@mentoring/domain';
import type { EventStore, NewEvent, RecordedEvent } from '@mentoring/event-store';

export const SCENARIO_STAFF: Actor = { id: 'staff-1', role: 'staff' };
export const SCENARIO_SYSTEM: Actor = { id: 'system', role: 'system' };

/** One command's events: appended to one stream in one call. */
export interface ScenarioBatch {
  streamId: string;
  events: NewEvent[];
}

type Data<C extends { type: string; data: object }, T extends C['type']> = Omit<Extract<C, { type: T }>['data'], 'by'> & { by?: Actor };

export class ReadSideScenario {
  readonly batches: ScenarioBatch[] = [];
  private readonly students = new Map<string, StudentState>();
  private readonly mentors = new Map<string, MentorState>();
  private readonly studentDecider: StudentDecider;
  private sequence = 0;

  constructor(studentDecider: StudentDecider = createStudentDecider()) {
    this.studentDecider = studentDecider;
  }

  private run<C extends { type: string; data: { at: string; by: Actor } }, E extends DomainEvent, S>(
    decider: Decider<any, any, S>,
    states: Map<string, S>,
    streamId: string,
    command: C,
  ): E[] {
    const state = states.get(streamId) ?? decider.initialState;
    const events = decider.decide(command, state) as E[];
    if (events.length === 0) return events;
    states.set(streamId, events.reduce((s, e) => decider.evolve(s, e), state));
    const correlationId = this.uuid();
    this.batches.push({
      streamId,
      events: events.map((e) => ({
        eventId: this.uuid(),
        type: e.type,
        schemaVersion: EVENT_SCHEMA_VERSIONS[e.type as EventType] ?? 1,
        data: e.data,
        metadata: { correlationId, causationId: correlationId, actor: { ...command.data.by }, occurredAt: command.data.at },
      })),
    });
    return events;
  }

  /** A deterministic UUID (v4 layout) per call, so that two runs of a scenario are identical. */
  private uuid(): string {
    this.sequence += 1;
    return `00000000-0000-4000-8000-${this.sequence.toString(16).padStart(12, '0')}`;
  }

  student<T extends StudentCommand['type']>(type: T, data: Data<StudentCommand, T>): StudentEvent[] {
    const command = { type, data: { by: SCENARIO_STAFF, ...data } } as unknown as StudentCommand;
    return this.run(this.studentDecider, this.students, `student-${(command.data as { studentId: string }).studentId}`, command as never);
  }

  mentor<T extends MentorCommand['type']>(type: T, data: Data<MentorCommand, T>): MentorEvent[] {
    const command = { type, data: { by: SCENARIO_STAFF, ...data } } as unknown as MentorCommand;
    return this.run(mentorDecider, this.mentors, `mentor-${(command.data as { mentorId: string }).mentorId}`, command as never);
  }

  studentState(studentId: string): StudentState {
    return this.students.get(`student-${studentId}`) ?? this.studentDecider.initialState;
  }

  mentorState(mentorId: string): MentorState {
    return this.mentors.get(`mentor-${mentorId}`) ?? mentorDecider.initialState;
  }

  /** Remaining capacity of a registered mentor (capacity minus caseload). */
  remaining(mentorId: string): number {
    const state = this.mentorState(mentorId);
    return state.status === 'registered' ? state.profile.capacity - state.caseload.length : 0;
  }

  private enrolment(studentId: string) {
    const state = this.studentState(studentId);
    if (state.status === 'not_enrolled') throw new Error(`student ${studentId} is not enrolled`);
    return state.file.enrolment;
  }

  /** Reserve a slot on the mentor's stream, then assign on the student's (docs/event-catalogue.md, "Assignment"). */
  assign(studentId: string, mentorId: string, at: string, by: Actor = SCENARIO_STAFF): void {
    const { registeredDisability, trainingPath } = this.enrolment(studentId);
    this.mentor('ReserveCaseloadSlot', { mentorId, studentId, studentHasDisability: registeredDisability, trainingPath, at, by });
    const mentor = mentorSnapshotOf(this.mentorState(mentorId), at);
    if (!mentor) throw new Error(`mentor ${mentorId} is not registered`);
    this.student('AssignMentor', { studentId, mentor, at, by });
  }

  /** Reserve on the new mentor, change, release the previous mentor's slot ("Change of mentor"). */
  changeMentor(studentId: string, toMentorId: string, reason: string, at: string, requestId: string | null = null, by: Actor = SCENARIO_STAFF): void {
    const state = this.studentState(studentId);
    if (state.status !== 'active' && state.status !== 'paused') throw new Error(`student ${studentId} has no mentor to change`);
    const fromMentorId = state.mentorship.mentorId;
    const { registeredDisability, trainingPath } = state.file.enrolment;
    this.mentor('ReserveCaseloadSlot', { mentorId: toMentorId, studentId, studentHasDisability: registeredDisability, trainingPath, at, by });
    const mentor = mentorSnapshotOf(this.mentorState(toMentorId), at)!;
    this.student('ChangeMentor', { studentId, mentor, reason, requestId, at, by });
    this.mentor('ReleaseCaseloadSlot', { mentorId: fromMentorId, studentId, reason: 'mentor_changed', at, by: SCENARIO_SYSTEM });
  }

  /** Complete or withdraw, then release the caseload slot as the reactor does ("End of training"). */
  end(studentId: string, how: 'completed' | 'withdrawn', at: string, by: Actor = SCENARIO_STAFF): void {
    const state = this.studentState(studentId);
    const mentorId = state.status === 'active' || state.status === 'paused' ? state.mentorship.mentorId : null;
    if (how === 'completed') this.student('CompleteTraining', { studentId, at, by });
    else this.student('WithdrawFromTraining', { studentId, reason: 'Moved abroad', at, by });
    if (mentorId) {
      this.mentor('ReleaseCaseloadSlot', { mentorId, studentId, reason: how === 'completed' ? 'training_completed' : 'training_withdrawn', at, by: SCENARIO_SYSTEM });
    }
  }

  /** Appends every batch, in order, to a real event store. */
  async appendTo(store: EventStore): Promise<void> {
    for (const batch of this.batches) await store.append(batch.streamId, batch.events, 'any');
  }

  /** The batches as recorded events (revisions per stream, consecutive global positions), without a store. */
  recorded(recordedAt = '2030-01-01T00:00:00.000Z'): RecordedEvent[] {
    const revisions = new Map<string, number>();
    const out: RecordedEvent[] = [];
    let position = 0n;
    for (const batch of this.batches) {
      for (const event of batch.events) {
        const revision = (revisions.get(batch.streamId) ?? -1) + 1;
        revisions.set(batch.streamId, revision);
        position += 1n;
        out.push({ ...event, streamId: batch.streamId, revision, position: { commit: position, prepare: position }, recordedAt });
      }
    }
    return out;
  }
}

// ─── A scripted history: five students, three mentors, every kind of read-side fact ─────────────────────────

/** "Now" for questions about {@link scriptedReadSideHistory}: Monday 9 March 2026, 09:00 UTC. */
export const SCRIPTED_NOW = '2026-03-09T09:00:00.000Z';

export const SCRIPTED_FUNDING = {
  apprenticeship: {
    kind: 'apprenticeship',
    company: { id: 'co-acme', name: 'Acme SA' },
    employer: { id: 'emp-jane', name: 'Jane Employer' },
    tutor: { id: 'tut-tom', name: 'Tom Tutor', email: 'tom@acme.example' },
    rhythm: { studyWeeks: 1, workWeeks: 3 },
    endDate: '2027-02-28',
  },
  social_programme: {
    kind: 'social_programme',
    publicFunder: { id: 'pf-agency', name: 'Regional Employment Agency' },
    cohort: '2026-spring',
    attendanceContractRef: 'contract-778',
    endDate: '2026-09-30',
  },
  employee: {
    kind: 'employee',
    employer: { id: 'emp-globex', name: 'Globex' },
    schedule: 'Tuesdays 09:00-12:00',
    purpose: 'development_plan',
    endDate: '2026-12-31',
  },
  self_funded: { kind: 'self_funded' },
} as const;

/** The people of {@link scriptedReadSideHistory}: what must never appear in an analytics document. */
export const SCRIPTED_PEOPLE = {
  's-appr': { name: 'Alice Apprentice', email: 'alice@students.example', disability: false },
  's-soc': { name: 'Sam Social', email: 'sam@students.example', disability: true },
  's-emp': { name: 'Eve Employee', email: 'eve@students.example', disability: false },
  's-self': { name: 'Sid Self', email: 'sid@students.example', disability: false },
  's-done': { name: 'Dora Done', email: 'dora@students.example', disability: false },
  'm-ava': { name: 'Ava Mentor', email: 'ava@mentors.example', disability: true },
  'm-bo': { name: 'Bo Mentor', email: 'bo@mentors.example', disability: false },
  'm-cy': { name: 'Cy Mentor', email: 'cy@mentors.example', disability: true },
} as const;

/**
 * - `s-appr` (apprenticeship, Acme): assigned to Ava after 2 days, first contact, discovery held with a
 *   10-minute delay, recording sent (no feedback yet), a session on 2 March left without an outcome, a
 *   session booked on 9 March 10:00, and the week of 2 March recorded as a week without a session.
 * - `s-soc` (social programme, disability): assigned to Ava after 4 days, discovery held, then a no-show
 *   and a late cancellation, a follow-up by Ava, a request for another mentor granted: now with Cy.
 * - `s-emp` (employee): waiting for a mentor since 25 February.
 * - `s-self` (self-funded): with Bo; a follow-up resolved, a change request declined, paused.
 * - `s-done` (self-funded): with Bo, discovery held, recording reviewed, completed; Bo's capacity then 1.
 */
export function scriptedReadSideHistory(scenario = new ReadSideScenario()): ReadSideScenario {
  const s = scenario;
  const ava: Actor = { id: 'm-ava', role: 'mentor' };
  const bo: Actor = { id: 'm-bo', role: 'mentor' };
  const registered = '2026-02-01T08:00:00.000Z';
  const mentor = (mentorId: keyof typeof SCRIPTED_PEOPLE, capacity: number) => {
    const p = SCRIPTED_PEOPLE[mentorId];
    s.mentor('RegisterMentor', {
      mentorId,
      name: p.name,
      email: p.email,
      trainingPaths: ['web'],
      capacity,
      disabilityFriendly: p.disability,
      disabilityTrainingCompletedOn: p.disability ? '2025-12-01' : null,
      at: registered,
    });
  };
  const enrol = (studentId: keyof typeof SCRIPTED_PEOPLE, funding: (typeof SCRIPTED_FUNDING)[keyof typeof SCRIPTED_FUNDING], at: string) => {
    const p = SCRIPTED_PEOPLE[studentId];
    s.student('EnrolStudent', {
      studentId,
      name: p.name,
      email: p.email,
      trainingPath: 'web',
      registeredDisability: p.disability,
      startDate: '2026-03-01',
      funding: structuredClone(funding) as never,
      at,
    });
  };
  mentor('m-ava', 3);
  mentor('m-bo', 2);
  mentor('m-cy', 4);

  enrol('s-done', SCRIPTED_FUNDING.self_funded, '2026-02-16T09:00:00.000Z');
  enrol('s-appr', SCRIPTED_FUNDING.apprenticeship, '2026-02-16T10:00:00.000Z');
  enrol('s-soc', SCRIPTED_FUNDING.social_programme, '2026-02-16T11:00:00.000Z');
  s.assign('s-done', 'm-bo', '2026-02-16T12:00:00.000Z');
  enrol('s-self', SCRIPTED_FUNDING.self_funded, '2026-02-17T09:00:00.000Z');
  s.assign('s-self', 'm-bo', '2026-02-17T15:00:00.000Z');
  s.student('BookDiscoverySession', { studentId: 's-done', sessionId: 'sess-done-1', start: '2026-02-18T10:00:00.000Z', at: '2026-02-17T16:00:00.000Z', by: bo });
  s.student('RecordSessionHeld', { studentId: 's-done', sessionId: 'sess-done-1', at: '2026-02-18T10:31:00.000Z', by: bo });
  s.student('SubmitFirstSessionRecording', { studentId: 's-done', sessionId: 'sess-done-1', recordingUrl: 'https://recordings.example/done-1', at: '2026-02-18T12:00:00.000Z', by: bo });
  s.student('GiveFirstSessionFeedback', { studentId: 's-done', sessionId: 'sess-done-1', feedback: 'Clear and warm.', at: '2026-02-19T09:00:00.000Z' });
  s.end('s-done', 'completed', '2026-02-20T09:00:00.000Z');
  s.mentor('ChangeMentorCapacity', { mentorId: 'm-bo', capacity: 1, at: '2026-02-21T09:00:00.000Z' });

  s.assign('s-appr', 'm-ava', '2026-02-18T10:00:00.000Z');
  s.student('RecordFirstContact', { studentId: 's-appr', at: '2026-02-19T09:00:00.000Z', by: ava });
  s.student('BookDiscoverySession', { studentId: 's-appr', sessionId: 'sess-appr-1', start: '2026-02-23T10:00:00.000Z', at: '2026-02-19T09:05:00.000Z', by: ava });
  s.assign('s-soc', 'm-ava', '2026-02-20T11:00:00.000Z');
  s.student('RecordFirstContact', { studentId: 's-soc', at: '2026-02-20T12:00:00.000Z', by: ava });
  s.student('BookDiscoverySession', { studentId: 's-soc', sessionId: 'sess-soc-1', start: '2026-02-24T10:00:00.000Z', at: '2026-02-20T12:05:00.000Z', by: ava });
  s.student('RecordSessionHeld', { studentId: 's-appr', sessionId: 'sess-appr-1', at: '2026-02-23T10:50:00.000Z', by: ava });
  s.student('RecordSubstantialDelay', { studentId: 's-appr', sessionId: 'sess-appr-1', delayMinutes: 10, at: '2026-02-23T11:00:00.000Z', by: ava });
  s.student('SubmitFirstSessionRecording', { studentId: 's-appr', sessionId: 'sess-appr-1', recordingUrl: 'https://recordings.example/appr-1', at: '2026-02-23T12:00:00.000Z', by: ava });
  s.student('BookSession', { studentId: 's-appr', sessionId: 'sess-appr-2', start: '2026-03-02T10:00:00.000Z', at: '2026-02-23T12:05:00.000Z', by: ava });
  s.student('BookSession', { studentId: 's-appr', sessionId: 'sess-appr-3', start: '2026-03-09T10:00:00.000Z', at: '2026-02-23T12:06:00.000Z', by: ava });
  s.student('RequestFollowUp', { studentId: 's-self', followUpId: 'f-self-1', reason: 'unresponsive_student', note: null, at: '2026-02-24T09:00:00.000Z', by: bo });
  s.student('RecordSessionHeld', { studentId: 's-soc', sessionId: 'sess-soc-1', at: '2026-02-24T10:46:00.000Z', by: ava });
  s.student('BookSession', { studentId: 's-soc', sessionId: 'sess-soc-2', start: '2026-02-26T10:00:00.000Z', at: '2026-02-24T11:00:00.000Z', by: ava });
  enrol('s-emp', SCRIPTED_FUNDING.employee, '2026-02-25T09:00:00.000Z');
  s.student('ResolveFollowUp', { studentId: 's-self', followUpId: 'f-self-1', resolution: 'Called him: all fine', at: '2026-02-25T09:00:00.000Z' });
  s.student('RequestMentorChange', { studentId: 's-self', requestId: 'r-self-1', reason: 'Prefers mornings', at: '2026-02-25T10:00:00.000Z', by: { id: 's-self', role: 'student' } });
  s.student('RecordSessionNoShow', { studentId: 's-soc', sessionId: 'sess-soc-2', at: '2026-02-26T10:20:00.000Z', by: ava });
  s.student('DeclineMentorChangeRequest', { studentId: 's-self', requestId: 'r-self-1', reason: 'No mentor free in the mornings', at: '2026-02-26T10:00:00.000Z' });
  s.student('BookSession', { studentId: 's-soc', sessionId: 'sess-soc-3', start: '2026-02-27T15:00:00.000Z', at: '2026-02-26T11:00:00.000Z', by: ava });
  s.student('CancelSession', { studentId: 's-soc', sessionId: 'sess-soc-3', reason: 'student_less_than_24h', at: '2026-02-27T09:00:00.000Z', by: { id: 's-soc', role: 'student' } });
  s.student('RequestFollowUp', { studentId: 's-soc', followUpId: 'f-soc-1', reason: 'missed_sessions', note: 'Two sessions missed this week', at: '2026-02-27T10:00:00.000Z', by: ava });
  s.student('RequestMentorChange', { studentId: 's-soc', requestId: 'r-soc-1', reason: 'Time zone', at: '2026-02-27T11:00:00.000Z', by: { id: 's-soc', role: 'student' } });
  s.student('PauseTraining', { studentId: 's-self', reason: 'Exams at work', at: '2026-02-27T10:00:00.000Z', by: { id: 's-self', role: 'student' } });
  s.changeMentor('s-soc', 'm-cy', 'Time zone', '2026-02-28T09:00:00.000Z', 'r-soc-1');
  s.student('RecordWeekWithoutSession', { studentId: 's-appr', weekStart: '2026-03-02', at: '2026-03-09T08:00:00.000Z', by: SCENARIO_SYSTEM });
  return s;
}
