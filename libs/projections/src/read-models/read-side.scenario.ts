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
  remainingCapacity,
  MentorState,
  StudentCommand,
  StudentDecider,
  StudentEvent,
  StudentState,
} from '@mentoring/domain';
import type { EventStore, NewEvent, RecordedEvent } from '@mentoring/event-store';

/** Scenario commands may leave the calendar slot out: the scenario names one. */
type WithOptionalSlot<D> = D extends { slotId: string } ? Omit<D, 'slotId'> & { slotId?: string } : D;

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

  /** Bookings and reschedules without a `slotId` consume `slot-<sessionId>[-<n>]` (the scenario keeps no calendar). */
  student<T extends StudentCommand['type']>(type: T, data: WithOptionalSlot<Data<StudentCommand, T>>): StudentEvent[] {
    const slotted = type === 'BookDiscoverySession' || type === 'BookSession' || type === 'RescheduleSession';
    const slotId = slotted && !('slotId' in data) ? { slotId: `slot-${(data as unknown as { sessionId: string }).sessionId}-${this.sequence}` } : {};
    const command = { type, data: { by: SCENARIO_STAFF, ...slotId, ...data } } as unknown as StudentCommand;
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
    return state.status === 'registered' ? remainingCapacity(state) : 0;
  }

  private enrolment(studentId: string) {
    const state = this.studentState(studentId);
    if (state.status === 'not_enrolled') throw new Error(`student ${studentId} is not enrolled`);
    return state.file.enrolment;
  }

  /** Reserve a slot on the mentor's stream, then assign on the student's (docs/event-catalogue.md, "Assignment"). */
  assign(studentId: string, mentorId: string, at: string, by: Actor = SCENARIO_STAFF): void {
    const { registeredDisability, trainingPath } = this.enrolment(studentId);
    const reservationId = `res-${mentorId}-${studentId}-${this.sequence}`;
    this.mentor('ReserveCaseloadSlot', { mentorId, studentId, reservationId, studentHasDisability: registeredDisability, trainingPath, at, by });
    const mentor = mentorSnapshotOf(this.mentorState(mentorId), at);
    if (!mentor) throw new Error(`mentor ${mentorId} is not registered`);
    this.student('AssignMentor', { studentId, mentor, reservationId, at, by });
  }

  /** Reserve on the new mentor, change, release the previous mentor's slot ("Change of mentor"). */
  changeMentor(studentId: string, toMentorId: string, reason: string, at: string, requestId: string | null = null, by: Actor = SCENARIO_STAFF): void {
    const state = this.studentState(studentId);
    if (state.status !== 'active' && state.status !== 'paused') throw new Error(`student ${studentId} has no mentor to change`);
    const { mentorId: fromMentorId, reservationId: previous } = state.mentorship;
    const { registeredDisability, trainingPath } = state.file.enrolment;
    const reservationId = `res-${toMentorId}-${studentId}-${this.sequence}`;
    this.mentor('ReserveCaseloadSlot', { mentorId: toMentorId, studentId, reservationId, studentHasDisability: registeredDisability, trainingPath, at, by });
    const mentor = mentorSnapshotOf(this.mentorState(toMentorId), at)!;
    this.student('ChangeMentor', { studentId, mentor, reservationId, reason, requestId, at, by });
    this.mentor('ReleaseCaseloadSlot', { mentorId: fromMentorId, reservationId: previous, reason: 'mentor_changed', at, by: SCENARIO_SYSTEM });
  }

  /** Complete or withdraw, then release the caseload slot as the reactor does ("End of training"). */
  end(studentId: string, how: 'completed' | 'withdrawn', at: string, by: Actor = SCENARIO_STAFF): void {
    const state = this.studentState(studentId);
    const mentorship = state.status === 'active' || state.status === 'paused' ? state.mentorship : null;
    if (how === 'completed') this.student('CompleteTraining', { studentId, at, by });
    else this.student('WithdrawFromTraining', { studentId, reason: 'Moved abroad', at, by });
    if (mentorship) {
      const { mentorId, reservationId } = mentorship;
      this.mentor('ReleaseCaseloadSlot', { mentorId, reservationId, reason: how === 'completed' ? 'training_completed' : 'training_withdrawn', at, by: SCENARIO_SYSTEM });
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
  's-appr': { name: 'Alice Martin', email: 'alice.martin@students.example', disability: false },
  's-soc': { name: 'Samir Haddou', email: 'samir.haddou@students.example', disability: true },
  's-emp': { name: 'Eve Lindgren', email: 'eve.lindgren@students.example', disability: false },
  's-self': { name: 'Sidney Brooks', email: 'sidney.brooks@students.example', disability: false },
  's-done': { name: 'Dora Kowal', email: 'dora.kowal@students.example', disability: false },
  'm-ava': { name: 'Ava Moreno', email: 'ava.moreno@mentors.example', disability: true },
  'm-bo': { name: 'Boris Ivanov', email: 'boris.ivanov@mentors.example', disability: false },
  'm-cy': { name: 'Cyril Leroux', email: 'cyril.leroux@mentors.example', disability: true },
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

// ─── A generated history: a realistic mix for benchmarks and property-style checks ──────────────────────────

export interface GeneratedHistoryOptions {
  students: number;
  /** Same seed, same history (event ids included). */
  seed?: number;
  /** Students per mentor on average (capacity is drawn around it). Default 20. */
  studentsPerMentor?: number;
  /** Weeks of history before `now`. Default 12. */
  weeks?: number;
}

export interface GeneratedHistory {
  scenario: ReadSideScenario;
  /** The instant the history ends: ask the dashboards "now". */
  now: string;
  mentorIds: string[];
  studentIds: string[];
  /** Names and e-mails of everyone, keyed by id (for personal-data scans). */
  people: Record<string, { name: string; email: string }>;
  /** Funder ids (companies, employers, public funders) and the cohorts of social programmes. */
  funderIds: string[];
  tutorIds: string[];
}

/** mulberry32: a small seeded PRNG, so that generated histories are reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Name parts with letters outside a–f, so that none can occur by chance inside a hexadecimal id.
const FIRST = ['Olivia', 'Noah', 'Liam', 'Sofia', 'Yusuf', 'Mila', 'Kwame', 'Ines', 'Tomasz', 'Priya', 'Jonas', 'Lucia', 'Hiroshi', 'Zoe', 'Ravi', 'Marta'];
const LAST = ['Novak', 'Silva', 'Okoro', 'Jensen', 'Moreau', 'Kowalski', 'Tanaka', 'Rossi', 'Haddad', 'Murphy', 'Santos', 'Lindqvist', 'Nguyen', 'Petrov'];
const PATHS = ['web', 'data'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK_MS = 7 * DAY;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `students` students over `weeks` weeks: a mix of the four profiles (35 % apprentices, 25 % employees,
 * 20 % social programme in four cohorts, 20 % self-funded; 8 % with a registered disability), waits for a
 * mentor from hours to three weeks (some still waiting), first contacts, discovery sessions, weekly
 * sessions held, missed, cancelled in time or late, substantial delays, weeks without a session, first-
 * session recordings and feedback, follow-ups, change requests (granted or declined), pauses, completions
 * and withdrawals. Every event comes from the real deciders.
 */
export function generatedReadSideHistory(options: GeneratedHistoryOptions): GeneratedHistory {
  const rand = random(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const chance = (p: number) => rand() < p;
  const weeks = options.weeks ?? 12;
  const start = Date.parse('2026-01-05T08:00:00.000Z');
  // Weeks are counted from Monday 00:00 UTC, as the domain counts them.
  const monday = Date.parse('2026-01-05T00:00:00.000Z');
  const now = start + weeks * WEEK_MS + HOUR;
  const s = new ReadSideScenario();
  const people: GeneratedHistory['people'] = {};
  const system = SCENARIO_SYSTEM;

  // Mentors: capacity around studentsPerMentor / 0.8, a third disability-friendly, both paths.
  const perMentor = options.studentsPerMentor ?? 20;
  const mentorCount = Math.max(3, Math.ceil(options.students / perMentor));
  const mentorIds: string[] = [];
  const friendly = new Set<string>();
  for (let i = 0; i < mentorCount; i++) {
    const mentorId = `mentor-${String(i + 1).padStart(4, '0')}`;
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    const email = `${name.toLowerCase().replace(' ', '.')}.${i + 1}@mentors.example`;
    const isFriendly = i % 3 === 0;
    if (isFriendly) friendly.add(mentorId);
    s.mentor('RegisterMentor', {
      mentorId,
      name,
      email,
      trainingPaths: PATHS,
      capacity: Math.max(2, Math.round((perMentor / 0.8) * (0.6 + rand() * 0.8))),
      disabilityFriendly: isFriendly,
      disabilityTrainingCompletedOn: isFriendly ? '2025-11-03' : null,
      at: iso(start - 30 * DAY),
    });
    mentorIds.push(mentorId);
    people[mentorId] = { name, email };
  }
  let cursor = 0;
  const findMentor = (disability: boolean, except: string | null, at: string): string | null => {
    for (let tries = 0; tries < mentorIds.length; tries++) {
      const mentorId = mentorIds[(cursor + tries) % mentorIds.length];
      if (mentorId === except || (disability && !friendly.has(mentorId)) || s.remaining(mentorId) <= 0) continue;
      const snapshot = mentorSnapshotOf(s.mentorState(mentorId), at);
      if (!snapshot?.active) continue;
      cursor = (cursor + tries + 1) % mentorIds.length;
      return mentorId;
    }
    return null;
  };

  const companies = Array.from({ length: 40 }, (_, i) => ({ id: `company-${i + 1}`, name: `Company ${i + 1} Ltd` }));
  const employers = Array.from({ length: 30 }, (_, i) => ({ id: `employer-${i + 1}`, name: `Employer ${i + 1} plc` }));
  const publicFunders = [
    { id: 'funder-north', name: 'Northern Employment Agency' },
    { id: 'funder-south', name: 'Southern Skills Fund' },
  ];
  const cohorts = ['2026-winter', '2026-spring', '2025-autumn', '2026-summer'];
  const tutorIds = new Set<string>();
  const studentIds: string[] = [];

  for (let i = 0; i < options.students; i++) {
    const studentId = `student-${String(i + 1).padStart(6, '0')}`;
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    const email = `${name.toLowerCase().replace(' ', '.')}.${i + 1}@students.example`;
    people[studentId] = { name, email };
    studentIds.push(studentId);
    const enrolledMs = start + Math.floor(rand() * (weeks * WEEK_MS - DAY));
    const startDate = iso(enrolledMs).slice(0, 10);
    const endDate = `${Number(startDate.slice(0, 4)) + 1}${startDate.slice(4)}`;
    const p = rand();
    let funding: Record<string, unknown>;
    if (p < 0.35) {
      const company = pick(companies);
      const tutor = { id: `tutor-${company.id}-${1 + Math.floor(rand() * 3)}`, name: `Tutor of ${company.name}`, email: `tutor@${company.id}.example` };
      tutorIds.add(tutor.id);
      funding = { kind: 'apprenticeship', company, employer: company, tutor, rhythm: { studyWeeks: 1, workWeeks: 3 }, endDate };
    } else if (p < 0.6) {
      funding = { kind: 'employee', employer: pick(employers), schedule: 'Tuesdays 09:00-12:00', purpose: 'development_plan', endDate };
    } else if (p < 0.8) {
      funding = { kind: 'social_programme', publicFunder: pick(publicFunders), cohort: pick(cohorts), attendanceContractRef: `contract-${i + 1}`, endDate };
    } else {
      funding = { kind: 'self_funded' };
    }
    const disability = chance(0.08);
    s.student('EnrolStudent', {
      studentId,
      name,
      email,
      trainingPath: pick(PATHS),
      registeredDisability: disability,
      startDate,
      funding: funding as never,
      at: iso(enrolledMs),
    });

    // Waiting for a mentor: from 2 hours to 3 weeks, skewed short; 4 % are not assigned yet.
    const assignedMs = enrolledMs + 2 * HOUR + Math.floor(rand() * rand() * 21 * DAY);
    if (chance(0.04) || assignedMs > now - HOUR) continue;
    let mentorId = findMentor(disability, null, iso(assignedMs));
    if (!mentorId) continue;
    s.assign(studentId, mentorId, iso(assignedMs));

    // The story's end: a change of mentor, a pause, a completion, a withdrawal, or now.
    const selfFunded = funding.kind === 'self_funded';
    const obligatory = !selfFunded;
    const sessionMinutes = selfFunded ? 30 : 45;
    let phaseStart = assignedMs;
    for (let phase = 0; phase < 2 && mentorId; phase++) {
      const mentor: Actor = { id: mentorId, role: 'mentor' };
      const student: Actor = { id: studentId, role: 'student' };
      const r = rand();
      const phaseEndKind = phase === 0 && r < 0.05 ? 'change' : r < 0.09 ? 'completed' : r < 0.12 ? 'withdrawn' : selfFunded && r < 0.2 ? 'paused' : 'now';
      const phaseEnd = phaseEndKind === 'now' ? now : Math.min(now, phaseStart + (10 + Math.floor(rand() * 40)) * DAY);
      const actions: Array<{ at: number; run: () => void }> = [];
      const act = (at: number, run: () => void) => {
        if (at < phaseEnd && at < now) actions.push({ at, run });
      };
      const contactMs = phaseStart + 2 * HOUR + Math.floor(rand() * 4 * DAY);
      if (chance(0.9)) act(contactMs, () => s.student('RecordFirstContact', { studentId, at: iso(contactMs), by: mentor }));
      else if (chance(0.6)) {
        const f = contactMs + 5 * DAY;
        act(f, () => s.student('RequestFollowUp', { studentId, followUpId: `fu-${studentId}-${phase}`, reason: 'unresponsive_student', note: null, at: iso(f), by: mentor }));
        if (chance(0.5)) act(f + 2 * DAY, () => s.student('ResolveFollowUp', { studentId, followUpId: `fu-${studentId}-${phase}`, resolution: 'Reached by phone', at: iso(f + 2 * DAY) }));
      }
      const held = new Set<number>();
      if (chance(0.88)) {
        // Discovery session, then weekly sessions until the end of the phase.
        const bookedMs = contactMs + HOUR;
        let sessionMs = Math.floor((bookedMs + (1 + Math.floor(rand() * 6)) * DAY) / HOUR) * HOUR;
        let n = 0;
        let bookAt = bookedMs;
        while (sessionMs < phaseEnd + 7 * DAY && n < 30) {
          const sessionId = `${studentId}-p${phase}-s${n}`;
          const discovery = n === 0;
          const at0 = bookAt;
          const start0 = sessionMs;
          if (at0 >= phaseEnd || at0 >= now) break;
          act(at0, () => s.student(discovery ? 'BookDiscoverySession' : 'BookSession', { studentId, sessionId, start: iso(start0), at: iso(at0), by: mentor }));
          const endMs = start0 + sessionMinutes * 60_000;
          const o = rand();
          let heldIt = false;
          if (start0 > now || start0 > phaseEnd) break; // the next session, booked
          if (now - start0 < 3 * DAY && o < 0.1) {
            // Past, outcome not recorded yet.
          } else if (o < (discovery ? 0.9 : 0.84) || (discovery && o >= 0.96 && start0 - 48 * HOUR <= at0)) {
            heldIt = true;
            if (chance(0.03)) act(start0 + 5 * 60_000, () => s.student('RecordSubstantialDelay', { studentId, sessionId, delayMinutes: 5 + Math.floor(rand() * 5), at: iso(start0 + 5 * 60_000), by: mentor }));
            act(endMs + 5 * 60_000, () => s.student('RecordSessionHeld', { studentId, sessionId, at: iso(endMs + 5 * 60_000), by: mentor }));
            if (discovery && chance(0.8)) {
              const sent = endMs + 2 * HOUR;
              act(sent, () => s.student('SubmitFirstSessionRecording', { studentId, sessionId, recordingUrl: `https://recordings.example/${sessionId}`, at: iso(sent), by: mentor }));
              if (chance(0.6)) act(sent + DAY, () => s.student('GiveFirstSessionFeedback', { studentId, sessionId, feedback: 'Good structure; ask more open questions.', at: iso(sent + DAY) }));
            }
          } else if (o < (discovery ? 0.96 : 0.92)) {
            act(start0 + 20 * 60_000, () => s.student('RecordSessionNoShow', { studentId, sessionId, at: iso(start0 + 20 * 60_000), by: mentor }));
            if (discovery) break; // rebooking a missed discovery session is left out
          } else if (o < (discovery ? 1 : 0.96) && !discovery) {
            act(start0 - 6 * HOUR, () => s.student('CancelSession', { studentId, sessionId, reason: 'student_less_than_24h', at: iso(start0 - 6 * HOUR), by: student }));
          } else {
            act(start0 - 48 * HOUR, () => s.student('CancelSession', { studentId, sessionId, reason: 'student_more_than_24h', at: iso(start0 - 48 * HOUR), by: student }));
            if (discovery) break;
          }
          if (heldIt) held.add(Math.floor((start0 - monday) / WEEK_MS));
          n += 1;
          bookAt = start0 + HOUR;
          sessionMs = start0 + 7 * DAY;
        }
      }
      // Obligatory attendance: most whole weeks of this mentorship without a held session are recorded.
      if (obligatory) {
        const firstWeek = Math.ceil((phaseStart - monday) / WEEK_MS);
        for (let w = firstWeek; monday + (w + 1) * WEEK_MS <= Math.min(phaseEnd, now); w++) {
          const weekStartMs = monday + w * WEEK_MS;
          if (held.has(w) || weekStartMs < Date.parse(`${startDate}T00:00:00Z`) || !chance(0.7)) continue;
          const at = weekStartMs + WEEK_MS + HOUR;
          act(at, () => s.student('RecordWeekWithoutSession', { studentId, weekStart: iso(weekStartMs).slice(0, 10), at: iso(at), by: system }));
        }
      }
      if (chance(0.05)) {
        const f = phaseStart + 12 * DAY;
        act(f, () => s.student('RequestFollowUp', { studentId, followUpId: `fu2-${studentId}-${phase}`, reason: 'missed_sessions', note: 'Missed two sessions', at: iso(f), by: mentor }));
      }
      if (phaseEndKind !== 'change' && chance(0.03)) {
        const r0 = phaseStart + 8 * DAY;
        act(r0, () => s.student('RequestMentorChange', { studentId, requestId: `req-${studentId}`, reason: 'Other availability', at: iso(r0), by: student }));
        if (chance(0.5)) act(r0 + DAY, () => s.student('DeclineMentorChangeRequest', { studentId, requestId: `req-${studentId}`, reason: 'No other mentor available', at: iso(r0 + DAY) }));
      }
      actions.sort((a, b) => a.at - b.at);
      for (const action of actions) action.run();
      if (phaseEnd >= now) break;
      const endAt = iso(phaseEnd);
      if (phaseEndKind === 'change') {
        const requestId = chance(0.7) ? `req-change-${studentId}` : null;
        if (requestId) s.student('RequestMentorChange', { studentId, requestId, reason: 'Personal fit', at: iso(phaseEnd - DAY), by: student });
        const next = findMentor(disability, mentorId, endAt);
        if (!next) break;
        s.changeMentor(studentId, next, 'Personal fit', endAt, requestId);
        mentorId = next;
        phaseStart = phaseEnd;
        continue;
      }
      if (phaseEndKind === 'paused') s.student('PauseTraining', { studentId, reason: 'Busy month', at: endAt, by: student });
      else if (phaseEndKind === 'completed' || phaseEndKind === 'withdrawn') s.end(studentId, phaseEndKind, endAt);
      break;
    }
  }
  return {
    scenario: s,
    now: iso(now),
    mentorIds,
    studentIds,
    people,
    funderIds: [...companies.map((c) => c.id), ...employers.map((e) => e.id), ...publicFunders.map((f) => f.id)],
    tutorIds: [...tutorIds].sort(),
  };
}
