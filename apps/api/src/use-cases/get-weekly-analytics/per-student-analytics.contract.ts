// TEST ORACLE ONLY (kept out of the build, like the *.contract.ts files of the libraries): the analytics
// queries as they were before issue 13, computed per request by scanning every anonymised per-student
// document. The bucket-based queries (weekly-analytics.read.ts, attendance-analytics.read.ts) must give
// deep-equal answers; analytics-buckets.spec.ts compares them on generated histories.
import { ANALYTICS_STUDENTS, AnalyticsStudentDoc, isoWeekStartMs, isoWeeksBetween } from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import { wholePage } from '../read-side-support/keyset';
import { PROFILES } from '../read-side-support/params';
import { attendanceRate, compare, durationSummary, round } from '../read-side-support/stats';
import type { AttendanceAnalyticsView, AttendanceCountsRow, AttendanceFilters } from '../get-attendance-analytics/attendance-analytics.read';
import type { WeeklyAnalyticsRow, WeeklyAnalyticsView } from './weekly-analytics.read';
const WEEK_MS = 7 * 86_400_000;

interface Acc {
  enrolled: number;
  waits: number[];
  toDiscovery: number[];
  changes: number;
  requested: number;
  mentored: number;
}

export async function perStudentWeeklyAnalytics(store: ReadStore, range: { from: string; to: string }, now: Date, profile?: string, minGroup = 1): Promise<WeeklyAnalyticsView> {
  const weeks = isoWeeksBetween(range.from, range.to);
  const starts = weeks.map(isoWeekStartMs);
  const profiles = profile ? [profile] : [...PROFILES];
  const accs = new Map<string, Acc>();
  for (const w of weeks) for (const p of profiles) accs.set(`${w}|${p}`, { enrolled: 0, waits: [], toDiscovery: [], changes: 0, requested: 0, mentored: 0 });
  const acc = (week: string | null, p: string) => (week === null ? undefined : accs.get(`${week}|${p}`));

  const docs = await store.collection<AnalyticsStudentDoc>(ANALYTICS_STUDENTS).find(profile ? { profile } : {}, {
    projection: { profile: 1, enrolledWeek: 1, firstAssignedAt: 1, firstAssignedWeek: 1, minutesWaitingForMentor: 1, mentorships: 1, mentorChanges: 1, endedAt: 1 },
  });
  for (const d of docs) {
    const p = d.profile;
    if (p === null || !profiles.includes(p)) continue;
    const enrolled = acc(d.enrolledWeek, p);
    if (enrolled) enrolled.enrolled += 1;
    if (d.minutesWaitingForMentor !== null) acc(d.firstAssignedWeek, p)?.waits.push(d.minutesWaitingForMentor);
    for (const m of d.mentorships) if (m.minutesToDiscovery !== null) acc(m.discoveryWeek, p)?.toDiscovery.push(m.minutesToDiscovery);
    for (const c of d.mentorChanges) {
      const a = acc(c.week, p);
      if (!a) continue;
      a.changes += 1;
      if (c.requested) a.requested += 1;
    }
    if (d.firstAssignedAt !== null) {
      const assigned = Date.parse(d.firstAssignedAt);
      const ended = d.endedAt === null ? Infinity : Date.parse(d.endedAt);
      for (let i = 0; i < weeks.length; i++) {
        if (assigned < starts[i] + WEEK_MS && ended >= starts[i]) accs.get(`${weeks[i]}|${p}`)!.mentored += 1;
      }
    }
  }
  const rows: WeeklyAnalyticsRow[] = [];
  weeks.forEach((week, i) => {
    for (const p of profiles) {
      const a = accs.get(`${week}|${p}`)!;
      rows.push({
        week,
        weekStart: new Date(starts[i]).toISOString().slice(0, 10),
        profile: p,
        studentsEnrolled: a.enrolled,
        waitingForMentor: durationSummary(a.waits, minGroup),
        assignmentToDiscovery: durationSummary(a.toDiscovery, minGroup),
        mentorChanges: a.changes,
        requestedMentorChanges: a.requested,
        mentoredStudents: a.mentored,
        mentorChangeRate: a.mentored === 0 ? null : round(a.changes / a.mentored, 4),
      });
    }
  });
  return { from: range.from, to: range.to, generatedAt: now.toISOString(), ...wholePage(rows) };
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

export async function perStudentAttendanceAnalytics(
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
