// The 200 body of GetMentorDashboard, from the view types of mentor-dashboard.read.ts.
import {
  boolean,
  dateTime,
  integer,
  nullable,
  nullableBoolean,
  nullableDateTime,
  nullableInteger,
  nullableString,
  object,
  oneOfStrings,
  Schema,
  string,
  wholeList,
} from '../read-side-support/schema';
import { PENDING_ACTION_KINDS } from './mentor-dashboard.read';

const kind = (value: string) => oneOfStrings([value], value);

const pendingAction: Schema = {
  description: 'Something the mentor still has to do for the student, by `kind`',
  oneOf: [
    object({ kind: kind('no_first_contact') }),
    object({ kind: kind('discovery_session_not_booked') }),
    object({ kind: kind('first_session_recording_not_submitted'), sessionId: string('session-1'), heldAt: nullableDateTime('2027-03-02T10:45:00.000Z') }),
    object({
      kind: kind('session_outcome_not_recorded'),
      sessionId: string('session-2'),
      start: dateTime('2027-03-03T10:00:00.000Z'),
      end: dateTime('2027-03-03T10:45:00.000Z'),
    }),
  ],
};
const pendingActions: Schema = { type: 'array', items: pendingAction, example: [{ kind: 'no_first_contact' }] };

const student = object({
  studentId: string('student-1'),
  name: nullableString('Alice Martin'),
  email: nullableString('alice.martin@students.example'),
  trainingPath: nullableString('web-development'),
  profileKind: nullableString('apprenticeship', 'Funding profile'),
  registeredDisability: boolean(false, 'R7: the assigned mentor may read it'),
  status: string('active'),
  mentorSince: nullableDateTime('2027-03-01T08:00:00.000Z'),
  firstContactAt: nullableDateTime('2027-03-01T09:00:00.000Z'),
  discoveryHeldAt: nullableDateTime('2027-03-02T10:45:00.000Z'),
  nextSession: nullable(
    object(
      {
        sessionId: string('session-3'),
        kind: oneOfStrings(['discovery', 'regular'], 'regular'),
        start: dateTime('2027-03-09T10:00:00.000Z'),
        end: dateTime('2027-03-09T10:45:00.000Z'),
      },
      'The earliest of the mentor’s sessions with the student that has not started; null when none',
    ),
  ),
  openFollowUps: integer(0),
  pendingActions,
});

const formerStudent = object({
  studentId: string('student-2'),
  name: nullableString('Samir Haddou'),
  status: string('withdrawn'),
  currentMentorId: nullableString('mentor-2'),
  pendingActions,
});

export const MENTOR_DASHBOARD_SCHEMA: Schema = object({
  mentorId: string('mentor-1'),
  name: nullableString('Ava Moreno'),
  capacity: nullableInteger(2),
  caseloadSize: nullableInteger(2),
  remainingCapacity: nullableInteger(0, 'capacity minus the students held (R9)'),
  unavailable: nullableBoolean(false),
  asOf: dateTime('2027-03-04T09:00:00.000Z', 'The instant the dashboard was computed for'),
  students: wholeList(student, 'The mentor’s current students, longest mentored first: the whole caseload, never paged (nextCursor is always null)'),
  otherPendingActions: wholeList(
    formerStudent,
    'Students no longer (or not) in the caseload for whom the mentor still owes something, by id: the whole list, never paged (nextCursor is always null)',
  ),
  pendingActionCounts: object(
    Object.fromEntries(PENDING_ACTION_KINDS.map((k) => [k, integer(1)])),
    'How many pending actions of each kind, over both lists',
  ),
});
