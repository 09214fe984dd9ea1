// Analytics per funding profile and per ISO week, from the anonymised per-student documents: students
// enrolled, time waiting for a mentor, time from assignment to the discovery session (count, median,
// p90), and the mentor-change rate. No names, e-mails or disability data exist in what is read here.
import { ANALYTICS_STUDENTS, AnalyticsStudentDoc, isoWeekStartMs, isoWeeksBetween } from '@mentoring/projections';
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

const WEEK_MS = 7 * 86_400_000;

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
