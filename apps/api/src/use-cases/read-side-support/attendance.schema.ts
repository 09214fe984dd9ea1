// The schemas of attendance.ts's views, shared by GetOverseenApprentices and GetFunderAttendance.
import { arrayOf, dateTime, integer, nullableString, nullableNumber, object, Schema, string } from './schema';

/** The properties of an AttendanceView (spread them into the object that carries them). */
export const ATTENDANCE_PROPERTIES: Record<string, Schema> = {
  held: integer(4),
  noShows: integer(1),
  lateCancellations: integer(0),
  cancellations: integer(1),
  substantialDelays: integer(0),
  weeksWithoutSession: integer(0),
  attendanceRate: nullableNumber(0.8, 'held / (held + noShows + lateCancellations); null when no session counted'),
};

export const ATTENDANCE_SCHEMA: Schema = object(ATTENDANCE_PROPERTIES, 'Attendance counts and rate');

/** The attendance facts recorded for a student (R4, R15), oldest first: a property of the student, not a list of the API. */
export const ATTENDANCE_FACTS_SCHEMA: Schema = arrayOf(
  object({
    kind: string('no_show', 'no_show, late_cancellation, substantial_delay, week_without_session, …'),
    sessionId: nullableString('session-2'),
    weekStart: nullableString(null, 'The Monday of a week without a session (YYYY-MM-DD)'),
    occurredAt: nullableString('2027-03-03T10:30:00.000Z'),
    recordedAt: nullableString('2027-03-03T10:30:00.000Z'),
  }),
  [{ kind: 'no_show', sessionId: 'session-2', weekStart: null, occurredAt: '2027-03-03T10:30:00.000Z', recordedAt: '2027-03-03T10:30:00.000Z' }],
);

export const AS_OF = dateTime('2027-03-04T09:00:00.000Z', 'The instant the figures were computed for');
