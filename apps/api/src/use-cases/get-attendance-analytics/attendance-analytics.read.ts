// Attendance rates per ISO week, funding profile, funder and cohort (R4, R15): sessions held against
// sessions missed (no-shows) or cancelled late, from the anonymised per-student documents.
import { ANALYTICS_STUDENTS, AnalyticsStudentDoc, isoWeeksBetween } from '@mentoring/projections';
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
  ids: Set<string>;
}

function empty(profile: string | null, funderId: string | null, cohort: string | null): Counts {
  return { profile, funderId, cohort, held: 0, noShows: 0, lateCancellations: 0, substantialDelays: 0, weeksWithoutSession: 0, ids: new Set() };
}

function finish({ ids, ...c }: Counts, minGroup: number): AttendanceCountsRow {
  if (ids.size < minGroup) {
    const withheld = { students: null, held: null, noShows: null, lateCancellations: null, substantialDelays: null, weeksWithoutSession: null, sessions: null, attendanceRate: null };
    return { profile: c.profile, funderId: c.funderId, cohort: c.cohort, ...withheld, suppressed: true };
  }
  const sessions = c.held + c.noShows + c.lateCancellations;
  return { ...c, students: ids.size, sessions, attendanceRate: attendanceRate(c.held, c.noShows, c.lateCancellations), suppressed: false };
}

export async function readAttendanceAnalytics(
  store: ReadStore,
  range: { from: string; to: string },
  now: Date,
  filters: AttendanceFilters = {},
  minGroup = 1,
): Promise<AttendanceAnalyticsView> {
  const weeks = new Set(isoWeeksBetween(range.from, range.to));
  const filter: Record<string, unknown> = {};
  if (filters.profile) filter.profile = filters.profile;
  if (filters.funderId) filter.funderId = filters.funderId;
  if (filters.cohort) filter.cohort = filters.cohort;
  const docs = await store.collection<AnalyticsStudentDoc>(ANALYTICS_STUDENTS).find(filter, { projection: { profile: 1, funderId: 1, cohort: 1, attendance: 1 } });
  const rows = new Map<string, Counts & { week: string }>();
  const totals = new Map<string, Counts>();
  for (const d of docs) {
    const group = JSON.stringify([d.profile, d.funderId, d.cohort]);
    for (const w of d.attendance) {
      if (!weeks.has(w.week)) continue;
      const key = `${w.week}|${group}`;
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { week: w.week, ...empty(d.profile, d.funderId, d.cohort) }));
      let total = totals.get(group);
      if (!total) totals.set(group, (total = empty(d.profile, d.funderId, d.cohort)));
      for (const target of [row, total]) {
        target.held += w.held;
        target.noShows += w.noShows;
        target.lateCancellations += w.lateCancellations;
        target.substantialDelays += w.substantialDelays;
        target.weeksWithoutSession += w.weeksWithoutSession;
        target.ids.add(d._id);
      }
    }
  }
  const order = (a: AttendanceCountsRow, b: AttendanceCountsRow) =>
    compare(a.profile, b.profile) || compare(a.funderId, b.funderId) || compare(a.cohort, b.cohort);
  return {
    from: range.from,
    to: range.to,
    generatedAt: now.toISOString(),
    ...wholePage([...rows.values()].map(({ week, ...c }) => ({ week, ...finish(c, minGroup) })).sort((a, b) => compare(a.week, b.week) || order(a, b))),
    totals: [...totals.values()].map((c) => finish(c, minGroup)).sort(order),
  };
}
