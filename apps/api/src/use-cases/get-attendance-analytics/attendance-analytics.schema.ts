// The 200 body of GetAttendanceAnalytics, from the view types of attendance-analytics.read.ts.
import { arrayOf, dateTime, nullableInteger, nullableNumber, nullableString, object, Schema, string, wholeList } from '../read-side-support/schema';

const counts = {
  profile: nullableString('social_programme', 'Funding profile'),
  funderId: nullableString('pub-employment'),
  cohort: nullableString('2027-spring'),
  students: nullableInteger(12),
  held: nullableInteger(20),
  noShows: nullableInteger(3),
  lateCancellations: nullableInteger(1),
  substantialDelays: nullableInteger(0),
  weeksWithoutSession: nullableInteger(2),
  sessions: nullableInteger(24, 'held + noShows + lateCancellations'),
  attendanceRate: nullableNumber(0.8333, 'held / sessions; null when no session counted, or withheld'),
  suppressed: { type: 'boolean', description: 'true: fewer than ANALYTICS_MIN_GROUP students in the group; every count is withheld (null)', example: false } as Schema,
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
