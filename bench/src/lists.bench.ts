// Bench section (h), issue 9: the lists and suggestions a frontend calls, over HTTP on the real API (`npm
// start`'s entry, in its own process) on the embedded default (SQLite event store, embedded read store).
// Seeding: 300 mentors (mixed training paths and capacities, a third disability-friendly, 30 unavailable now
// and 20 with an unavailability to come) and 10,000 students (four funding profiles, four training paths, ~45 %
// awaiting a mentor, the others active, paused, completed or withdrawn) are decided by the real deciders
// (ReadSideScenario) and appended straight to the event store file; the API then projects them at start and
// the section waits until every projection and reactor is caught up. Each query is then timed from one client
// (p50/p95/p99/max, req/s, and the API process's CPU time per request, which other load on the machine does
// not change), and its throughput measured with 8 clients. The per-client rate limit is off. Measured, not
// asserted. Also runs alone: `node bench/dist/lists.bench.js` (after `npx tsc -b`); BENCH_QUICK=1 for 2,000
// students; LISTS_STUDENTS / LISTS_MENTORS for other sizes (LISTS_CATCH_UP_SECONDS: how long the first catch-up may take, default students / 100, at least 300); LISTS_API_NODE_OPTIONS for flags of the API
// process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (the profile is written when the section stops it).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Actor } from '@mentoring/domain';
import { SqliteEventStore } from '@mentoring/event-store';
import { ReadSideScenario } from '@mentoring/projections';
import { signToken } from '@mentoring/api/dist/http/auth';
import { benchEnv } from './bench-env';
import { ApiProcess, startApiProcess } from './api-process';

type Row = [string, string];

const CLIENTS = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ─── Seeding ─────────────────────────────────────────────────────────────────────────────────────────────────

/** mulberry32: the same seed gives the same data set. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Olivia', 'Noah', 'Liam', 'Sofia', 'Yusuf', 'Mila', 'Kwame', 'Ines', 'Tomasz', 'Priya', 'Jonas', 'Lucia', 'Hiroshi', 'Zoe', 'Ravi', 'Marta'];
const LAST = ['Novak', 'Silva', 'Okoro', 'Jensen', 'Moreau', 'Kowalski', 'Tanaka', 'Rossi', 'Haddad', 'Murphy', 'Santos', 'Lindqvist', 'Nguyen', 'Petrov'];
/** Name fragments searched with `q=` (lower case, as a user types them). */
const FRAGMENTS = ['kowal', 'tanak', 'priya', 'novak', 'lindq', 'okoro', 'hiro', 'murph', 'rossi', 'yusuf'];
const PATHS = ['web-development', 'data-science', 'ux-design', 'devops'];
const PATH_WEIGHTS = [0.45, 0.3, 0.15, 0.1];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

export interface DataSet {
  scenario: ReadSideScenario;
  mentorIds: string[];
  waitingStudentIds: string[];
  counts: Record<string, number>;
}

export function dataSet(students: number, mentors: number, now: number): DataSet {
  const rand = random(9);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const chance = (p: number) => rand() < p;
  const weightedPath = () => {
    let r = rand();
    for (let i = 0; i < PATHS.length; i++) if ((r -= PATH_WEIGHTS[i]) < 0) return PATHS[i];
    return PATHS[0];
  };
  const s = new ReadSideScenario();
  const start = now - 120 * DAY;
  const counts: Record<string, number> = { awaiting_mentor: 0, active: 0, paused: 0, completed: 0, withdrawn: 0 };

  const mentorIds: string[] = [];
  const friendly = new Set<string>();
  const paths = new Map<string, string[]>();
  for (let i = 0; i < mentors; i++) {
    const mentorId = `mentor-${String(i + 1).padStart(4, '0')}`;
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    const own = [PATHS[i % PATHS.length]];
    if (chance(0.5)) own.push(PATHS[(i + 1 + Math.floor(rand() * 3)) % PATHS.length]);
    const isFriendly = i % 3 === 0;
    if (isFriendly) friendly.add(mentorId);
    paths.set(mentorId, own);
    s.mentor('RegisterMentor', {
      mentorId,
      name,
      email: `${name.toLowerCase().replace(' ', '.')}.${i + 1}@mentors.example`,
      trainingPaths: own,
      capacity: 10 + Math.floor(rand() * 41),
      disabilityFriendly: isFriendly,
      disabilityTrainingCompletedOn: isFriendly ? iso(start - 60 * DAY).slice(0, 10) : null,
      at: iso(start - 30 * DAY),
    });
    mentorIds.push(mentorId);
  }

  const companies = Array.from({ length: 40 }, (_, i) => ({ id: `company-${i + 1}`, name: `Company ${i + 1} Ltd` }));
  const employers = Array.from({ length: 30 }, (_, i) => ({ id: `employer-${i + 1}`, name: `Employer ${i + 1} plc` }));
  const publicFunders = [
    { id: 'funder-north', name: 'Northern Employment Agency' },
    { id: 'funder-south', name: 'Southern Skills Fund' },
  ];
  const cohorts = ['2026-winter', '2026-spring', '2025-autumn', '2026-summer'];
  const waitingStudentIds: string[] = [];
  let cursor = 0;
  const findMentor = (trainingPath: string, disability: boolean): string | null => {
    for (let tries = 0; tries < mentorIds.length; tries++) {
      const mentorId = mentorIds[(cursor + tries) % mentorIds.length];
      if (!paths.get(mentorId)!.includes(trainingPath) || (disability && !friendly.has(mentorId)) || s.remaining(mentorId) <= 0) continue;
      cursor = (cursor + tries + 1) % mentorIds.length;
      return mentorId;
    }
    return null;
  };

  for (let i = 0; i < students; i++) {
    const studentId = `student-${String(i + 1).padStart(6, '0')}`;
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    // Enrolments spread over 110 days, in order (each stream's events are in time order).
    const enrolledMs = start + Math.floor(((i + rand()) * 110 * DAY) / students);
    const startDate = iso(enrolledMs).slice(0, 10);
    const endDate = `${Number(startDate.slice(0, 4)) + 1}${startDate.slice(4)}`;
    const p = rand();
    let funding: Record<string, unknown>;
    if (p < 0.35) {
      const company = pick(companies);
      const tutor = { id: `tutor-${company.id}-${1 + Math.floor(rand() * 3)}`, name: `Tutor of ${company.name}`, email: `tutor@${company.id}.example` };
      funding = { kind: 'apprenticeship', company, employer: company, tutor, rhythm: { studyWeeks: 1, workWeeks: 3 }, endDate };
    } else if (p < 0.6) {
      funding = { kind: 'employee', employer: pick(employers), schedule: 'Tuesdays 09:00-12:00', purpose: 'development_plan', endDate };
    } else if (p < 0.8) {
      funding = { kind: 'social_programme', publicFunder: pick(publicFunders), cohort: pick(cohorts), attendanceContractRef: `contract-${i + 1}`, endDate };
    } else {
      funding = { kind: 'self_funded' };
    }
    const disability = chance(0.08);
    const trainingPath = weightedPath();
    s.student('EnrolStudent', {
      studentId,
      name,
      email: `${name.toLowerCase().replace(' ', '.')}.${i + 1}@students.example`,
      trainingPath,
      registeredDisability: disability,
      startDate,
      funding: funding as never,
      at: iso(enrolledMs),
    });
    const assignedMs = enrolledMs + 2 * HOUR + Math.floor(rand() * 5 * DAY);
    const mentorId = chance(0.55) && assignedMs < now - DAY ? findMentor(trainingPath, disability) : null;
    if (!mentorId) {
      waitingStudentIds.push(studentId);
      counts.awaiting_mentor++;
      continue;
    }
    s.assign(studentId, mentorId, iso(assignedMs));
    const endMs = Math.min(now - HOUR, assignedMs + (5 + Math.floor(rand() * 30)) * DAY);
    const r = rand();
    if (r < 0.08) {
      s.end(studentId, 'completed', iso(endMs));
      counts.completed++;
    } else if (r < 0.13) {
      s.end(studentId, 'withdrawn', iso(endMs));
      counts.withdrawn++;
    } else if (funding.kind === 'self_funded' && r < 0.3) {
      const student: Actor = { id: studentId, role: 'student' };
      s.student('PauseTraining', { studentId, reason: 'Exams at work', at: iso(endMs), by: student });
      counts.paused++;
    } else {
      counts.active++;
    }
  }

  // Unavailabilities, declared once the assignments are made: 30 mentors now, 20 from 5 days on.
  for (let k = 0; k < 50 && k < mentors; k++) {
    const mentorId = mentorIds[(k * 7 + 3) % mentors];
    const current = k < 30;
    s.mentor('DeclareMentorUnavailability', {
      mentorId,
      unavailabilityId: `leave-${k}`,
      from: iso(current ? now - 3 * DAY : now + 5 * DAY),
      to: iso(current ? now + 10 * DAY : now + 12 * DAY),
      reason: current ? 'Parental leave' : 'Holidays',
      at: iso(now - 4 * DAY),
      by: { id: 'staff-1', role: 'staff' },
    });
  }
  return { scenario: s, mentorIds, waitingStudentIds, counts };
}

/** Decides the data set in memory and appends it to `<dataDir>/events.sqlite` before any API opens it. */
export async function seedDataSet(dataDir: string, students: number, mentors: number): Promise<{ data: DataSet; events: number; seeded: number }> {
  const started = performance.now();
  const data = dataSet(students, mentors, Date.now());
  const eventStore = new SqliteEventStore({ file: path.join(dataDir, 'events.sqlite'), synchronous: 'NORMAL' });
  await data.scenario.appendTo(eventStore);
  const events = await eventStore.countAfter();
  await eventStore.close();
  return { data, events, seeded: (performance.now() - started) / 1000 };
}

// ─── The API in its own process ──────────────────────────────────────────────────────────────────────────────

/** The API in its own process (api-process.ts); LISTS_API_NODE_OPTIONS passes Node flags to it (e.g. --cpu-prof). */
export function startApi(dataDir: string): Promise<ApiProcess> {
  return startApiProcess(dataDir, { nodeOptions: process.env.LISTS_API_NODE_OPTIONS?.split(' ').filter(Boolean) });
}

interface Health {
  eventStore: { head: string | null };
  projections: Array<{ name: string; lag: number }>;
  reactors: Array<{ name: string; lag: number }>;
}

/** Waits until every projection and reactor has caught up with the event store's head. */
export async function caughtUp(base: string, timeoutMs = 300_000): Promise<number> {
  // The lag is among the details of /health, which only an admin token gets.
  const headers = { authorization: `Bearer ${await signToken(benchEnv().JWT_SECRET, 'bench-admin', 'admin')}` };
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const health = (await (await fetch(`${base}/health`, { headers })).json()) as Health;
    if ([...health.projections, ...health.reactors].every((s) => s.lag === 0)) return Date.now() - started;
    await sleep(250);
  }
  throw new Error(`the projections and reactors did not catch up within ${timeoutMs / 1000} s`);
}

/** CPU time (user + system) of a process so far, in ms, from /proc (Linux; NaN elsewhere). 100 ticks/s. */
function cpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

// ─── Timing ──────────────────────────────────────────────────────────────────────────────────────────────────

interface Measured {
  name: string;
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  rate: number;
  concurrentRate: number;
  concurrentP99: number;
  /** CPU time of the API process per request (one client): what the machine's other load does not change. */
  cpuPerRequest: number;
  /** Mean body size. */
  bytes: number;
}

/** One sample: a GET, or a walk of dependent GETs (each timed unless `record` is false). */
type Call = (i: number, timed: (url: string, record?: boolean) => Promise<unknown>) => Promise<void>;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

/** `token`: one for every request, or one per request (a mentor each time). */
async function measure(base: string, pid: number, token: string | ((i: number) => string), name: string, runs: number, seconds: number, call: Call): Promise<Measured> {
  const tokenFor = typeof token === 'string' ? () => token : token;
  let bytes = 0;
  let bodies = 0;
  const get = async (url: string, i: number) => {
    const response = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${tokenFor(i)}` } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 300)}`);
    bytes += text.length;
    bodies += 1;
    if (process.env.LISTS_DEBUG && bodies === 1) console.log(name, url, text.slice(0, 400));
    return JSON.parse(text) as unknown;
  };
  const sample = async (timings: number[] | null, i: number) =>
    call(i, async (url, record = true) => {
      const started = performance.now();
      const body = await get(url, i);
      if (record) timings?.push(performance.now() - started);
      return body;
    });
  for (let i = 0; i < 20; i++) await sample(null, i); // warm-up
  const timings: number[] = [];
  const cpuBefore = cpuMs(pid);
  let started = performance.now();
  for (let i = 0; i < runs; i++) await sample(timings, i);
  const cpuPerRequest = (cpuMs(pid) - cpuBefore) / timings.length;
  const rate = timings.length / ((performance.now() - started) / 1000);
  timings.sort((a, b) => a - b);

  const concurrent: number[] = [];
  let next = 0;
  started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) await sample(concurrent, next++);
    }),
  );
  const concurrentRate = concurrent.length / ((performance.now() - started) / 1000);
  concurrent.sort((a, b) => a - b);
  return {
    name,
    runs: timings.length,
    p50: percentile(timings, 0.5),
    p95: percentile(timings, 0.95),
    p99: percentile(timings, 0.99),
    max: timings[timings.length - 1],
    rate,
    concurrentRate,
    concurrentP99: percentile(concurrent, 0.99),
    cpuPerRequest,
    bytes: bytes / bodies,
  };
}

// ─── The section ─────────────────────────────────────────────────────────────────────────────────────────────

export async function benchLists(quick = process.env.BENCH_QUICK === '1'): Promise<Row[]> {
  const students = Number(process.env.LISTS_STUDENTS ?? (quick ? 2000 : 10_000));
  const mentors = Number(process.env.LISTS_MENTORS ?? (quick ? 60 : 300));
  const runs = quick ? 100 : 300;
  const seconds = quick ? 2 : 5;
  const label = `(h) ${students} students, ${mentors} mentors, embedded store, over HTTP`;
  const rows: Row[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-bench-lists-'));
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    // Seeding: decided in memory, appended to the event store file before the API opens it.
    const { data, events, seeded } = await seedDataSet(dataDir, students, mentors);
    const started = performance.now();
    api = await startApi(dataDir);
    // The first catch-up runs every projection and reactor over the whole log: minutes for a large school.
    await caughtUp(api.base, Number(process.env.LISTS_CATCH_UP_SECONDS ?? Math.max(300, students / 100)) * 1000);
    const projected = (performance.now() - started) / 1000;
    rows.push([
      `${label}: data set`,
      `${events} events from the deciders (${Object.entries(data.counts).map(([k, n]) => `${n} ${k}`).join(', ')}; 50 mentors with an unavailability, 30 of them now), ` +
        `appended in ${seeded.toFixed(1)} s; API started and every projection and reactor caught up in ${projected.toFixed(1)} s`,
    ]);

    const secret = benchEnv().JWT_SECRET;
    const staff = await signToken(secret, 'bench-staff', 'staff');
    const mentorTokens = await Promise.all(data.mentorIds.map((id) => signToken(secret, id, 'mentor')));
    const waiting = data.waitingStudentIds;
    const rand = random(17);
    const randomWaiting = () => waiting[Math.floor(rand() * waiting.length)];
    const fragment = (i: number) => FRAGMENTS[i % FRAGMENTS.length];
    const pathOf = (i: number) => PATHS[i % PATHS.length];
    const statuses = ['active', 'awaiting_mentor', 'paused', 'completed'];
    const profiles = ['apprenticeship', 'employee', 'social_programme', 'self_funded'];
    const once = (url: (i: number) => string): Call => async (i, timed) => void (await timed(url(i)));

    const measures: Array<[string, string | ((i: number) => string), Call]> = [
      ['GET /students?limit=50 (staff, no filter, first page, sort name)', staff, once(() => '/students?limit=50')],
      ['GET /students?status=…&profile=…&limit=50 (staff)', staff, once((i) => `/students?status=${statuses[i % 4]}&profile=${profiles[(i >> 2) % 4]}&limit=50`)],
      ['GET /students?q=<name fragment>&limit=50 (staff, name or e-mail)', staff, once((i) => `/students?q=${fragment(i)}&limit=50`)],
      ['GET /students?sort=-enrolledAt&limit=50 (staff)', staff, once(() => '/students?sort=-enrolledAt&limit=50')],
      [
        'GET /students?limit=50&cursor=… (staff, pages 2–5 of a walk from the first, each page timed)',
        staff,
        async (_i, timed) => {
          let page = (await timed('/students?limit=50', false)) as { nextCursor: string | null };
          for (let n = 2; n <= 5 && page.nextCursor; n++) page = (await timed(`/students?limit=50&cursor=${page.nextCursor}`)) as { nextCursor: string | null };
        },
      ],
      ['GET /students?limit=50 (a mentor: their own students; another mentor each request)', (i) => mentorTokens[(i * 7) % mentorTokens.length], once(() => '/students?limit=50')],
      ['GET /mentors?hasCapacity=true&trainingPath=… (staff)', staff, once((i) => `/mentors?hasCapacity=true&trainingPath=${pathOf(i)}`)],
      ['GET /mentors?q=<name fragment> (staff)', staff, once((i) => `/mentors?q=${fragment(i)}`)],
      ['GET /mentors?sort=remainingCapacity (staff)', staff, once(() => '/mentors?sort=remainingCapacity')],
      ['GET /students/{id}/mentor-suggestions (staff, a random waiting student)', staff, once(() => `/students/${randomWaiting()}/mentor-suggestions`)],
      ['GET /students/{id}/mentor-suggestions?explain=all (staff, a random waiting student)', staff, once(() => `/students/${randomWaiting()}/mentor-suggestions?explain=all`)],
    ];
    const results: Measured[] = [];
    const loadBefore = os.loadavg()[0];
    for (const [name, token, call] of measures) results.push(await measure(api.base, api.pid, token, name, runs, seconds, call));
    const table = [
      `| ${label} | runs (1 client) | p50 | p95 | p99 | max | req/s (1 client) | req/s (${CLIENTS} clients) | p99 (${CLIENTS} clients) | API CPU per request | body |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...results.map(
        (r) =>
          `| ${r.name} | ${r.runs} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.max.toFixed(1)} ms | ${Math.round(r.rate)} | ${Math.round(r.concurrentRate)} | ${r.concurrentP99.toFixed(1)} ms | ${r.cpuPerRequest.toFixed(1)} ms | ${(r.bytes / 1024).toFixed(1)} KiB |`,
      ),
    ];
    const load = `${os.cpus().length} vCPUs, 1-minute load average ${loadBefore.toFixed(1)} before the timings, ${os.loadavg()[0].toFixed(1)} after`;
    console.log(`\n${table.join('\n')}\n\n${load}\n`);
    rows.push([`${label}: machine`, load]);
    for (const r of results) {
      rows.push([
        `(h) ${r.name}, ${students} students, ${mentors} mentors, 1 client, ${r.runs} requests`,
        `p99 ${r.p99.toFixed(1)} ms (p50 ${r.p50.toFixed(1)}, p95 ${r.p95.toFixed(1)}, max ${r.max.toFixed(1)}), ${Math.round(r.rate)} req/s; ` +
          `${CLIENTS} clients: ${Math.round(r.concurrentRate)} req/s, p99 ${r.concurrentP99.toFixed(1)} ms; API CPU ${r.cpuPerRequest.toFixed(1)} ms per request`,
      ]);
    }
    return rows;
  } finally {
    await api?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchLists()
    .then((rows) => rows.forEach(([name, value]) => console.log(`${name}: ${value}`)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
