// Bench section (m), issue 13 point 1: does the API's memory grow with the number of read-model documents?
// For each school size (10,000 and 50,000 students by default, with one mentor per 33 students), the lists
// data set (lists.bench.ts: real deciders, appended straight to the event store file) is seeded, the API
// (`npm start`'s entry, its own process, embedded default) is started and every projection and reactor
// caught up; the API's RSS is sampled from /proc during the catch-up (peak) and read once caught up. The API
// is then stopped and started again on the same files: time to /health, RSS after the restart and after a
// round of queries (lists, a mentor's dashboard, the team dashboard). Measured, not asserted.
// Alone: `node bench/dist/read-store-memory.bench.js` (after `npx tsc -b`); READSTORE_MEM_STUDENTS=10000,50000
// for other sizes; BENCH_QUICK=1 for 2,000 and 10,000 students.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { signToken } from '@mentoring/api/dist/http/auth';
import { benchEnv } from './bench-env';
import { caughtUp, seedDataSet, startApi } from './lists.bench';
import { rssMb } from './measure';

type Row = [string, string];

const MiB = 1024 * 1024;

/** Samples `pid`'s RSS every 100 ms until stopped; returns the peak. */
function sampleRss(pid: number): () => number {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    const now = rssMb(pid);
    if (now > peak) peak = now;
  }, 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssMb(pid));
  };
}

function fileMiB(dir: string, prefix: string): number {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0) / MiB;
}

async function queries(base: string, mentorIds: string[]): Promise<void> {
  const secret = benchEnv().JWT_SECRET;
  const staff = { authorization: `Bearer ${await signToken(secret, 'bench-staff', 'staff')}` };
  const urls = ['/students?limit=50', '/students?sort=-enrolledAt&limit=50', '/students?q=kowal&limit=50', '/mentors?hasCapacity=true', '/team/dashboard'];
  for (let round = 0; round < 5; round++) {
    for (const url of urls) await fetch(`${base}${url}`, { headers: staff }).then((r) => r.text());
    for (const mentorId of mentorIds.slice(round * 10, round * 10 + 10)) {
      const mentor = { authorization: `Bearer ${await signToken(secret, mentorId, 'mentor')}` };
      await fetch(`${base}/mentors/${mentorId}/dashboard`, { headers: mentor }).then((r) => r.text());
      await fetch(`${base}/students?limit=50`, { headers: mentor }).then((r) => r.text());
    }
  }
}

async function measureSchool(students: number): Promise<Row[]> {
  const mentors = Math.max(60, Math.round(students / 33));
  const label = `(m) ${students.toLocaleString('en')} students, ${mentors} mentors`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-bench-rsmem-'));
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    const { data, events, seeded } = await seedDataSet(dataDir, students, mentors);
    let started = performance.now();
    api = await startApi(dataDir);
    const peak = sampleRss(api.pid);
    await caughtUp(api.base, 1_800_000);
    const catchUp = (performance.now() - started) / 1000;
    const peakCatchUp = peak();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const afterCatchUp = rssMb(api.pid);
    await api.stop();
    const readModels = fileMiB(dataDir, 'read-models.sqlite');

    started = performance.now();
    api = await startApi(dataDir);
    const restart = (performance.now() - started) / 1000;
    await caughtUp(api.base);
    const afterRestart = rssMb(api.pid);
    await queries(api.base, data.mentorIds);
    const afterQueries = rssMb(api.pid);
    await api.stop();

    return [
      [
        `${label}: seeded`,
        `${events.toLocaleString('en')} events appended in ${seeded.toFixed(1)} s; read-models.sqlite ${readModels.toFixed(0)} MiB after the catch-up`,
      ],
      [
        `${label}: first start, catch-up of every projection and reactor`,
        `${catchUp.toFixed(1)} s; API RSS peak ${peakCatchUp.toFixed(0)} MiB, ${afterCatchUp.toFixed(0)} MiB once caught up`,
      ],
      [
        `${label}: restart on the same files`,
        `/health in ${restart.toFixed(1)} s; API RSS ${afterRestart.toFixed(0)} MiB, ${afterQueries.toFixed(0)} MiB after 5 rounds of lists and dashboards`,
      ],
    ];
  } finally {
    await api?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchReadStoreMemory(quick = process.env.BENCH_QUICK === '1'): Promise<Row[]> {
  const sizes = (process.env.READSTORE_MEM_STUDENTS ?? (quick ? '2000,10000' : '10000,50000')).split(',').map(Number);
  const rows: Row[] = [];
  for (const students of sizes) {
    const measured = await measureSchool(students);
    for (const row of measured) console.log(`${row[0]}: ${row[1]}`);
    rows.push(...measured);
  }
  rows.push([`(m) machine`, `${os.cpus().length} vCPUs, 1-minute load average ${os.loadavg()[0].toFixed(1)} at the end`]);
  return rows;
}

if (require.main === module) {
  void benchReadStoreMemory()
    .then((rows) => rows.forEach(([name, value]) => console.log(`| ${name} | ${value} |`)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
