// Bench (n), issue 13's targets on a big school, measured on the real API (`npm start`'s entry) in its own process:
//  1. start to /health/ready and the RSS then; when subscribers are behind (a first start after `npm run seed` runs
//     the reactors over the whole history), the catch-up, its rate and the RSS peak;
//  2. the mixed load of bench (g) plus query clients (lists, a student, a mentor's and the team's dashboards) for
//     SOAK_MINUTES, the API's RSS sampled every 10 s and printed per window (target ≤ 500 MB after an hour);
//  3. command latency, one client, one command at a time, on this store after the load and on a fresh store of
//     about 1,000 events (target: p50 and p99 within 20 % of each other at 1k and 2M events);
//  4. a restart after the load, every subscriber caught up (target ≤ 5 s to /health/ready, ≤ 400 MB).
// Measured, never asserted. Usage (after `npm run build`):
//   DATA_DIR=/data/school npm run seed -- --students 100000 --project
//   SOAK_DATA_DIR=/data/school node bench/dist/soak.bench.js
// Without SOAK_DATA_DIR a school of SOAK_STUDENTS (default 2,000) is seeded into a temporary directory.
// SOAK_MINUTES (default 60; BENCH_QUICK=1: 2), SOAK_CLIENTS (command clients, default 16), SOAK_QUERY_CLIENTS
// (default 4), SOAK_THINK_MS (each client's pause between two requests, default 20), SOAK_WINDOW_MINUTES (default
// 5), SOAK_LOAD_DURING_CATCH_UP=1 (start the load at once instead of after the catch-up), SOAK_SETTLE_MINUTES (how long
// each wait for the subscribers to catch up may last before the bench goes on and says so; default 180).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { signToken } from '@mentoring/api/dist/http/auth';
import { benchEnv } from './bench-env';
import { ApiProcess, seedSchool, startApiProcess } from './api-process';
import { rssMb, show, sleep, stats } from './measure';
import { MixedLoad, poster } from './mixed-load/driver';

type Row = [string, string];

interface Health {
  eventStore: { head: string | null };
  projections: Array<{ name: string; lag: number }>;
  reactors: Array<{ name: string; lag: number }>;
}

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function headers() {
  const secret = benchEnv().JWT_SECRET;
  return {
    admin: { authorization: `Bearer ${await signToken(secret, 'bench-admin', 'admin')}` },
    staff: { authorization: `Bearer ${await signToken(secret, 'bench-staff', 'staff')}`, 'content-type': 'application/json' },
  };
}

async function health(api: ApiProcess, admin: Record<string, string>): Promise<Health> {
  return (await (await fetch(`${api.base}/health`, { headers: admin })).json()) as Health;
}

const behind = (h: Health) => [...h.projections, ...h.reactors].reduce((max, s) => Math.max(max, s.lag), 0);

/**
 * Starts the API and measures what a start costs: time to /health and to /health/ready, the RSS at ready, and,
 * when subscribers were behind, the catch-up. `settled` resolves once every subscriber is caught up; the rows go
 * to `out` as they are measured (the load may run meanwhile).
 */
async function start(dataDir: string, out: (row: Row) => void, prefix = '(n)', settleMinutes = num('SOAK_SETTLE_MINUTES', 180)): Promise<{ api: ApiProcess; label: string; settled: Promise<void> }> {
  const started = performance.now();
  // The reactors' tick and the reservations' grace period as configured by default (a school's settings).
  const api = await startApiProcess(dataDir, { readyWithinMs: 600_000 });
  const up = (performance.now() - started) / 1000;
  const { admin } = await headers();
  const first = await health(api, admin);
  const head = Number(first.eventStore.head ?? 0);
  const label = `${prefix} the school in ${dataDir} (head ${head.toLocaleString('en')})`;
  const lagAtStart = behind(first);
  const settled = (async () => {
    let ready = Number.NaN;
    let peak = rssMb(api.pid);
    // /health/ready is 503 while a subscriber is further behind than READY_MAX_LAG_EVENTS, e.g. the reactors'
    // first catch-up after a seed: the catch-up is then measured too.
    for (const deadline = Date.now() + settleMinutes * 60_000; ; await sleep(1000)) {
      peak = Math.max(peak, rssMb(api.pid));
      if (Number.isNaN(ready) && (await fetch(`${api.base}/health/ready`).then((r) => r.status === 200, () => false))) {
        ready = (performance.now() - started) / 1000;
        out([`${label}: start to /health / to /health/ready`, `${up.toFixed(1)} s / ${ready.toFixed(1)} s; RSS at ready ${rssMb(api.pid)} MB (subscribers behind by up to ${lagAtStart.toLocaleString('en')} events at start)`]);
      }
      const lag = behind(await health(api, admin));
      if (lag === 0 && !Number.isNaN(ready)) break;
      if (Date.now() > deadline) {
        // Measured as it is: the rows say that the subscribers were still behind.
        out([`${label}: not caught up after ${settleMinutes} min`, `subscribers behind by up to ${lag.toLocaleString('en')} events (${lagAtStart.toLocaleString('en')} at start); /health/ready ${Number.isNaN(ready) ? 'not yet 200' : 'answered'}; RSS peak ${peak} MB, now ${rssMb(api.pid)} MB`]);
        return;
      }
    }
    if (lagAtStart > 0) {
      const seconds = (performance.now() - started) / 1000;
      out([`${label}: every subscriber caught up`, `${seconds.toFixed(0)} s after the start, ${Math.round(lagAtStart / seconds).toLocaleString('en')} events/s of the log for the furthest behind; RSS peak ${peak} MB, now ${rssMb(api.pid)} MB`]);
    }
  })();
  return { api, label, settled };
}

/** One client, one command at a time: 500 enrolments, then 500 assignments of them to mentors with room (after 20 of each to warm up). */
async function commandLatency(api: ApiProcess, tag: string): Promise<{ enrol: ReturnType<typeof stats>; assign: ReturnType<typeof stats> }> {
  const { staff } = await headers();
  const post = poster(api.base, staff);
  const mentors: string[] = [];
  for (let i = 0; i < 9; i++) {
    const answer = await post('/mentors', { name: `Probe Mentor ${i}`, email: `pm${i}@${tag}.example`, trainingPaths: ['web'], capacity: 60, disabilityFriendly: false });
    mentors.push(answer.body.mentorId);
  }
  const timed = async (url: string, body: unknown, into: number[]) => {
    const t = performance.now();
    const answer = await post(url, body);
    into.push(performance.now() - t);
    if (answer.status !== 201 && answer.status !== 200) throw new Error(`${url}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  };
  const enrol: number[] = [];
  const assign: number[] = [];
  const students: string[] = [];
  for (let i = 0; i < 520; i++) {
    const answer = await timed('/students', { name: `Probe ${i}`, email: `p${i}@${tag}.example`, trainingPath: 'web', registeredDisability: false, startDate: '2027-01-04', funding: { kind: 'self_funded' } }, enrol);
    students.push(answer.body.studentId);
  }
  for (const [i, id] of students.entries()) await timed(`/students/${id}/assignment`, { mentorId: mentors[i % mentors.length] }, assign);
  // The first 20 of each warm the path (JIT, caches) and are left out.
  return { enrol: stats(enrol.slice(20)), assign: stats(assign.slice(20)) };
}

/** Queries a dashboard user sends: a list page, a student, a mentor's dashboard, the team's dashboard, the mentors. */
async function queryClient(base: string, staff: Record<string, string>, mentorIds: string[], studentIds: string[], until: () => boolean, thinkMs: number, into: number[], failures: string[]) {
  const urls = [
    () => '/students?status=awaiting_mentor&limit=20',
    () => `/students/${studentIds[Math.floor(Math.random() * studentIds.length)]}`,
    () => `/mentors/${mentorIds[Math.floor(Math.random() * mentorIds.length)]}/dashboard`,
    () => '/team/dashboard',
    () => '/mentors?hasCapacity=true&limit=20',
  ];
  for (let i = 0; !until(); i++) {
    const url = urls[i % urls.length]();
    const t = performance.now();
    const response = await fetch(`${base}${url}`, { headers: staff });
    await response.arrayBuffer();
    into.push(performance.now() - t);
    if (response.status !== 200 && failures.length < 5) failures.push(`GET ${url}: ${response.status}`);
    if (thinkMs > 0) await sleep(thinkMs);
  }
}

export async function benchSoak(quick = process.env.BENCH_QUICK === '1'): Promise<Row[]> {
  const minutes = num('SOAK_MINUTES', quick ? 2 : 60);
  const windowMinutes = num('SOAK_WINDOW_MINUTES', quick ? 1 : 5);
  const clients = num('SOAK_CLIENTS', 16);
  const queryClients = num('SOAK_QUERY_CLIENTS', 4);
  const thinkMs = num('SOAK_THINK_MS', 20);
  const given = process.env.SOAK_DATA_DIR;
  const dataDir = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-bench-soak-'));
  const smallDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-bench-soak-small-'));
  const rows: Row[] = [];
  const out = (row: Row) => {
    rows.push(row);
    console.log(`${row[0]}: ${row[1]}`);
  };
  let api: ApiProcess | undefined;
  try {
    if (!given) out(['(n) data set', seedSchool(dataDir, num('SOAK_STUDENTS', 2000))]);
    const tag = `soak${Date.now().toString(36)}`;

    // Command latency on a small store first (about 1,000 events: 50 seeded students), as the reference.
    out(['(n) reference store', seedSchool(smallDir, 50)]);

    // SOAK_LOAD_DURING_CATCH_UP=1: the load starts at once, while the subscribers catch up (a first start after a
    // seed runs the reactors over the whole history); otherwise it waits until they have.
    const duringCatchUp = process.env.SOAK_LOAD_DURING_CATCH_UP === '1';
    const started = await start(dataDir, out);
    api = started.api;
    if (!duringCatchUp) await started.settled;
    const { staff } = await headers();
    const mentorIds = ((await (await fetch(`${api.base}/mentors?limit=200`, { headers: staff })).json()) as { items: Array<{ mentorId: string }> }).items.map((m) => m.mentorId);
    const studentIds = ((await (await fetch(`${api.base}/students?limit=200`, { headers: staff })).json()) as { items: Array<{ studentId: string }> }).items.map((s) => s.studentId);
    const load = await MixedLoad.start(poster(api.base, staff), 24, tag);
    load.recordLatency = true;
    const end = Date.now() + minutes * 60_000;
    const until = () => Date.now() >= end;
    const queries: number[] = [];
    const failures: string[] = [];
    const rssAtLoadStart = rssMb(api.pid);
    let peak = rssAtLoadStart;
    const running = Promise.all([
      load.run(clients, until, thinkMs),
      ...Array.from({ length: queryClients }, () => queryClient(api!.base, staff, mentorIds, studentIds, until, thinkMs, queries, failures)),
    ]);
    const label = `(n) mixed load, ${clients} command + ${queryClients} query clients (pause ${thinkMs} ms)`;
    let sentBefore = 0;
    for (let window = 1; !until(); window++) {
      const windowEnd = Math.min(end, Date.now() + windowMinutes * 60_000);
      const samples: number[] = [];
      while (Date.now() < windowEnd) {
        await sleep(Math.min(10_000, Math.max(0, windowEnd - Date.now())));
        samples.push(rssMb(api.pid));
      }
      peak = Math.max(peak, ...samples);
      const commands = stats(load.latencies.splice(0));
      const reads = stats(queries.splice(0));
      const sent = load.sent - sentBefore;
      sentBefore = load.sent;
      out([
        `${label}: minute ${+(window * windowMinutes).toFixed(1)} of ${minutes}`,
        `RSS ${samples[samples.length - 1]} MB (window max ${Math.max(...samples)}); ${sent} commands (${Math.round(sent / (windowMinutes * 60))}/s) ${show(commands)}; queries ${show(reads)}`,
      ]);
    }
    await running;
    const h = await health(api, (await headers()).admin);
    out([`${label}: after ${minutes} min`, `RSS ${rssMb(api.pid)} MB (at the load's start ${rssAtLoadStart} MB, peak ${peak} MB); ${load.sent} commands: ${load.byCommand()}; subscribers behind by ${behind(h)} events; head ${h.eventStore.head}`]);
    if (load.unexpected.length + failures.length > 0) out([`${label}: unexpected answers`, [...load.unexpected, ...failures].join('; ')]);

    // Command latency on the big store once every subscriber is caught up and the load has stopped, then on the small one.
    await started.settled;
    const big = await commandLatency(api, `${tag}b`);
    // The reference right after, so that both see the same machine.
    await api.stop();
    api = undefined;
    const small = await start(smallDir, () => undefined);
    await small.settled;
    const reference = await commandLatency(small.api, tag);
    await small.api.stop();
    out([`(n) command latency, one client, a store of ~1,000 events`, `EnrolStudent ${show(reference.enrol)}; AssignMentor ${show(reference.assign)}`]);
    const ratio = (a: number, b: number) => `${a >= b ? '+' : ''}${((a / b - 1) * 100).toFixed(0)} %`;
    out([
      `${started.label}: command latency after the load, one client`,
      `EnrolStudent ${show(big.enrol)}; AssignMentor ${show(big.assign)}; against ~1,000 events: EnrolStudent p50 ${ratio(big.enrol.p50, reference.enrol.p50)}, p99 ${ratio(big.enrol.p99, reference.enrol.p99)}; AssignMentor p50 ${ratio(big.assign.p50, reference.assign.p50)}, p99 ${ratio(big.assign.p99, reference.assign.p99)}`,
    ]);

    // A restart once every subscriber is caught up: what an operator's deploy costs.
    const restarted = await start(dataDir, out, '(n) restart after the load:');
    api = restarted.api;
    await restarted.settled;
    return rows;
  } finally {
    await api?.stop();
    if (!given) fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(smallDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchSoak().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
