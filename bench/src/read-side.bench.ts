// (f) Dashboard queries over 10k students on the embedded read store. A realistic history is produced by
// the real deciders (generatedReadSideHistory: four profiles, waits, sessions held / missed / cancelled,
// attendance facts, follow-ups, changes of mentor, pauses, completions), projected into a file-backed
// embedded read store by the real projections, then each query's logic (what its handler runs after the
// access check) is timed over many actors. Measured, not asserted. BENCH_QUICK=1: 2,000 students.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedReadStore, ReadStore } from '@mentoring/read-store';
import {
  analyticsProjection,
  applyBatch,
  dashboardsProjection,
  generatedReadSideHistory,
  isoWeekOf,
  addIsoWeeks,
  mentorCaseloadsProjection,
} from '@mentoring/projections';
import { readMentorDashboard } from '@mentoring/api/dist/use-cases/get-mentor-dashboard/mentor-dashboard.read';
import { readTeamDashboard, DEFAULT_TEAM_DASHBOARD_OPTIONS } from '@mentoring/api/dist/use-cases/get-team-dashboard/team-dashboard.read';
import { readOverseenApprentices } from '@mentoring/api/dist/use-cases/get-overseen-apprentices/overseen-apprentices.read';
import { readFunderAttendance } from '@mentoring/api/dist/use-cases/get-funder-attendance/funder-attendance.read';
import { readWeeklyAnalytics } from '@mentoring/api/dist/use-cases/get-weekly-analytics/weekly-analytics.read';
import { readAttendanceAnalytics } from '@mentoring/api/dist/use-cases/get-attendance-analytics/attendance-analytics.read';
import { readMentorLoad } from '@mentoring/api/dist/use-cases/get-mentor-load-analytics/mentor-load.read';

interface Timed {
  p50: number;
  p99: number;
  max: number;
  runs: number;
}

async function time(runs: number, call: (i: number) => Promise<unknown>): Promise<Timed> {
  for (let i = 0; i < Math.min(20, runs); i++) await call(i); // warm-up
  const timings: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await call(i);
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  const at = (p: number) => timings[Math.min(timings.length - 1, Math.ceil(p * timings.length) - 1)];
  return { p50: at(0.5), p99: at(0.99), max: timings[timings.length - 1], runs };
}

const ms = (n: number) => `${n.toFixed(2)} ms`;

export async function benchDashboards(options: { students?: number } = {}): Promise<Array<[string, string]>> {
  const students = options.students ?? (process.env.BENCH_QUICK === '1' ? 2000 : 10_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-read-side-'));
  const readStore: ReadStore = new EmbeddedReadStore({ file: path.join(dir, 'read-models.sqlite') });
  const out: Array<[string, string]> = [];
  try {
    let started = performance.now();
    const history = generatedReadSideHistory({ students, seed: 42 });
    const events = history.scenario.recorded();
    const generated = performance.now() - started;

    started = performance.now();
    for (const projection of [mentorCaseloadsProjection, dashboardsProjection, analyticsProjection]) {
      await projection.setup?.(readStore);
      for (let i = 0; i < events.length; i += 1000) await applyBatch(readStore, projection, events.slice(i, i + 1000));
    }
    const projected = (performance.now() - started) / 1000;
    out.push([
      `(f) read side: ${students} students, ${history.mentorIds.length} mentors, ${events.length} events from the deciders, projected (caseloads, dashboards, analytics)`,
      `generated in ${(generated / 1000).toFixed(1)} s, projected in ${projected.toFixed(1)} s (${Math.round((events.length * 3) / projected)} event deliveries/s)`,
    ]);

    const now = new Date(history.now);
    const week = isoWeekOf(history.now)!;
    const range = { from: addIsoWeeks(week, -11), to: week };
    const { mentorIds, tutorIds, funderIds } = history;
    const measures: Array<[string, number, (i: number) => Promise<unknown>]> = [
      ['GetMentorDashboard (a mentor’s students, next sessions, pending actions)', 1000, (i) => readMentorDashboard(readStore, mentorIds[(i * 7) % mentorIds.length], now)],
      ['GetTeamDashboard (waiting, follow-ups, requests, recordings, alerts, near capacity; 50 per list)', 300, () => readTeamDashboard(readStore, now, DEFAULT_TEAM_DASHBOARD_OPTIONS)],
      ['GetOverseenApprentices as a tutor (R2)', 1000, (i) => readOverseenApprentices(readStore, { tutorId: tutorIds[(i * 7) % tutorIds.length] }, now)],
      ['GetOverseenApprentices as an employer (R2)', 1000, (i) => readOverseenApprentices(readStore, { partyId: funderIds[i % 40] }, now)],
      ['GetFunderAttendance, a company or employer (R4)', 500, (i) => readFunderAttendance(readStore, funderIds[i % 70], now)],
      ['GetFunderAttendance, a public funder (~1,000 students, R4)', 100, (i) => readFunderAttendance(readStore, funderIds[70 + (i % 2)], now)],
      ['GetWeeklyAnalytics (12 weeks x 4 profiles, median/p90)', 50, () => readWeeklyAnalytics(readStore, range, now)],
      ['GetAttendanceAnalytics (12 weeks, per profile/funder/cohort)', 50, () => readAttendanceAnalytics(readStore, range, now)],
      ['GetMentorLoadAnalytics', 200, () => readMentorLoad(readStore, now)],
    ];
    for (const [name, runs, call] of measures) {
      const t = await time(runs, call);
      out.push([`(f) ${name}, ${students} students, embedded store, ${t.runs} runs`, `p99 ${ms(t.p99)} (p50 ${ms(t.p50)}, max ${ms(t.max)})`]);
    }
    return out;
  } finally {
    await readStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
