// The 200 body of GetFunderAttendance, from the view types of funder-attendance.read.ts.
import { AS_OF, ATTENDANCE_FACTS_SCHEMA, ATTENDANCE_PROPERTIES } from '../read-side-support/attendance.schema';
import { pageSchema } from '../../shared/api-docs';
import { integer, nullableString, object, Schema, string, wholeList } from '../read-side-support/schema';

const students = integer(12, 'How many students');

const student = object({
  studentId: string('student-2'),
  name: nullableString('Samir Haddou'),
  profileKind: nullableString('social_programme', 'Funding profile'),
  cohort: nullableString('2027-spring'),
  status: string('active'),
  mentorId: nullableString('mentor-1'),
  ...ATTENDANCE_PROPERTIES,
  facts: ATTENDANCE_FACTS_SCHEMA,
});

const cohort = object({
  profileKind: nullableString('social_programme', 'Funding profile'),
  cohort: nullableString('2027-spring', 'The social programme’s cohort; null groups a funder’s apprentices or employees'),
  students,
  ...ATTENDANCE_PROPERTIES,
});

export const FUNDER_ATTENDANCE_SCHEMA: Schema = object({
  funderId: string('pub-employment'),
  funder: nullableString('Public Employment Service'),
  asOf: AS_OF,
  totals: object({ students, ...ATTENDANCE_PROPERTIES }, 'Over all the students (of the cohort asked for), not only the page'),
  cohorts: wholeList(cohort, 'Per profile and cohort: all of them, never paged (nextCursor is always null)'),
  students: pageSchema(student, 'A page of the students, by cohort then normalised name (accents and case folded) then id; nextCursor is null on the last page (the CSV has every student)') as Schema,
});
