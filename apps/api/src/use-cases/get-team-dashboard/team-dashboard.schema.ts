// The 200 bodies of GetTeamDashboard and GetTeamDashboardList, from the view types of team-dashboard.read.ts.
import { arrayOf, boolean, dateTime, integer, nullableNumber, nullableString, number, object, pageWith, Schema, string } from '../read-side-support/schema';
import { TEAM_DASHBOARD_LISTS } from './team-dashboard.read';

const requestedBy = object({ id: nullableString('staff-1'), role: nullableString('staff') }, 'Who asked (from the event’s metadata)');

const waitingStudent = object({
  studentId: string('student-1'),
  name: nullableString('Eve Lindgren'),
  trainingPath: nullableString('web-development'),
  profileKind: nullableString('employee', 'Funding profile'),
  registeredDisability: boolean(false, 'R7: to choose a disability-friendly mentor'),
  funder: nullableString('Globex'),
  cohort: nullableString(null),
  waitingSince: nullableString('2027-03-01T08:00:00.000Z', 'When the wait began (enrolment)'),
  waitingDays: nullableNumber(3, 'Days waited so far (one decimal)'),
});

const followUp = object({
  followUpId: string('follow-up-1'),
  studentId: string('student-1'),
  studentName: nullableString('Samir Haddou'),
  mentorId: nullableString('mentor-1'),
  reason: nullableString('missed_sessions'),
  note: nullableString('Missed the second session'),
  requestedBy,
  requestedAt: dateTime('2027-03-03T10:30:00.000Z'),
  ageDays: number(0.9, 'Days open so far (one decimal)'),
});

const changeRequest = object({
  requestId: string('request-1'),
  studentId: string('student-1'),
  studentName: nullableString('Samir Haddou'),
  currentMentorId: nullableString('mentor-1'),
  reason: nullableString('schedules do not match'),
  requestedBy,
  requestedAt: dateTime('2027-03-03T10:30:00.000Z'),
});

const recording = object({
  studentId: string('student-1'),
  studentName: nullableString('Alice Martin'),
  sessionId: string('session-1'),
  mentorId: nullableString('mentor-1'),
  recordingUrl: nullableString('https://recordings.example/1'),
  submittedAt: dateTime('2027-03-02T15:00:00.000Z'),
});

const attendanceAlert = object({
  studentId: string('student-1'),
  studentName: nullableString('Samir Haddou'),
  kind: nullableString('no_show', 'no_show, late_cancellation, substantial_delay, week_without_session'),
  sessionId: nullableString('session-2'),
  weekStart: nullableString(null, 'The Monday of a week without a session (YYYY-MM-DD)'),
  funderId: nullableString('pub-employment'),
  funder: nullableString('Public Employment Service'),
  cohort: nullableString('2027-spring'),
  mentorId: nullableString('mentor-1'),
  raisedAt: dateTime('2027-03-03T10:30:00.000Z'),
});

const nearCapacityMentor = object({
  mentorId: string('mentor-1'),
  name: string('Ava Moreno'),
  capacity: integer(2),
  caseloadSize: integer(2),
  remainingCapacity: integer(0),
  load: nullableNumber(1, 'caseloadSize / capacity; null when the capacity is 0'),
  unavailable: boolean(false),
});

const total = integer(1, 'How many items the whole list has');

/** Each list's page schema, by list name. */
export const TEAM_DASHBOARD_LIST_SCHEMAS: Record<keyof typeof TEAM_DASHBOARD_LISTS, Schema> = {
  'waiting-students': pageWith(waitingStudent, { total }, 'Students waiting for a mentor, oldest wait first'),
  'follow-ups': pageWith(followUp, { total }, 'Open follow-ups, oldest first'),
  'mentor-change-requests': pageWith(changeRequest, { total }, 'Open change-of-mentor requests, oldest first'),
  'recordings-awaiting-feedback': pageWith(recording, { total }, 'First-session recordings awaiting feedback, oldest first'),
  'attendance-alerts': pageWith(
    attendanceAlert,
    {
      total,
      weeks: arrayOf(string('2027-W09'), ['2027-W08', '2027-W09'], 'The ISO weeks covered (alertWeeks), oldest first'),
      since: dateTime('2027-02-22T00:00:00.000Z', 'The Monday the oldest week starts'),
    },
    'Attendance alerts raised in the last alertWeeks ISO weeks, most recent first',
  ),
  'mentors-near-capacity': pageWith(
    nearCapacityMentor,
    { total, threshold: number(0.8, 'nearCapacity: the load from which a mentor is listed') },
    'Mentors whose load is at least the threshold, or who are full: least capacity left first, then highest load',
  ),
};

export const TEAM_DASHBOARD_SCHEMA: Schema = object(
  {
    asOf: dateTime('2027-03-04T09:00:00.000Z', 'The instant the dashboard was computed for'),
    ...Object.fromEntries(Object.entries(TEAM_DASHBOARD_LISTS).map(([list, field]) => [field, TEAM_DASHBOARD_LIST_SCHEMAS[list as keyof typeof TEAM_DASHBOARD_LISTS]])),
  },
  'The first page of each list; GET /team/dashboard/{list} pages one further',
);

/** GET /team/dashboard/{list}: the page of the list named in the path (one of the schemas above). */
export const TEAM_DASHBOARD_LIST_SCHEMA: Schema = {
  description: 'A page of the list named in the path: `{items, nextCursor, total}` (and `weeks`, `since` for attendance-alerts, `threshold` for mentors-near-capacity)',
  anyOf: Object.values(TEAM_DASHBOARD_LIST_SCHEMAS),
};
