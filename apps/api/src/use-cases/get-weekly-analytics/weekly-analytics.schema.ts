// The 200 body of GetWeeklyAnalytics, from the view types of weekly-analytics.read.ts.
import { dateTime, integer, nullableNumber, number, object, Schema, string, wholeList } from '../read-side-support/schema';

/** A DurationSummary (stats.ts): count, median and p90 in hours. */
export function durationSchema(description: string): Schema {
  return object(
    {
      count: integer(6),
      medianHours: nullableNumber(26.5, 'null when count is 0, or withheld (suppressed)'),
      p90Hours: nullableNumber(70.2, 'null when count is 0, or withheld (suppressed)'),
      suppressed: { type: 'boolean', description: 'true: fewer than ANALYTICS_MIN_GROUP people were counted, so the median and p90 are withheld', example: false },
    },
    description,
  );
}

const row = object({
  week: string('2027-W09', 'ISO week'),
  weekStart: string('2027-03-01', 'Monday of the week (YYYY-MM-DD)'),
  profile: string('apprenticeship', 'Funding profile'),
  studentsEnrolled: integer(3),
  waitingForMentor: durationSchema('Students first assigned during the week: how long they had waited since enrolment'),
  assignmentToDiscovery: durationSchema('Discovery sessions held during the week: time since the start of the mentorship'),
  mentorChanges: integer(1),
  requestedMentorChanges: integer(1, 'Of which asked for by the student (R8)'),
  mentoredStudents: integer(12, 'Students who had a mentor at some time during the week'),
  mentorChangeRate: nullableNumber(0.0833, 'mentorChanges / mentoredStudents; null when nobody was mentored'),
});

export const WEEKLY_ANALYTICS_SCHEMA: Schema = wholeList(row, 'One row per ISO week and funding profile, weeks in order: the whole table, never paged (nextCursor is always null)', {
  from: string('2027-W01', 'First week of the report'),
  to: string('2027-W12', 'Last week of the report'),
  generatedAt: dateTime('2027-03-24T09:00:00.000Z'),
});
