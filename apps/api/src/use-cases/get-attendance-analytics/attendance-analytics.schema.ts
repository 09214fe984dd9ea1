// The 200 body of GetAttendanceAnalytics, from the view types of attendance-analytics.read.ts.
import { arrayOf, dateTime, integer, nullableNumber, nullableString, object, Schema, string, wholeList } from '../read-side-support/schema';

const counts = {
  profile: nullableString('social_programme', 'Funding profile'),
  funderId: nullableString('pub-employment'),
  cohort: nullableString('2027-spring'),
  students: integer(12),
  held: integer(20),
  noShows: integer(3),
  lateCancellations: integer(1),
  substantialDelays: integer(0),
  weeksWithoutSession: integer(2),
  sessions: integer(24, 'held + noShows + lateCancellations'),
  attendanceRate: nullableNumber(0.8333, 'held / sessions; null when no session counted'),
};

export const ATTENDANCE_ANALYTICS_SCHEMA: Schema = wholeList(
  object({ week: string('2027-W09', 'ISO week'), ...counts }),
  'One row per ISO week, profile, funder and cohort that had anything to count: the whole table, never paged (nextCursor is always null)',
  {
    from: string('2027-W01', 'First week of the report'),
    to: string('2027-W12', 'Last week of the report'),
    generatedAt: dateTime('2027-03-24T09:00:00.000Z'),
    totals: arrayOf(object(counts), [], 'The same over the whole range, per profile, funder and cohort (metadata of the table)'),
  },
);
