// Attendance rates per ISO week, funding profile, funder and cohort (R4, R15): sessions held against
// sessions missed (no-shows) or cancelled late, from the aggregate buckets the analytics projection keeps
// (analytics-buckets.ts): one per week and group of the range, never the per-student documents, so the cost
// does not grow with the school.
import { ANALYTICS_ATTENDANCE, AnalyticsAttendanceBucket, isoWeekIndex, isoWeeksBetween, NO_PREVIOUS_WEEK } from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import { Page, wholePage } from '../read-side-support/keyset';
import { attendanceRate, compare } from '../read-side-support/stats';

/** The counts of a group; all null (and `suppressed`) for a group of fewer than ANALYTICS_MIN_GROUP students. */
export interface AttendanceCountsRow {
  profile: string | null;
  funderId: string | null;
  cohort: string | null;
  students: number | null;
  held: number | null;
  noShows: number | null;
  lateCancellations: number | null;
  substantialDelays: number | null;
  weeksWithoutSession: number | null;
  /** held + noShows + lateCancellations. */
  sessions: number | null;
  attendanceRate: number | null;
  /** The group is smaller than ANALYTICS_MIN_GROUP: its counts would describe a few people (a funder knows who). */
  suppressed: boolean;
}

export interface WeeklyAttendanceRow extends AttendanceCountsRow {
  week: string;
}

/** `items`: one row per week, profile, funder and cohort that had anything to count (the whole table: `nextCursor` is always null). */
export interface AttendanceAnalyticsView extends Page<WeeklyAttendanceRow> {
  from: string;
  to: string;
  generatedAt: string;
  /** The same over the whole range, per profile, funder and cohort. */
  totals: AttendanceCountsRow[];
}

export interface AttendanceFilters {
  profile?: string;
  funderId?: string;
  cohort?: string;
}

interface Counts {
  profile: string | null;
  funderId: string | null;
  cohort: string | null;
  held: number;
  noShows: number;
  lateCancellations: number;
  substantialDelays: number;
  weeksWithoutSession: number;
  /** Distinct students counted. */
  students: number;
}

function empty(profile: string | null, funderId: string | null, cohort: string | null): Counts {
  return { profile, funderId, cohort, held: 0, noShows: 0, lateCancellations: 0, substantialDelays: 0, weeksWithoutSession: 0, students: 0 };
}

// Built field by field (no rest or spread of the counts: a thousand rows per request), in the fields' order of
// AttendanceCountsRow, which is the order of the JSON body.
function finish(c: Counts, minGroup: number): AttendanceCountsRow {
  const { profile, funderId, cohort, students } = c;
  if (students < minGroup) {
    return { profile, funderId, cohort, students: null, held: null, noShows: null, lateCancellations: null, substantialDelays: null, weeksWithoutSession: null, sessions: null, attendanceRate: null, suppressed: true };
  }
  const { held, noShows, lateCancellations, substantialDelays, weeksWithoutSession } = c;
  const sessions = held + noShows + lateCancellations;
  return { profile, funderId, cohort, held, noShows, lateCancellations, substantialDelays, weeksWithoutSession, students, sessions, attendanceRate: attendanceRate(held, noShows, lateCancellations), suppressed: false };
}

/** What is read of a bucket: top-level fields (the embedded store extracts them in SQL without parsing the rest). */
const BUCKET_FIELDS = { _id: 0, profile: 1, funderId: 1, cohort: 1, weekIndex: 1, students: 1, held: 1, noShows: 1, lateCancellations: 1, substantialDelays: 1, weeksWithoutSession: 1, previous: 1 } as const;

export async function readAttendanceAnalytics(
  store: ReadStore,
  range: { from: string; to: string },
  now: Date,
  filters: AttendanceFilters = {},
  minGroup = 1,
): Promise<AttendanceAnalyticsView> {
  const weeks = isoWeeksBetween(range.from, range.to);
  const rows: Array<{ week: string; counts: Counts }> = [];
  const totals = new Map<string, Counts>();
  if (weeks.length > 0) {
    const first = isoWeekIndex(weeks[0])!;
    const filter: Record<string, unknown> = { weekIndex: { $gte: first, $lte: first + weeks.length - 1 } };
    if (filters.profile) filter.profile = filters.profile;
    if (filters.funderId) filter.funderId = filters.funderId;
    if (filters.cohort) filter.cohort = filters.cohort;
    const buckets = await store.collection<AnalyticsAttendanceBucket>(ANALYTICS_ATTENDANCE).find(filter, { projection: BUCKET_FIELDS });
    // A student is counted once in a group's totals: in the first week of the range they had an entry, the
    // one whose previous entry is before the range (or none). The previous weeks are ISO weeks of four-digit
    // years (the buckets hold no others), which compare as strings.
    const beforeRange = (previous: string) => previous === NO_PREVIOUS_WEEK || previous < weeks[0];
    for (const b of buckets) {
      if (!b.students) continue;
      const group = JSON.stringify([b.profile, b.funderId, b.cohort]);
      const row = empty(b.profile, b.funderId, b.cohort);
      let total = totals.get(group);
      if (!total) totals.set(group, (total = empty(b.profile, b.funderId, b.cohort)));
      for (const target of [row, total]) {
        target.held += b.held ?? 0;
        target.noShows += b.noShows ?? 0;
        target.lateCancellations += b.lateCancellations ?? 0;
        target.substantialDelays += b.substantialDelays ?? 0;
        target.weeksWithoutSession += b.weeksWithoutSession ?? 0;
      }
      row.students = b.students;
      for (const [previous, count] of Object.entries(b.previous ?? {})) if (beforeRange(previous)) total.students += count;
      rows.push({ week: weeks[b.weekIndex - first], counts: row });
    }
  }
  const order = (a: AttendanceCountsRow, b: AttendanceCountsRow) =>
    compare(a.profile, b.profile) || compare(a.funderId, b.funderId) || compare(a.cohort, b.cohort);
  return {
    from: range.from,
    to: range.to,
    generatedAt: now.toISOString(),
    ...wholePage(rows.map(({ week, counts }) => ({ week, ...finish(counts, minGroup) })).sort((a, b) => compare(a.week, b.week) || order(a, b))),
    totals: [...totals.values()].map((c) => finish(c, minGroup)).sort(order),
  };
}
