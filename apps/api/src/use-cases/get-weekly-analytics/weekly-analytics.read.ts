// Analytics per funding profile and per ISO week, from the aggregate buckets the analytics projection keeps
// (analytics-buckets.ts): students enrolled, time waiting for a mentor, time from assignment to the discovery
// session (count, median, p90), and the mentor-change rate. Reads the durations of the weeks and profiles of the
// range and the counts of the weeks up to its end (the students with a mentor are a running sum): never the
// per-student documents, so the cost does not grow with the school. No names, e-mails or disability data exist
// in what is read here.
import { ANALYTICS_DURATIONS, ANALYTICS_WEEKS, AnalyticsDurationsBucket, AnalyticsWeekBucket, durationValues, isoWeekIndex, isoWeekStartMs, isoWeeksBetween } from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import { Page, wholePage } from '../read-side-support/keyset';
import { PROFILES } from '../read-side-support/params';
import { DurationSummary, durationSummary, round } from '../read-side-support/stats';

export interface WeeklyAnalyticsRow {
  week: string;
  /** Monday of the week (YYYY-MM-DD). */
  weekStart: string;
  profile: string;
  studentsEnrolled: number;
  /** Students first assigned during the week: how long they had waited since enrolment. */
  waitingForMentor: DurationSummary;
  /** Discovery sessions held during the week: time since the start of the mentorship (assignment or change). */
  assignmentToDiscovery: DurationSummary;
  mentorChanges: number;
  /** Of which asked for by the student (R8). */
  requestedMentorChanges: number;
  /** Students who had a mentor at some time during the week. */
  mentoredStudents: number;
  /** mentorChanges / mentoredStudents. */
  mentorChangeRate: number | null;
}

/** One row per week and profile, weeks in order: the whole table (`nextCursor` is always null). */
export interface WeeklyAnalyticsView extends Page<WeeklyAnalyticsRow> {
  from: string;
  to: string;
  generatedAt: string;
}

interface Acc {
  enrolled: number;
  waits: number[];
  toDiscovery: number[];
  changes: number;
  requested: number;
  mentored: number;
}

export async function readWeeklyAnalytics(store: ReadStore, range: { from: string; to: string }, now: Date, profile?: string, minGroup = 1): Promise<WeeklyAnalyticsView> {
  const weeks = isoWeeksBetween(range.from, range.to);
  const starts = weeks.map(isoWeekStartMs);
  const profiles = profile ? [profile] : [...PROFILES];
  const accs = new Map<string, Acc>();
  for (const w of weeks) for (const p of profiles) accs.set(`${w}|${p}`, { enrolled: 0, waits: [], toDiscovery: [], changes: 0, requested: 0, mentored: 0 });

  if (weeks.length > 0) {
    const first = isoWeekIndex(weeks[0])!;
    const last = first + weeks.length - 1;
    // Without a profile, every bucket of the weeks (those of a profile not in PROFILES are left out below): a
    // filter on the week alone is one the embedded store answers from its index without parsing documents.
    const ofProfiles = profile ? { profile } : {};
    const [counts, durations] = await Promise.all([
      store
        .collection<AnalyticsWeekBucket>(ANALYTICS_WEEKS)
        .find({ weekIndex: { $lte: last }, ...ofProfiles }, { projection: { _id: 0, profile: 1, weekIndex: 1, enrolled: 1, changes: 1, requested: 1, starting: 1, ending: 1 } }),
      store
        .collection<AnalyticsDurationsBucket>(ANALYTICS_DURATIONS)
        .find({ weekIndex: { $gte: first, $lte: last }, ...ofProfiles }, { projection: { _id: 0, profile: 1, weekIndex: 1, waits: 1, toDiscovery: 1 } }),
    ]);
    for (const b of durations) {
      const a = accs.get(`${weeks[b.weekIndex - first]}|${b.profile}`);
      if (!a) continue;
      for (const minutes of durationValues(b.waits)) a.waits.push(minutes);
      for (const minutes of durationValues(b.toDiscovery)) a.toDiscovery.push(minutes);
    }
    for (const p of profiles) {
      const mine = counts.filter((b) => b.profile === p).sort((x, y) => x.weekIndex - y.weekIndex);
      // With a mentor in week w: Σ starting over the weeks ≤ w minus Σ ending over the weeks < w.
      let started = 0;
      let ended = 0;
      let i = 0;
      let j = 0;
      weeks.forEach((w, k) => {
        const index = first + k;
        const a = accs.get(`${w}|${p}`)!;
        for (; i < mine.length && mine[i].weekIndex <= index; i++) {
          started += mine[i].starting ?? 0;
          if (mine[i].weekIndex === index) {
            a.enrolled += mine[i].enrolled ?? 0;
            a.changes += mine[i].changes ?? 0;
            a.requested += mine[i].requested ?? 0;
          }
        }
        for (; j < mine.length && mine[j].weekIndex < index; j++) ended += mine[j].ending ?? 0;
        a.mentored = started - ended;
      });
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
