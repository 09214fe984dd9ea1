// Bench section (l), issue 13 point 4: requests while a projection is rebuilt in the same process. Seeds a school
// with `npm run seed` (the real deciders, appended straight to the event store, projected with --project), starts
// the API (`main.js`, embedded default) in its own process, waits until every subscriber has caught up, then
// measures one command client (EnrolStudent, POST /students) and one query client (GET /students/{id}) side by
// side: first idle, then while POST /admin/projections/dashboards/rebuild runs, until the rebuild has switched.
// Prints p50/p99/max of each, the rebuild's duration and rate, and the API's RSS. Measured, never asserted.
// Alone: `npx tsc -b && node bench/dist/rebuild-under-load.bench.js`. Size: BENCH_REBUILD_EVENTS (about; default
// 200,000, BENCH_QUICK=1 40,000; the target of issue 13 is 2,000,000) or BENCH_REBUILD_DATA_DIR (a seeded DATA_DIR,
// used as it is and kept); BENCH_REBUILD_IDLE_SECONDS (default 10).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { signToken } from '@mentoring/api/dist/http/auth';
import { benchEnv } from './bench-env';
import { seedSchool, startApiProcess } from './api-process';
import { rssMb, show, sleep, stats } from './measure';

type Row = [string, string];
/** Events a seeded student brings on average (`npm run seed`: enrolment, assignment, sessions, …). */
const EVENTS_PER_STUDENT = 19.4;

const startApi = (dataDir: string) => startApiProcess(dataDir, { readyWithinMs: 300_000 });

export async function benchRebuildUnderLoad(quick = process.env.BENCH_QUICK === '1'): Promise<Row[]> {
  const target = Number(process.env.BENCH_REBUILD_EVENTS ?? (quick ? 40_000 : 200_000));
  const idleSeconds = Number(process.env.BENCH_REBUILD_IDLE_SECONDS ?? (quick ? 5 : 10));
  const students = Math.max(100, Math.round(target / EVENTS_PER_STUDENT));
  // An existing DATA_DIR (e.g. the 100,000-student school of `npm run seed -- --students 100000 --project`) is used
  // as it is and kept; otherwise a school of about `target` events is seeded into a temporary one.
  const given = process.env.BENCH_REBUILD_DATA_DIR;
  const dataDir = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-bench-rebuild-'));
  const rows: Row[] = [];
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    let started = performance.now();
    let seeded = `the school in ${dataDir}`;
    let seedSeconds = 0;
    if (!given) {
      seeded = seedSchool(dataDir, students);
      seedSeconds = (performance.now() - started) / 1000;
    }
    started = performance.now();
    api = await startApi(dataDir);
    const secret = benchEnv().JWT_SECRET;
    const admin = { authorization: `Bearer ${await signToken(secret, 'bench-admin', 'admin')}` };
    const staff = { authorization: `Bearer ${await signToken(secret, 'bench-staff', 'staff')}`, 'content-type': 'application/json' };
    // Every projection and reactor caught up (the reactors process the seeded history at this first start).
    let events = 0;
    for (const deadline = Date.now() + 3_600_000; ; await sleep(500)) {
      if (Date.now() > deadline) throw new Error('the subscribers did not catch up within an hour');
      const health = (await (await fetch(`${api.base}/health`, { headers: admin })).json()) as { projections: Array<{ lag: number }>; reactors: Array<{ lag: number }> };
      if ([...health.projections, ...health.reactors].every((s) => s.lag === 0)) break;
    }
    const caughtUp = (performance.now() - started) / 1000;
    rows.push([`(l) rebuild under load: data set`, `${seeded}; seed + --project ${seedSeconds.toFixed(0)} s; API start to every subscriber caught up ${caughtUp.toFixed(1)} s, RSS ${rssMb(api.pid)} MB`]);

    const ids: string[] = [];
    let enrolled = 0;
    const enrol = async (): Promise<void> => {
      const i = enrolled++;
      const response = await fetch(`${api!.base}/students`, {
        method: 'POST',
        headers: staff,
        body: JSON.stringify({ name: `Bench Student ${i}`, email: `bench${i}@students.example`, trainingPath: 'web-development', registeredDisability: false, startDate: '2026-09-01', funding: { kind: 'self_funded' } }),
      });
      const body = (await response.json()) as { studentId?: string };
      if (response.status !== 201 || !body.studentId) throw new Error(`POST /students: ${response.status} ${JSON.stringify(body)}`);
      ids.push(body.studentId);
    };
    // Reads name students the read model has had for a while (those enrolled before the phase began): a student
    // enrolled a moment ago may not be projected yet while a rebuild takes its turns, and its 404 would be no fault.
    let readable: string[] = [];
    const read = async (): Promise<void> => {
      const id = readable[Math.floor(Math.random() * readable.length)];
      const response = await fetch(`${api!.base}/students/${id}`, { headers: staff });
      await response.text();
      if (response.status !== 200) throw new Error(`GET /students/${id}: ${response.status}`);
    };
    for (let i = 0; i < 30; i++) await enrol();
    await sleep(1000);
    readable = [...ids];
    for (let i = 0; i < 30; i++) await read();

    /** One command client and one query client, each sending its next request when the last one is answered. */
    const load = async (until: () => boolean | Promise<boolean>) => {
      readable = [...ids];
      const commands: number[] = [];
      const queries: number[] = [];
      let peak = 0;
      let stop = false;
      const client = async (call: () => Promise<void>, into: number[]) => {
        while (!stop) {
          const t = performance.now();
          await call();
          into.push(performance.now() - t);
          // A pause like a person's between two clicks, so that the clients measure latency, not saturate the API.
          await sleep(5);
        }
      };
      const running = [client(enrol, commands), client(read, queries)];
      const t = performance.now();
      while (!(await until())) {
        peak = Math.max(peak, rssMb(api!.pid));
        await sleep(100);
      }
      stop = true;
      await Promise.all(running);
      return { commands: stats(commands), queries: stats(queries), seconds: (performance.now() - t) / 1000, peak };
    };

    // A rebuild asked for before (an upgrade's, or one a stop gave up) runs to its end first: idle means idle.
    for (;;) {
      const body = (await (await fetch(`${api.base}/admin/projections`, { headers: admin })).json()) as { items: Array<{ rebuild: { state: string } | null }> };
      if (!body.items.some((p) => p.rebuild && (p.rebuild.state === 'running' || p.rebuild.state === 'requested'))) break;
      await sleep(1000);
    }
    const idleEnd = performance.now() + idleSeconds * 1000;
    const idle = await load(() => performance.now() > idleEnd);
    const total = Number(/: (\d+) events/.exec(seeded)?.[1] ?? 0);
    const response = await fetch(`${api.base}/admin/projections/dashboards/rebuild`, { method: 'POST', headers: admin });
    if (response.status !== 202) throw new Error(`POST /admin/projections/dashboards/rebuild: ${response.status} ${await response.text()}`);
    let state = 'requested';
    const during = await load(async () => {
      const body = (await (await fetch(`${api!.base}/admin/projections`, { headers: admin })).json()) as { items: Array<{ name: string; rebuild: { state: string; done: number } | null }> };
      const rebuild = body.items.find((p) => p.name === 'dashboards')?.rebuild;
      state = rebuild?.state ?? 'unknown';
      events = rebuild?.done ?? 0;
      return state === 'switched' || state === 'failed';
    });
    if (state !== 'switched') throw new Error(`the rebuild ended ${state}`);
    const label = `(l) ${total || events} events, embedded store, 1 command + 1 query client`;
    rows.push([`${label}: idle, ${idleSeconds} s`, `EnrolStudent ${show(idle.commands)}; GET /students/{id} ${show(idle.queries)}; RSS ${idle.peak} MB`]);
    rows.push([
      `${label}: during POST /admin/projections/dashboards/rebuild`,
      `EnrolStudent ${show(during.commands)}; GET /students/{id} ${show(during.queries)}; rebuild of ${events} events in ${during.seconds.toFixed(1)} s ` +
        `(${Math.round(events / during.seconds)} events/s, as seen by polling); RSS peak ${during.peak} MB`,
    ]);
    return rows;
  } finally {
    await api?.stop();
    if (!given) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchRebuildUnderLoad()
    .then((rows) => rows.forEach(([name, value]) => console.log(`${name}: ${value}`)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
