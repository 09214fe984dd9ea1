// Aggregates of the anonymised per-student analytics documents, kept by the analytics projection in the same
// unit of work as the student document, so that the analytics queries read a number of documents bounded by
// weeks × profiles (or weeks × groups), whatever the size of the school (issue 13).
//
// Each student document *contributes* to a few buckets (studentContributions). When an event changes a
// student document, the projection writes the difference between its contributions before and after
// (studentBucketDeltas, bucketDeltas): counts are incremented or decremented, values are pushed or (never in
// today's fold, but the diff is generic) removed. A bucket therefore always equals the sum of the contributions
// of the current student documents, whatever order the events came in, and a rebuild gives the same buckets.
//
// Counts and lists of durations are in separate documents: most events change a count, and a count's document
// stays small however many students a week has. Weeks are numbered (`weekIndex`: weeks since the ISO week of
// 1970-01-01) so that ranges are numeric.
import type { Doc, ReadStoreTransaction, Update } from '@mentoring/read-store';
import type { AnalyticsAttendanceWeek, AnalyticsStudent } from './analytics.projection';
import { isoWeekOf, isoWeekStartMs } from './iso-week';

/** Per ISO week and funding profile: enrolments, changes of mentor, students whose weeks with a mentor begin or end. */
export const ANALYTICS_WEEKS = 'analytics_weeks';
/** Per ISO week and funding profile: waits for a first mentor and times to the discovery session. */
export const ANALYTICS_DURATIONS = 'analytics_durations';
/** Per ISO week and group (profile, funder, cohort): session outcomes and students with an attendance entry. */
export const ANALYTICS_ATTENDANCE = 'analytics_attendance';

export const ANALYTICS_BUCKET_COLLECTIONS = [ANALYTICS_WEEKS, ANALYTICS_DURATIONS, ANALYTICS_ATTENDANCE] as const;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The week number of an instant (ms): weeks since Monday 29 December 1969, the Monday of 1970-01-01's ISO week. */
export function isoWeekIndexOfMs(ms: number): number {
  return Math.floor((ms + 3 * DAY_MS) / WEEK_MS);
}

// A school's documents name a few hundred weeks: each is parsed once (the projection asks on every event).
const WEEK_INDEX_CACHE_LIMIT = 10_000;
const weekIndexes = new Map<string, number | null>();

/** The week number of an ISO week (`2026-W10`), or null when `week` is not one. */
export function isoWeekIndex(week: string | null | undefined): number | null {
  if (typeof week !== 'string') return null;
  let index = weekIndexes.get(week);
  if (index === undefined) {
    const start = isoWeekStartMs(week);
    index = Number.isNaN(start) ? null : isoWeekIndexOfMs(start);
    if (weekIndexes.size >= WEEK_INDEX_CACHE_LIMIT) weekIndexes.clear();
    weekIndexes.set(week, index);
  }
  return index;
}

const weeksOfIndexes = new Map<number, string | null>();

/** The ISO week of a week number, or null beyond the range of dates. */
function isoWeekOfIndex(index: number): string | null {
  let week = weeksOfIndexes.get(index);
  if (week === undefined) {
    const monday = index * WEEK_MS - 3 * DAY_MS;
    week = Math.abs(monday) <= 8.64e15 ? isoWeekOf(new Date(monday).toISOString()) : null;
    if (weeksOfIndexes.size >= WEEK_INDEX_CACHE_LIMIT) weeksOfIndexes.clear();
    weeksOfIndexes.set(index, week);
  }
  return week;
}

/**
 * `analytics_weeks`: `_id` is `<weekIndex>|<profile>`. Counts never incremented are missing (read as 0).
 * A student assigned a mentor had one during the weeks from that of the first assignment to that of the end of
 * training (or for ever): `starting` counts the students whose weeks with a mentor begin in this week, `ending`
 * those whose last such week is this one. The students with a mentor in week w are Σ starting over the weeks
 * ≤ w minus Σ ending over the weeks < w.
 */
export interface AnalyticsWeekBucket extends Doc {
  profile: string;
  /** Null only for a week beyond the range of dates. */
  week: string | null;
  weekIndex: number;
  enrolled?: number;
  changes?: number;
  /** Of which asked for by the student. */
  requested?: number;
  starting?: number;
  ending?: number;
}

/**
 * A multiset of durations in minutes: `[minutes, how many]` pairs in ascending order of the minutes, never a count of
 * 0. A week's list costs what its distinct values cost to rewrite, so equal durations (students assigned at their
 * enrolment, an import) cost one pair, not one entry each.
 */
export type DurationCounts = Array<[number, number]>;

/** `analytics_durations`: `_id` is `<weekIndex>|<profile>`. A field never written is missing (read as none). */
export interface AnalyticsDurationsBucket extends Doc {
  profile: string;
  week: string;
  weekIndex: number;
  /** Minutes waited for a first mentor, of the students first assigned in the week. */
  waits?: DurationCounts;
  /** Minutes from the start of a mentorship to its discovery session, of the discovery sessions held in the week. */
  toDiscovery?: DurationCounts;
}

/** `counts` with one occurrence of each of `less` taken out (when there) and each of `more` added. */
export function mergeDurationCounts(counts: ReadonlyArray<readonly [number, number]>, less: readonly number[], more: readonly number[]): DurationCounts {
  const byValue = new Map<number, number>(counts.map(([minutes, n]) => [minutes, n]));
  for (const minutes of less) {
    const n = byValue.get(minutes) ?? 0;
    if (n <= 1) byValue.delete(minutes);
    else byValue.set(minutes, n - 1);
  }
  for (const minutes of more) byValue.set(minutes, (byValue.get(minutes) ?? 0) + 1);
  return [...byValue].sort((a, b) => a[0] - b[0]);
}

/** The durations of `counts`, each as many times as counted, in ascending order. */
export function durationValues(counts: ReadonlyArray<readonly [number, number]> | undefined): number[] {
  const out: number[] = [];
  for (const [minutes, n] of counts ?? []) for (let i = 0; i < n; i++) out.push(minutes);
  return out;
}

/**
 * `analytics_attendance`: `_id` is `<weekIndex>|<JSON [profile, funderId, cohort]>`. `students`: the students
 * with an attendance entry in the week; `previous`: the same students by the week of their previous entry
 * (`none` for a first one), so that the distinct students of a range [a, b] are the entries of its weeks whose
 * previous week is before a or none.
 */
export interface AnalyticsAttendanceBucket extends Doc {
  profile: string | null;
  funderId: string | null;
  cohort: string | null;
  week: string;
  weekIndex: number;
  students?: number;
  held?: number;
  noShows?: number;
  lateCancellations?: number;
  substantialDelays?: number;
  weeksWithoutSession?: number;
  previous?: Record<string, number>;
}

/** The key of `previous` for a first attendance entry. */
export const NO_PREVIOUS_WEEK = 'none';

/** What one student adds to one bucket. */
interface Contribution {
  collection: string;
  id: string;
  /** The bucket's identifying fields (the same for every student adding to it). */
  key: Record<string, unknown>;
  counts: Record<string, number>;
  lists: Record<string, number[]>;
}

/** A student's contributions, by collection and bucket id. */
export type Contributions = Map<string, Contribution>;

/** What to change in one bucket. */
export interface BucketDelta {
  collection: string;
  id: string;
  key: Record<string, unknown>;
  inc: Record<string, number>;
  push: Record<string, number[]>;
  /** Values to remove (one occurrence each). */
  pull: Record<string, number[]>;
}

type Sum = 'held' | 'noShows' | 'lateCancellations' | 'substantialDelays' | 'weeksWithoutSession';
const SUMS: readonly Sum[] = ['held', 'noShows', 'lateCancellations', 'substantialDelays', 'weeksWithoutSession'] satisfies ReadonlyArray<keyof AnalyticsAttendanceWeek>;

/** A student's attendance in one week (entries of the same week taken together), with the week of the previous one. */
interface AttendanceRow extends Record<Sum, number> {
  index: number;
  week: string;
  /** The week of the student's previous attendance row, or {@link NO_PREVIOUS_WEEK}. */
  previous: string;
}

/** Entries of a week that is not an ISO week of a four-digit year are left out: they are never in a range asked for. */
function attendanceRows(s: AnalyticsStudent): AttendanceRow[] {
  const byIndex = new Map<number, AttendanceRow>();
  for (const entry of s.attendance) {
    const index = isoWeekIndex(entry.week);
    if (index === null) continue;
    let row = byIndex.get(index);
    if (!row) byIndex.set(index, (row = { index, week: entry.week, previous: NO_PREVIOUS_WEEK, held: 0, noShows: 0, lateCancellations: 0, substantialDelays: 0, weeksWithoutSession: 0 }));
    for (const field of SUMS) row[field] += entry[field];
  }
  const rows = [...byIndex.values()].sort((a, b) => a.index - b.index);
  for (let i = 1; i < rows.length; i++) rows[i].previous = rows[i - 1].week;
  return rows;
}

const sameRow = (a: AttendanceRow, b: AttendanceRow) => a.index === b.index && a.previous === b.previous && SUMS.every((f) => a[f] === b[f]);

type Group = Pick<AnalyticsStudent, 'profile' | 'funderId' | 'cohort'>;
const sameGroup = (a: Group, b: Group) => a.profile === b.profile && a.funderId === b.funderId && a.cohort === b.cohort;

function contributionsOf(out: Contributions) {
  const bucket = (collection: string, id: string, key: Record<string, unknown>): Contribution => {
    const slot = `${collection}\n${id}`;
    let c = out.get(slot);
    if (!c) out.set(slot, (c = { collection, id, key, counts: {}, lists: {} }));
    return c;
  };
  const add = (c: Contribution, field: string, by = 1) => {
    if (by !== 0) c.counts[field] = (c.counts[field] ?? 0) + by;
  };
  return { bucket, add };
}

/** What a student adds to the weekly counts and durations of their profile. */
function addWeekly(s: AnalyticsStudent, out: Contributions): void {
  const p = s.profile;
  if (p === null) return;
  const { bucket, add } = contributionsOf(out);
  const inWeek = (collection: string, index: number) => bucket(collection, `${index}|${p}`, { profile: p, week: isoWeekOfIndex(index), weekIndex: index });
  const counts = (week: string | null) => {
    const index = isoWeekIndex(week);
    return index === null ? undefined : inWeek(ANALYTICS_WEEKS, index);
  };
  const durations = (week: string | null, minutes: number | null) => {
    const index = minutes === null ? null : isoWeekIndex(week);
    return index === null ? undefined : inWeek(ANALYTICS_DURATIONS, index).lists;
  };
  const enrolled = counts(s.enrolledWeek);
  if (enrolled) add(enrolled, 'enrolled');
  const assigned = durations(s.firstAssignedWeek, s.minutesWaitingForMentor);
  if (assigned) (assigned.waits ??= []).push(s.minutesWaitingForMentor!);
  for (const m of s.mentorships) {
    const discovery = durations(m.discoveryWeek, m.minutesToDiscovery);
    if (discovery) (discovery.toDiscovery ??= []).push(m.minutesToDiscovery!);
  }
  for (const c of s.mentorChanges) {
    const changed = counts(c.week);
    if (!changed) continue;
    add(changed, 'changes');
    if (c.requested) add(changed, 'requested');
  }
  // With a mentor in week w: first assigned before the end of w, and not ended before its start. An
  // unparsable instant (NaN) is never either, as in that comparison.
  if (s.firstAssignedAt !== null) {
    const first = isoWeekIndexOfMs(Date.parse(s.firstAssignedAt));
    const last = s.endedAt === null ? Infinity : isoWeekIndexOfMs(Date.parse(s.endedAt));
    if (first <= last) {
      add(inWeek(ANALYTICS_WEEKS, first), 'starting');
      if (last !== Infinity) add(inWeek(ANALYTICS_WEEKS, last), 'ending');
    }
  }
}

/** What attendance rows of a student in `group` add to the attendance buckets. */
function addAttendance(group: Group, rows: readonly AttendanceRow[], out: Contributions): void {
  const { bucket, add } = contributionsOf(out);
  const name = JSON.stringify([group.profile, group.funderId, group.cohort]);
  for (const row of rows) {
    const c = bucket(ANALYTICS_ATTENDANCE, `${row.index}|${name}`, { profile: group.profile, funderId: group.funderId, cohort: group.cohort, week: row.week, weekIndex: row.index });
    add(c, 'students');
    for (const field of SUMS) add(c, field, row[field]);
    add(c, `previous.${row.previous}`);
  }
}

/** What a student document adds to the buckets, in a form that the difference of two is cheap to take. */
export interface StudentBuckets {
  /** The student's group, null for no student. */
  group: Group | null;
  /** The weekly counts and durations. */
  weekly: Contributions;
  attendance: AttendanceRow[];
}

/** Taken of the document as it is: before an event, take it before the fold runs (in case a fold ever changed its input). */
export function studentBuckets(s: AnalyticsStudent | null): StudentBuckets {
  const weekly: Contributions = new Map();
  if (!s) return { group: null, weekly, attendance: [] };
  addWeekly(s, weekly);
  return { group: { profile: s.profile, funderId: s.funderId, cohort: s.cohort }, weekly, attendance: attendanceRows(s) };
}

/** Every bucket a student document adds to, and what it adds. */
export function studentContributions(s: AnalyticsStudent | null): Contributions {
  const { group, weekly, attendance } = studentBuckets(s);
  if (group) addAttendance(group, attendance, weekly);
  return weekly;
}

/**
 * What changes in the buckets when a student document goes from `before` to `after`: the difference of their
 * {@link studentContributions}. The attendance rows both have in common (same group, week, sums and previous
 * week) add the same on both sides and are left out before the difference is taken: an event changes one or
 * two of a student's weeks, not the dozens the document holds.
 */
export function studentBucketDeltas(before: StudentBuckets, after: StudentBuckets): BucketDelta[] {
  const was = new Map(before.weekly);
  const is = new Map(after.weekly);
  let rowsBefore = before.attendance;
  let rowsAfter = after.attendance;
  if (before.group && after.group && sameGroup(before.group, after.group)) {
    const kept = new Map(rowsBefore.map((r) => [r.index, r]));
    const same = new Set(rowsAfter.filter((r) => kept.has(r.index) && sameRow(kept.get(r.index)!, r)).map((r) => r.index));
    rowsBefore = rowsBefore.filter((r) => !same.has(r.index));
    rowsAfter = rowsAfter.filter((r) => !same.has(r.index));
  }
  if (before.group) addAttendance(before.group, rowsBefore, was);
  if (after.group) addAttendance(after.group, rowsAfter, is);
  return bucketDeltas(was, is);
}

/** `values` less one occurrence of each of `less` (in the order of `values`). */
function minus(values: readonly number[], less: readonly number[]): number[] {
  const left = new Map<number, number>();
  for (const v of less) left.set(v, (left.get(v) ?? 0) + 1);
  const out: number[] = [];
  for (const v of values) {
    const n = left.get(v) ?? 0;
    if (n > 0) left.set(v, n - 1);
    else out.push(v);
  }
  return out;
}

/** What changes in the buckets when a student's contributions go from `before` to `after`. */
export function bucketDeltas(before: Contributions, after: Contributions): BucketDelta[] {
  const out: BucketDelta[] = [];
  for (const slot of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(slot);
    const a = after.get(slot);
    const { collection, id, key } = (a ?? b)!;
    const delta: BucketDelta = { collection, id, key, inc: {}, push: {}, pull: {} };
    let changed = false;
    for (const field of new Set([...Object.keys(b?.counts ?? {}), ...Object.keys(a?.counts ?? {})])) {
      const by = (a?.counts[field] ?? 0) - (b?.counts[field] ?? 0);
      if (by !== 0) (delta.inc[field] = by), (changed = true);
    }
    for (const field of new Set([...Object.keys(b?.lists ?? {}), ...Object.keys(a?.lists ?? {})])) {
      const was = b?.lists[field] ?? [];
      const is = a?.lists[field] ?? [];
      const added = minus(is, was);
      const removed = minus(was, is);
      if (added.length > 0) (delta.push[field] = added), (changed = true);
      if (removed.length > 0) (delta.pull[field] = removed), (changed = true);
    }
    if (changed) out.push(delta);
  }
  return out;
}

const isEmpty = (o: object) => Object.keys(o).length === 0;

/**
 * Writes `deltas` through `tx`: one upsert with `$inc`, and for durations that change, the bucket is read and its
 * counts set again ({@link mergeDurationCounts}; a removal takes one occurrence of a value). A `$push` of every
 * value with `$sort` made each event rewrite (and, in the embedded store, copy and sort in mingo) a list as long as
 * the week's students: 2.7k events/s for a rebuild with 20,000 students in one week.
 */
export async function applyBucketDeltas(tx: ReadStoreTransaction, deltas: readonly BucketDelta[]): Promise<void> {
  for (const d of deltas) {
    const buckets = tx.collection(d.collection);
    // The bucket's identifying fields are written when it is created, with the first change.
    const update: Update = { $setOnInsert: d.key };
    if (!isEmpty(d.inc)) update.$inc = d.inc;
    if (!isEmpty(d.push) || !isEmpty(d.pull)) {
      const current = await buckets.findOne({ _id: d.id });
      const $set: Record<string, unknown> = (update.$set = {});
      for (const field of new Set([...Object.keys(d.push), ...Object.keys(d.pull)])) {
        const stored = current?.[field];
        $set[field] = mergeDurationCounts(Array.isArray(stored) ? (stored as DurationCounts) : [], d.pull[field] ?? [], d.push[field] ?? []);
      }
    }
    await buckets.updateOne({ _id: d.id }, update, { upsert: true });
  }
}
