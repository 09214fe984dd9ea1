// (f) Dashboard queries over 10k students on the embedded read store. A realistic history is produced by
// the real deciders (generatedReadSideHistory: four profiles, waits, sessions held / missed / cancelled,
// attendance facts, follow-ups, changes of mentor, pauses, completions), projected into a file-backed
// embedded read store by the real projections, then each query's logic (what its handler runs after the
// access check) is timed over many actors. Measured, not asserted. BENCH_QUICK=1: 2,000 students.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { EmbeddedReadStore, ReadStore } from '@mentoring/read-store';
import {
  createAnalyticsProjection,
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

/**
 * A full garbage collection, so that the garbage of building the history (a few hundred MB) is not
 * collected during the timed queries: they are measured as a long-running API process would serve them.
 */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** Any key: the bench measures the projection, not the key. */
const BENCH_PSEUDONYM_KEY = 'bench-analytics-pseudonym-key-0123456789';

async function project(readStore: ReadStore, students: number) {
  let started = performance.now();
  const history = generatedReadSideHistory({ students, seed: 42 });
  const events = history.scenario.recorded();
  const generated = (performance.now() - started) / 1000;
  const timings: string[] = [];
  for (const projection of [mentorCaseloadsProjection, dashboardsProjection, createAnalyticsProjection(BENCH_PSEUDONYM_KEY)]) {
    started = performance.now();
    await projection.setup?.(readStore);
    for (let i = 0; i < events.length; i += 1000) await applyBatch(readStore, projection, events.slice(i, i + 1000));
    timings.push(`${projection.name} ${Math.round(events.length / ((performance.now() - started) / 1000))} events/s`);
  }
  const summary: [string, string] = [
    `(f) read side: ${students} students, ${history.mentorIds.length} mentors, ${events.length} events from the deciders, projected into a file-backed embedded store`,
    `generated in ${generated.toFixed(1)} s; ${timings.join(', ')}`,
  ];
  return { now: history.now, mentorIds: history.mentorIds, tutorIds: history.tutorIds, funderIds: history.funderIds, summary };
}

type Measure = [string, number, (store: ReadStore, i: number) => Promise<unknown>];

/** What GET /oversight/apprentices and GET /funders/{id}/attendance answer without ?limit: the first 100. */
const FIRST_PAGE = { limit: 100 };

export async function benchDashboards(options: { students?: number } = {}): Promise<Array<[string, string]>> {
  const students = options.students ?? (Number(process.env.BENCH_READ_SIDE_STUDENTS) || (process.env.BENCH_QUICK === '1' ? 2000 : 10_000));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-read-side-'));
  const file = path.join(dir, 'read-models.sqlite');
  let readStore: ReadStore = new EmbeddedReadStore({ file });
  const out: Array<[string, string]> = [];
  try {
    // The history is built and projected in a function of its own, so that its 150k events are garbage
    // (not live heap the collector keeps walking) while the queries are timed.
    const { now: nowIso, mentorIds, tutorIds, funderIds, summary } = await project(readStore, students);
    out.push(summary);
    const now = new Date(nowIso);
    const week = isoWeekOf(nowIso)!;
    const range = { from: addIsoWeeks(week, -11), to: week };
    const dashboards: Measure[] = [
      ['GetMentorDashboard (a mentor’s students, next sessions, pending actions)', 1000, (store, i) => readMentorDashboard(store, mentorIds[(i * 7) % mentorIds.length], now)],
      ['GetTeamDashboard (waiting, follow-ups, requests, recordings, alerts of 2 weeks, near capacity; 50 per list)', 300, (store) => readTeamDashboard(store, now, DEFAULT_TEAM_DASHBOARD_OPTIONS)],
      // The reports of one party answer a page (ADR 0008): their first page of 100, with the totals of the whole party.
      ['GetOverseenApprentices as a tutor (R2), first page of 100', 1000, (store, i) => readOverseenApprentices(store, { tutorId: tutorIds[(i * 7) % tutorIds.length] }, now, FIRST_PAGE)],
      ['GetOverseenApprentices as an employer (R2), first page of 100', 1000, (store, i) => readOverseenApprentices(store, { partyId: funderIds[i % 40] }, now, FIRST_PAGE)],
      ['GetFunderAttendance, a company or employer (R4), first page of 100 and the totals', 500, (store, i) => readFunderAttendance(store, funderIds[i % 70], now, undefined, FIRST_PAGE)],
      [
        `GetFunderAttendance, a public funder (R4, ~${Math.round(students / 10).toLocaleString('en')} students), first page of 100 and the totals`,
        200,
        (store, i) => readFunderAttendance(store, funderIds[70 + (i % 2)], now, undefined, FIRST_PAGE),
      ],
    ];
    const analytics: Measure[] = [
      ['GetWeeklyAnalytics (12 weeks x 4 profiles, median/p90)', 50, (store) => readWeeklyAnalytics(store, range, now)],
      ['GetAttendanceAnalytics (12 weeks, per profile/funder/cohort)', 50, (store) => readAttendanceAnalytics(store, range, now)],
      ['GetMentorLoadAnalytics', 200, (store) => readMentorLoad(store, now)],
    ];
    const run = async (measures: Measure[], where: string) => {
      for (const [name, runs, call] of measures) {
        const t = await time(runs, (i) => call(readStore, i));
        out.push([`(f) ${name}, ${students} students, embedded store ${where}, ${t.runs} runs`, `p99 ${ms(t.p99)} (p50 ${ms(t.p50)}, max ${ms(t.max)})`]);
      }
    };
    // In the process that projected the history (a long-running API), then after a restart (the API
    // opening the read store from its file).
    collectGarbage();
    await run(dashboards, 'in the projecting process');
    await readStore.close();
    readStore = new EmbeddedReadStore({ file });
    collectGarbage();
    await run(dashboards, 'after a restart');
    await run(analytics, 'after a restart');
    return out;
  } finally {
    await readStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
