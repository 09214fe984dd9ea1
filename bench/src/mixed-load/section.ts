// Bench section (g), the acceptance run of issue 8: 32 clients send the mixed load (enrol, assign, change
// mentor, withdraw, complete, change capacity, book, move and cancel sessions) for 60 s (BENCH_QUICK: 10 s)
// to the API in its own process on the embedded default; the reservations process settles (a short
// RESERVATION_GRACE_SECONDS and scheduler tick); the server stops and the SQLite event store itself is
// folded (libs/application/src/invariants). Prints the commands by type and status and the invariant counts.
// Also runs alone: `node bench/dist/mixed-load/section.js` (after `npm run build`).
import { benchEnv } from '../bench-env';
import { startApiProcess } from '../api-process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkEventStoreInvariants, formatInvariantReport, invariantViolations } from '@mentoring/application';
import { loadConfig } from '@mentoring/config';
import { createEventStore } from '@mentoring/event-store';
import { signToken } from '@mentoring/api/dist/http/auth';
import { MixedLoad, poster } from './driver';

const CLIENTS = 32;
const MENTORS = 24;
const GRACE_SECONDS = 1;
const TICK_SECONDS = 1;

type Row = [string, string];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The real API (`npm start`'s entry) on the embedded default, with a short grace period and scheduler tick. */
const startApi = (dataDir: string) =>
  startApiProcess(dataDir, { env: { RESERVATION_GRACE_SECONDS: String(GRACE_SECONDS), REACTOR_TICK_SECONDS: String(TICK_SECONDS) }, readyWithinMs: 30_000 });

interface Health {
  eventStore: { head: string | null };
  projections: Array<{ lag: number }>;
  reactors: Array<{ lag: number }>;
}

/** Waits until every projection and process is caught up and the head has not moved for a grace period and two ticks. */
async function settle(base: string): Promise<number> {
  const started = Date.now();
  const quiet = (GRACE_SECONDS + 2 * TICK_SECONDS + 1) * 1000;
  let head: string | null = null;
  let since = Date.now();
  // The lag is among the details of /health, which only an admin token gets.
  const headers = { authorization: `Bearer ${await signToken(benchEnv().JWT_SECRET, 'bench-ops', 'admin')}` };
  while (Date.now() - started < 120_000) {
    const health = (await (await fetch(`${base}/health`, { headers })).json()) as Health;
    const caughtUp = [...health.projections, ...health.reactors].every((s) => s.lag === 0);
    if (!caughtUp || health.eventStore.head !== head) {
      head = health.eventStore.head;
      since = Date.now();
    } else if (Date.now() - since >= quiet) {
      return Date.now() - started;
    }
    await sleep(250);
  }
  throw new Error('the projections and processes did not settle within 120 s');
}

export async function benchMixedLoad(quick = process.env.BENCH_QUICK === '1'): Promise<Row[]> {
  const seconds = quick ? 10 : 60;
  const label = `(g) mixed load, ${CLIENTS} clients, ${seconds} s`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-bench-mixed-'));
  const api = await startApi(dataDir);
  const rows: Row[] = [];
  try {
    const token = await signToken(benchEnv().JWT_SECRET, 'bench-staff', 'staff');
    const load = await MixedLoad.start(poster(api.base, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }), MENTORS);
    const end = Date.now() + seconds * 1000;
    await load.run(CLIENTS, () => Date.now() >= end);
    rows.push([`${label}: commands sent by type and status`, `${load.sent} (${Math.round(load.sent / seconds)}/s): ${load.byCommand()}`]);
    if (load.unexpected.length > 0) rows.push([`${label}: unexpected answers (first ${load.unexpected.length})`, load.unexpected.join('; ')]);

    const settledMs = await settle(api.base);
    await api.stop();
    const store = createEventStore({ dataDir, synchronous: 'FULL' });
    try {
      const report = await checkEventStoreInvariants(store);
      rows.push([
        `${label}: event store folded after settling (${(settledMs / 1000).toFixed(1)} s, grace ${GRACE_SECONDS} s)`,
        `${report.events} events, ${report.mentors} mentors, ${report.students} students (${report.totals.assignedStudents} assigned): ` +
          `${report.overCapacityPositions} over-capacity positions, ${report.twoMentors} students with two mentors, ` +
          `${report.overlappingSessions} overlapping sessions, ${report.caseloadMismatches} caseload mismatches, ${report.calendarMismatches} calendar mismatches`,
      ]);
      if (invariantViolations(report) > 0) console.log(formatInvariantReport(report));
    } finally {
      await store.close();
    }
  } finally {
    await api.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) {
  void benchMixedLoad()
    .then((rows) => rows.forEach(([name, value]) => console.log(`${name}: ${value}`)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
