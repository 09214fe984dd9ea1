// The 200 body of GetMentorLoadAnalytics, from the view types of mentor-load.read.ts.
import { arrayOf, dateTime, integer, nullableNumber, object, Schema, string, wholeList } from '../read-side-support/schema';

export const MENTOR_LOAD_SCHEMA: Schema = wholeList(
  object({ bucket: string('75-100%', '`empty`, `under 25%`, `25-50%`, `50-75%`, `75-100%` (each excluding its upper bound), `full`'), mentors: integer(4) }),
  'The mentors per load bucket (caseload / capacity), emptiest first: the six buckets, never paged (nextCursor is always null)',
  {
    generatedAt: dateTime('2027-03-24T09:00:00.000Z'),
    mentors: integer(20),
    unavailableMentors: integer(1),
    totalCapacity: integer(100),
    totalCaseload: integer(62),
    overallLoad: nullableNumber(0.62, 'totalCaseload / totalCapacity; null when there is no capacity'),
    load: object(
      { mean: nullableNumber(0.58), median: nullableNumber(0.6), p90: nullableNumber(1) },
      'Distribution of the mentors’ loads; null when there are no mentors',
    ),
    atCapacity: integer(3),
    caseloadSizes: arrayOf(object({ caseloadSize: integer(2), mentors: integer(5) }), [{ caseloadSize: 2, mentors: 5 }], 'Mentors per caseload size, smallest first'),
  },
);
