// Who may do what, as ONE table (issue 10): operation × role × relation (own: the actor is the student,
// their mentor, tutor or funder, or the mentor or funder the path names; other: someone else of that role;
// any: the relation does not matter) → the exact status, and the code of a 403 or 404. The policy:
// - a read hides what the reader may not see with 404, exactly as if it did not exist;
// - a command on something that exists but that the actor's role or relation may not change is 403;
// - a route closed to a whole role is 403 role_not_allowed (whatever the relation).
// Every operation of the served document must have rows for the 8 roles: a new operation without rows
// fails the test. Reads run against one set of real data; every command cell gets fresh data (a mentor and
// a student of its own, in the state the command needs) with a valid body, so what is checked is the
// authorisation, not the validation or the state.
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { outcome, Person, person, post, TestClock } from './support/commands';
import { ContractViolation } from './support/openapi-validator';
import { fillPath, operationsOf, servedSpec, SpecOperation } from './support/spec-operations';
import type { ProjectionRunner } from '@mentoring/projections';
import { PROJECTION_RUNNER } from '../apps/api/src/shared/tokens';

const ROLES = ['student', 'mentor', 'staff', 'admin', 'tutor', 'funder', 'auditor', 'analyst'] as const;
type Role = (typeof ROLES)[number];
type Rel = 'own' | 'other' | 'any';
type Profile = 'apprenticeship' | 'employee' | 'social_programme' | 'self_funded';

/** One cell: `status` exactly, and `code` for a 403 or 404. `profile`: the student's funding profile (default apprenticeship). */
interface Row {
  op: string;
  as: Role;
  rel: Rel;
  status: number;
  code?: string;
  profile?: Profile;
}

// ---------------------------------------------------------------------------------------------------------
// THE TABLE. Per operation, per role: an expectation ('201', '403 role_not_allowed', '404 student_not_found'),
// or { own, other } where the relation decides. A plain expectation on a route whose path names a student
// (or a mentor, a funder) is expanded to both relations for the roles that can have one, so that a route
// closed to a role is checked for its own students too.
// ---------------------------------------------------------------------------------------------------------
const CLOSED = '403 role_not_allowed';
type Cell = string | { own: string; other: string };
const staffCommand = (ok = '201'): Record<Role, Cell> => ({ staff: ok, admin: ok, student: CLOSED, mentor: CLOSED, tutor: CLOSED, funder: CLOSED, auditor: CLOSED, analyst: CLOSED });
/** The student's mentor and staff. */
const mentorOrStaff = (): Record<Role, Cell> => ({ ...staffCommand(), mentor: { own: '201', other: '403 not_the_students_mentor' } });
/** The student themself and staff. */
const studentOrStaff = (): Record<Role, Cell> => ({ ...staffCommand(), student: { own: '201', other: '403 not_the_student' } });
/** The student, their mentor, staff. */
const sessionParties = (): Record<Role, Cell> => ({ ...mentorOrStaff(), student: { own: '201', other: '403 not_the_student' } });
/** That mentor and staff. */
const mentorProfile = (): Record<Role, Cell> => ({ ...staffCommand(), mentor: { own: '201', other: '403 not_own_mentor_profile' } });
const read = (who: Partial<Record<Role, Cell>>): Record<Role, Cell> => ({
  student: CLOSED, mentor: CLOSED, staff: '200', admin: '200', tutor: CLOSED, funder: CLOSED, auditor: CLOSED, analyst: CLOSED, ...who,
});
const adminOnly = (ok: string): Record<Role, Cell> => ({ ...read({}), staff: CLOSED, admin: ok });

const TABLE_BY_OPERATION: Record<string, Record<Role, Cell>> = {
  // Commands (README, "The API").
  EnrolStudent: staffCommand(),
  AssignMentor: staffCommand(),
  RequestMentorChange: { ...staffCommand(), staff: CLOSED, admin: CLOSED, student: { own: '201', other: '403 not_the_student' } },
  DeclineMentorChangeRequest: staffCommand(),
  ChangeMentor: staffCommand(),
  RecordFirstContact: mentorOrStaff(),
  AddInternalComment: mentorOrStaff(),
  RequestFollowUp: mentorOrStaff(),
  ResolveFollowUp: staffCommand(),
  PauseTraining: studentOrStaff(),
  ResumeTraining: studentOrStaff(),
  CompleteTraining: staffCommand(),
  WithdrawFromTraining: studentOrStaff(),
  BookDiscoverySession: sessionParties(),
  BookSession: sessionParties(),
  RescheduleSession: sessionParties(),
  CancelSession: sessionParties(),
  RecordSessionHeld: mentorOrStaff(),
  RecordSessionNoShow: mentorOrStaff(),
  RecordSubstantialDelay: mentorOrStaff(),
  SubmitFirstSessionRecording: { ...mentorOrStaff(), staff: CLOSED, admin: CLOSED },
  GiveFirstSessionFeedback: staffCommand(),
  RecordWeekWithoutSession: staffCommand(),
  RegisterMentor: staffCommand(),
  MarkMentorDisabilityFriendly: mentorProfile(),
  ChangeMentorCapacity: mentorProfile(),
  DeclareMentorUnavailability: mentorProfile(),
  EndMentorUnavailability: mentorProfile(),
  EraseStudentPersonalData: staffCommand(),
  EraseMentorPersonalData: staffCommand(),
  // Reads.
  GetStudent: read({
    auditor: '200',
    student: { own: '200', other: '404 student_not_found' },
    mentor: { own: '200', other: '404 student_not_found' },
    tutor: { own: '200', other: '404 student_not_found' },
    funder: { own: '200', other: '404 student_not_found' },
  }),
  GetMentor: read({ auditor: '200', mentor: { own: '200', other: '404 mentor_not_found' } }),
  ListStudents: read({ mentor: '200' }),
  ListMentors: read({}),
  GetMentorSuggestions: read({}),
  GetStudentHistory: read({ auditor: '200' }),
  VerifyAuditTrail: { ...read({ auditor: '200' }), staff: CLOSED },
  GetMentorDashboard: read({ mentor: { own: '200', other: '404 mentor_not_found' } }),
  GetTeamDashboard: read({}),
  GetTeamDashboardList: read({}),
  GetOverseenApprentices: read({ tutor: '200', funder: '200' }),
  GetFunderAttendance: read({ auditor: '200', funder: { own: '200', other: '404 funder_not_found' } }),
  GetWeeklyAnalytics: read({ analyst: '200' }),
  GetAttendanceAnalytics: read({ analyst: '200' }),
  GetMentorLoadAnalytics: read({ analyst: '200' }),
  // Operations.
  GetHealth: { student: '200', mentor: '200', staff: '200', admin: '200', tutor: '200', funder: '200', auditor: '200', analyst: '200' },
  GetLiveness: { student: '200', mentor: '200', staff: '200', admin: '200', tutor: '200', funder: '200', auditor: '200', analyst: '200' },
  GetReadiness: { student: '200', mentor: '200', staff: '200', admin: '200', tutor: '200', funder: '200', auditor: '200', analyst: '200' },
  GetProjections: adminOnly('200'),
  GetMetrics: adminOnly('200'),
  GetAccessLog: { ...adminOnly('200'), auditor: '200' },
  ListParkedEvents: adminOnly('200'),
  // No event is parked in this data: the admin's retry of one that does not exist.
  RetryParkedEvent: adminOnly('404 parked_event_not_found'),
  RebuildProjection: adminOnly('202'),
};

/** The funder of a student (R2: the company; R3: the employer; R4: the public funder), and one who is not. */
const FUNDER_OF: Record<Profile, { own: string; other: string }> = {
  apprenticeship: { own: 'acme', other: 'globex' },
  employee: { own: 'globex', other: 'acme' },
  social_programme: { own: 'pub-employment', other: 'acme' },
  self_funded: { own: 'nobody', other: 'acme' },
};
/** Rows on students of the other profiles: their funders see them, no one else's do. */
const PROFILE_ROWS: Row[] = (['employee', 'social_programme'] as const).flatMap((profile) => [
  { op: 'GetStudent', as: 'funder' as const, rel: 'own' as const, status: 200, profile },
  { op: 'GetStudent', as: 'funder' as const, rel: 'other' as const, status: 404, code: 'student_not_found', profile },
  { op: 'GetStudent', as: 'tutor' as const, rel: 'own' as const, status: 404, code: 'student_not_found', profile }, // an apprentice's tutor, not theirs
  { op: 'GetStudent', as: 'student' as const, rel: 'own' as const, status: 200, profile },
  { op: 'GetStudent', as: 'mentor' as const, rel: 'own' as const, status: 200, profile },
]);

/** Which relation a role can have to what the path names. */
function relationalRoles(template: string): Role[] {
  if (template.includes('{studentId}')) return ['student', 'mentor', 'tutor', 'funder'];
  if (template.includes('{mentorId}')) return ['mentor'];
  if (template.includes('{funderId}')) return ['funder'];
  return [];
}

function parse(expectation: string): { status: number; code?: string } {
  const [status, code] = expectation.split(' ');
  return { status: Number(status), ...(code ? { code } : {}) };
}

/** The table as rows (op × role × relation → status, code). */
function tableRows(operations: SpecOperation[]): Row[] {
  const templateOf = new Map(operations.map((o) => [o.operationId, o.template]));
  const rows: Row[] = [];
  for (const [op, byRole] of Object.entries(TABLE_BY_OPERATION)) {
    const relational = relationalRoles(templateOf.get(op) ?? '');
    for (const role of ROLES) {
      const cell = byRole[role];
      if (cell === undefined) continue;
      if (typeof cell !== 'string') {
        rows.push({ op, as: role, rel: 'own', ...parse(cell.own) }, { op, as: role, rel: 'other', ...parse(cell.other) });
      } else if (relational.includes(role)) {
        rows.push({ op, as: role, rel: 'own', ...parse(cell) }, { op, as: role, rel: 'other', ...parse(cell) });
      } else {
        rows.push({ op, as: role, rel: 'any', ...parse(cell) });
      }
    }
  }
  return [...rows, ...PROFILE_ROWS];
}

const BASE = '2027-03-01T08:00:00.000Z'; // a Monday
const at = (minutesAfterBase: number) => new Date(Date.parse(BASE) + minutesAfterBase * 60_000).toISOString();
const DAY = 24 * 60;

/** What a cell acts on: the path's values, the body, and whose it is. */
interface Target {
  path: Record<string, string>;
  query?: string;
  body?: unknown;
  studentId?: string;
  mentorId?: string;
  profile: Profile;
  funder?: { own: string; other: string };
}

describe('the access matrix: every operation × role × relation', () => {
  const clock = new TestClock(BASE);
  let t: TestApp;
  let operations: SpecOperation[];
  let rows: Row[];
  let staff: Person;
  let seq = 0;
  const tokens = new Map<string, string>();
  const seen = new Map<Row, string>();
  const violations: string[] = [];
  // The read data: two mentors, a student of each profile (all but the self-funded one with mentor A).
  const shared = {} as { mentorA: string; mentorB: string; students: Record<Profile, string>; other: string; projection: string };

  const tokenOf = async (role: Role, sub: string) => {
    const key = `${role}:${sub}`;
    if (!tokens.has(key)) tokens.set(key, await t.token(role, sub));
    return tokens.get(key)!;
  };
  const created = async (url: string, body: unknown, who: Person = staff): Promise<Record<string, any>> => {
    const answer = await post(t, who, url, body);
    if (answer.status !== 201) throw new Error(`setting up: POST ${url} answered ${JSON.stringify(outcome(answer))}`);
    return answer.body;
  };
  const newMentor = async () => (await created('/mentors', mentorBody({ name: `Mentor ${++seq}`, email: `mentor-${seq}@mentors.example`, capacity: 10 }))).mentorId as string;
  const newStudent = async (profile: Profile) =>
    (await created('/students', enrolment(profile, { name: `Student ${++seq}`, email: `student-${seq}@students.example` }))).studentId as string;
  const assigned = async (profile: Profile = 'apprenticeship') => {
    const mentorId = await newMentor();
    const studentId = await newStudent(profile);
    await created(`/students/${studentId}/assignment`, { mentorId });
    return { studentId, mentorId };
  };
  const discovery = async (studentId: string, start: string) => (await created(`/students/${studentId}/discovery-session`, { start })).sessionId as string;

  /** Fresh data for one command cell, in the state the command needs, and a valid body. */
  const COMMAND_TARGETS: Record<string, () => Promise<Target>> = {
    EnrolStudent: async () => ({ path: {}, body: enrolment('self_funded', { email: `enrolled-${++seq}@students.example` }), profile: 'self_funded' }),
    RegisterMentor: async () => ({ path: {}, body: mentorBody({ email: `registered-${++seq}@mentors.example` }), profile: 'apprenticeship' }),
    EraseStudentPersonalData: async () => {
      const studentId = await newStudent('apprenticeship');
      return { path: { studentId }, body: { reason: 'Art. 17 request, ticket 41' }, studentId, profile: 'apprenticeship' };
    },
    EraseMentorPersonalData: async () => onMentor({ reason: 'Left the school; Art. 17 request' }),
    AssignMentor: async () => {
      const mentorId = await newMentor();
      const studentId = await newStudent('apprenticeship');
      return { path: { studentId }, body: { mentorId }, studentId, mentorId, profile: 'apprenticeship' };
    },
    RequestMentorChange: async () => {
      const s = await assigned();
      return { path: { studentId: s.studentId }, body: { reason: 'Time zone' }, ...s, profile: 'apprenticeship' };
    },
    DeclineMentorChangeRequest: async () => {
      const s = await assigned();
      const { requestId } = await created(`/students/${s.studentId}/mentor-change-requests`, { reason: 'Time zone' }, await person(t, 'student', s.studentId));
      return { path: { studentId: s.studentId, requestId }, body: { reason: 'Only mentor on the path' }, ...s, profile: 'apprenticeship' };
    },
    ChangeMentor: async () => {
      const s = await assigned();
      const next = await newMentor();
      return { path: { studentId: s.studentId }, body: { mentorId: next, fromMentorId: s.mentorId, reason: 'Rebalancing' }, ...s, profile: 'apprenticeship' };
    },
    RecordFirstContact: async () => ({ ...(await onAssigned()), body: {} }),
    AddInternalComment: async () => ({ ...(await onAssigned()), body: { text: 'No answer since Monday' } }),
    RequestFollowUp: async () => ({ ...(await onAssigned()), body: { reason: 'other', note: 'Needs a laptop' } }),
    ResolveFollowUp: async () => {
      const target = await onAssigned();
      const { followUpId } = await created(`/students/${target.studentId}/follow-ups`, { reason: 'other', note: 'Needs a laptop' });
      return { ...target, path: { ...target.path, followUpId }, body: { resolution: 'Sorted' } };
    },
    PauseTraining: async () => ({ ...(await onAssigned('self_funded')), body: { reason: 'Moving house' } }),
    ResumeTraining: async () => {
      const target = await onAssigned('self_funded');
      await created(`/students/${target.studentId}/pause`, { reason: 'Moving house' });
      return { ...target, body: {} };
    },
    CompleteTraining: async () => ({ ...(await onAssigned()), body: {} }),
    WithdrawFromTraining: async () => ({ ...(await onAssigned()), body: { reason: 'Found a job' } }),
    BookDiscoverySession: async () => ({ ...(await onAssigned()), body: { start: at(2 * DAY + 120) } }),
    BookSession: async () => {
      const target = await onAssigned();
      await discovery(target.studentId!, at(DAY + 120));
      return { ...target, body: { start: at(8 * DAY + 120) } };
    },
    RescheduleSession: async () => onSession({ start: at(4 * DAY + 120) }),
    CancelSession: async () => onSession({ reason: 'other', text: 'Something came up' }),
    RecordSessionHeld: async () => onStartedSession({}),
    RecordSessionNoShow: async () => onStartedSession({}),
    RecordSubstantialDelay: async () => onStartedSession({ delayMinutes: 10 }),
    SubmitFirstSessionRecording: async () => {
      const target = await onStartedSession({});
      await created(`/students/${target.studentId}/sessions/${target.path.sessionId}/held`, undefined);
      return { ...target, path: { studentId: target.studentId! }, body: { sessionId: target.path.sessionId, recordingUrl: 'https://recordings.example/1' } };
    },
    GiveFirstSessionFeedback: async () => {
      const target = await onStartedSession({});
      const sessionId = target.path.sessionId;
      await created(`/students/${target.studentId}/sessions/${sessionId}/held`, undefined);
      await created(`/students/${target.studentId}/first-session-recording`, { sessionId, recordingUrl: 'https://recordings.example/1' }, await person(t, 'mentor', target.mentorId!));
      return { ...target, path: { studentId: target.studentId! }, body: { sessionId, feedback: 'Clear agenda' } };
    },
    RecordWeekWithoutSession: async () => {
      const target = await onAssigned();
      clock.set(at(16 * DAY)); // Tuesday of the third week: the second week (from 2027-03-08) is over.
      return { ...target, body: { weekStart: '2027-03-08' } };
    },
    MarkMentorDisabilityFriendly: async () => onMentor({ trainingCompletedOn: '2027-02-15' }),
    ChangeMentorCapacity: async () => onMentor({ capacity: 7 }),
    DeclareMentorUnavailability: async () => onMentor({ from: '2027-07-01T00:00:00Z', to: '2027-07-31T00:00:00Z', reason: 'Holidays' }),
    EndMentorUnavailability: async () => {
      const target = await onMentor({});
      const { unavailabilityId } = await created(`/mentors/${target.mentorId}/unavailabilities`, { from: '2027-07-01T00:00:00Z', to: '2027-07-31T00:00:00Z', reason: 'Holidays' });
      return { ...target, path: { ...target.path, unavailabilityId } };
    },
    RebuildProjection: async () => ({ path: { name: shared.projection }, profile: 'apprenticeship' }),
    RetryParkedEvent: async () => ({ path: { id: '1' }, profile: 'apprenticeship' }),
  };
  async function onAssigned(profile: Profile = 'apprenticeship'): Promise<Target> {
    const s = await assigned(profile);
    return { path: { studentId: s.studentId }, ...s, profile };
  }
  async function onSession(body: unknown): Promise<Target> {
    const target = await onAssigned();
    const sessionId = await discovery(target.studentId!, at(2 * DAY + 120));
    return { ...target, path: { ...target.path, sessionId }, body };
  }
  /** A discovery session that started 50 minutes ago (the clock is moved). */
  async function onStartedSession(body: unknown): Promise<Target> {
    const target = await onAssigned();
    const sessionId = await discovery(target.studentId!, at(120));
    clock.set(at(170));
    return { ...target, path: { ...target.path, sessionId }, body };
  }
  async function onMentor(body: unknown): Promise<Target> {
    const mentorId = await newMentor();
    return { path: { mentorId }, body, mentorId, profile: 'apprenticeship' };
  }

  /** The shared read data, per operation. */
  const readTarget = (op: string, profile: Profile = 'apprenticeship'): Target => {
    const studentId = shared.students[profile];
    const mentorId = shared.mentorA;
    const funder = op === 'GetFunderAttendance' ? { own: 'pub-employment', other: 'acme' } : FUNDER_OF[profile];
    return {
      path: { studentId, mentorId, funderId: 'pub-employment', list: 'waiting-students', name: shared.projection, id: '1' },
      studentId,
      mentorId,
      profile,
      funder,
    };
  };

  /** The subject of the actor of a cell. */
  const subjectOf = (role: Role, rel: Rel, target: Target): string => {
    const own = rel !== 'other';
    switch (role) {
      case 'student':
        return own ? (target.studentId ?? shared.students.apprenticeship) : shared.other;
      case 'mentor':
        return own ? (target.mentorId ?? shared.mentorA) : shared.mentorB;
      case 'tutor':
        return own ? 'tutor-1' : 'tutor-2';
      case 'funder': {
        const funder = target.funder ?? FUNDER_OF[target.profile];
        return own ? funder.own : funder.other;
      }
      default:
        return `${role}-1`;
    }
  };

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_ENABLED: 'false' }, { clock });
    operations = operationsOf(await servedSpec(t));
    rows = tableRows(operations);
    staff = await person(t, 'staff', 'staff-1');
    shared.mentorA = await newMentor();
    shared.mentorB = await newMentor();
    shared.students = {} as Record<Profile, string>;
    for (const profile of ['apprenticeship', 'employee', 'social_programme', 'self_funded'] as const) {
      shared.students[profile] = await newStudent(profile);
      await created(`/students/${shared.students[profile]}/assignment`, { mentorId: profile === 'self_funded' ? shared.mentorB : shared.mentorA });
    }
    shared.other = shared.students.self_funded;
    await discovery(shared.students.apprenticeship, at(DAY));
    await readModelsCaughtUp();
    const projections = await t.request('GET', '/admin/projections', { token: await tokenOf('admin', 'admin-1') });
    shared.projection = /"name":"([^"]+)"/.exec(JSON.stringify(projections.body))?.[1] ?? 'student-profiles';
  }, 60_000);
  afterAll(() => t?.close());

  /** Every projection has processed every stored event. */
  async function readModelsCaughtUp(): Promise<void> {
    const head = await t.eventStore.headPosition();
    if (head) expect(await t.app.get<ProjectionRunner>(PROJECTION_RUNNER).waitFor(head, 10_000)).toBe(true);
  }

  const keyOf = (row: Row) => `${row.op} as ${row.as}${row.rel === 'any' ? '' : ` (${row.rel})`}${row.profile ? ` [${row.profile}]` : ''}`;
  const expectedOf = (row: Row) => `${row.status}${row.code ? ` ${row.code}` : ''}`;

  async function run(row: Row): Promise<void> {
    const op = operations.find((o) => o.operationId === row.op);
    if (!op) return;
    const isCommand = op.method !== 'GET';
    clock.set(BASE);
    const target = isCommand && COMMAND_TARGETS[row.op] ? await COMMAND_TARGETS[row.op]() : readTarget(row.op, row.profile);
    // Staff name the party whose apprentices they look at (a tutor or a funder sees their own).
    const query = target.query ?? (row.op === 'GetOverseenApprentices' && (row.as === 'staff' || row.as === 'admin') ? '?partyId=acme' : '');
    const url = fillPath(op.template, target.path) + query;
    const token = await tokenOf(row.as, subjectOf(row.as, row.rel, target));
    let status: number;
    let code: string | undefined;
    try {
      const answer = await t.request(op.method, url, { token, ...(isCommand && target.body !== undefined ? { body: target.body } : {}), ...(isCommand && target.body === undefined && op.requestSchema ? { body: {} } : {}) });
      status = answer.status;
      code = answer.body?.code;
    } catch (error) {
      if (!(error instanceof ContractViolation)) throw error;
      status = Number(/\(\S+, (\d{3})\) does not match/.exec(error.message)?.[1] ?? 0);
      code = /"code":"([^"]+)"/.exec(error.message)?.[1];
      violations.push(`${keyOf(row)}: ${error.message.split('\n').slice(0, 3).join(' ').slice(0, 400)}`);
    }
    // The code only where the policy names one (403, 404); other refusals show theirs, to tell why.
    seen.set(row, status >= 200 && status < 300 ? String(status) : `${status}${code ? ` ${code}` : ''}`);
  }

  it('has rows for every operation of the served document, for each of the 8 roles', () => {
    const inSpec = new Set(operations.map((o) => o.operationId));
    const inTable = new Set(rows.map((r) => r.op));
    expect({
      'operations of the document without rows (add them to TABLE_BY_OPERATION)': [...inSpec].filter((op) => !inTable.has(op)),
      'rows for operations the document does not have': [...inTable].filter((op) => !inSpec.has(op)),
      'operation × role without a row': [...inSpec].flatMap((op) => ROLES.filter((role) => !rows.some((r) => r.op === op && r.as === role)).map((role) => `${op} as ${role}`)),
    }).toEqual({
      'operations of the document without rows (add them to TABLE_BY_OPERATION)': [],
      'rows for operations the document does not have': [],
      'operation × role without a row': [],
    });
  });

  it('answers every cell with the status (and the 403/404 code) of the table', async () => {
    const started = Date.now();
    const isRead = (row: Row) => operations.find((o) => o.operationId === row.op)?.method === 'GET';
    // Reads first, on the shared data; then commands, each on its own data; the rebuild (which restarts a
    // projection) last.
    const ordered = [...rows.filter(isRead), ...rows.filter((r) => !isRead(r) && r.op !== 'RebuildProjection'), ...rows.filter((r) => r.op === 'RebuildProjection')];
    for (const row of ordered) await run(row);
    const mismatches = ordered
      .filter((row) => seen.has(row))
      .filter((row) => {
        const got = seen.get(row)!;
        return row.code ? got !== expectedOf(row) : got.split(' ')[0] !== String(row.status);
      })
      .map((row) => `${keyOf(row)}: expected ${expectedOf(row)}, got ${seen.get(row)}`);
    console.log(`access matrix: ${ordered.length} cells in ${((Date.now() - started) / 1000).toFixed(1)} s; ${mismatches.length} differ from the table`);
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('answers every cell as the served document says (no ContractViolation)', () => {
    expect(violations).toEqual([]);
  });
});
