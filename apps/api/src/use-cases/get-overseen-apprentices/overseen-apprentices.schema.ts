// The 200 body of GetOverseenApprentices, from the view types of overseen-apprentices.read.ts.
import { AS_OF, ATTENDANCE_FACTS_SCHEMA, ATTENDANCE_SCHEMA } from '../read-side-support/attendance.schema';
import { dateTime, integer, nullable, nullableString, object, pageWith, Schema, string } from '../read-side-support/schema';

const apprentice = object({
  studentId: string('student-1'),
  name: nullableString('Alice Martin'),
  trainingPath: nullableString('web-development'),
  status: string('active'),
  startDate: nullableString('2027-03-01'),
  endDate: nullableString('2028-08-31'),
  companyId: nullableString('acme'),
  employerId: nullableString('acme'),
  tutorId: nullableString('tutor-1'),
  mentor: nullable(object({ mentorId: string('mentor-1'), name: nullableString('Ava Moreno') }, 'The current mentor; null while waiting for one')),
  progress: object({
    mentorSince: nullableString('2027-03-01T08:00:00.000Z'),
    firstContactAt: nullableString('2027-03-01T09:00:00.000Z'),
    discoveryHeldAt: nullableString('2027-03-02T10:45:00.000Z'),
    sessionsHeld: integer(1),
    lastHeldSession: nullable(object({ start: nullableString('2027-03-02T10:00:00.000Z'), kind: string('discovery') })),
    nextSession: nullable(object({ start: dateTime('2027-03-09T10:00:00.000Z'), end: dateTime('2027-03-09T10:45:00.000Z'), kind: string('regular') })),
    sessionsAwaitingOutcome: integer(0, 'Booked sessions whose end has passed without an outcome yet'),
  }),
  attendance: ATTENDANCE_SCHEMA,
  attendanceFacts: ATTENDANCE_FACTS_SCHEMA,
});

export const OVERSEEN_APPRENTICES_SCHEMA: Schema = pageWith(
  apprentice,
  { asOf: AS_OF },
  'A page of the apprentices the caller oversees, by normalised name (accents and case folded) then id; nextCursor is null on the last page',
);
