// `npm run bench`: the figures the README quotes, measured in one run on this machine.
//   (a) a bare validated POST on the same stack (Nest + Fastify + JWT guard + class-validator), req/s
//   (b) AssignMentor commands, 64 concurrent clients, durable appends (synchronous=FULL), req/s and p99
//   (c) SQLite appends, one at a time vs 64 concurrent (group commit), events/s
//   (d) a rebuild of 100k events, events/s
//   (e) an audit replay of a student with 1,000 events, p99
//   (f) dashboard and analytics queries over 10k students on the embedded store, p99
//   (g) mixed load, 32 clients, 60 s (BENCH_QUICK: 10 s), then the event store folded: R9 and reservation counts
//   (h) list, search and suggestion queries over 10k students and 300 mentors, over HTTP, embedded store: p50/p95/p99, req/s
//   (j) tamper evidence: verification rate over 200k events, appends/s with and without the hash chain
//   (l) command and query p50/p99 while the dashboards are rebuilt in the same process, vs idle (rebuild-under-load.bench.ts)
//   (m) read-store memory: the API's RSS while catching up and after a restart, 10k and 50k students
// Set BENCH_QUICK=1 for a smaller, faster run.
import { benchEnv } from './bench-env';
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { NewEvent, SqliteEventStore, timeOrderedUuid } from '@mentoring/event-store';
import { EmbeddedReadStore } from '@mentoring/read-store';
import { createProjections, rebuildProjection, rebuildProjections } from '@mentoring/projections';
import { signToken } from '@mentoring/api/dist/http/auth';
import { benchDashboards } from './read-side.bench';
import { benchMixedLoad } from './mixed-load/section';
import { benchLists } from './lists.bench';
import { benchIdempotency } from './idempotency.bench';
import { benchIntegrity } from './integrity.bench';
import { benchRebuildUnderLoad } from './rebuild-under-load.bench';
import { benchCrypto } from './crypto.bench';
import { benchReadStoreMemory } from './read-store-memory.bench';

const QUICK = process.env.BENCH_QUICK === '1';
const CONNECTIONS = 64;
const results: Array<[string, string]> = [];

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-bench-'));
}

function report(name: string, value: string): void {
  results.push([name, value]);
  console.log(`${name}: ${value}`);
}

async function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

function rate(result: autocannon.Result): number {
  return Math.round(result.requests.total / (result.duration || 1));
}

// (a) -----------------------------------------------------------------------------------------------
interface BenchServer {
  base: string;
  stop(): Promise<void>;
}

async function startServer(mode: 'bare' | 'full', dataDir: string): Promise<BenchServer> {
  // BENCH_SERVER_NODE_OPTIONS: flags for the server's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/profiles` to see where its CPU goes.
  const flags = (process.env.BENCH_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, path.join(__dirname, 'server.js'), mode, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function bareValidatedPost(token: string): Promise<number> {
  const server = await startServer('bare', tempDir());
  const common = {
    url: `${server.base}/bench/echo`,
    method: 'POST' as const,
    connections: CONNECTIONS,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mentorId: 'mentor-1' }),
  };
  await cannon({ ...common, duration: 1 });
  const result = await cannon({ ...common, duration: QUICK ? 3 : 8 });
  await server.stop();
  const perSecond = rate(result);
  report('(a) bare validated POST (Nest+Fastify+JWT+class-validator), 64 clients', `${perSecond} req/s, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}`);
  return perSecond;
}

// (b) -----------------------------------------------------------------------------------------------
async function assignMentorCommands(bareRate: number): Promise<void> {
  const dataDir = tempDir();
  const server = await startServer('full', dataDir);
  const base = server.base;
  const staff = await signToken(benchEnv().JWT_SECRET, 'bench-staff', 'staff');
  const headers = { authorization: `Bearer ${staff}`, 'content-type': 'application/json' };
  const students = QUICK ? 3000 : 12000;
  const mentors = 100;
  const capacity = Math.ceil(students / mentors);

  const mentorIds: string[] = [];
  for (let i = 0; i < mentors; i++) {
    const res = await fetch(`${base}/mentors`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: `Mentor ${i}`, email: `m${i}@bench.example`, trainingPaths: ['web'], capacity, disabilityFriendly: true, disabilityTrainingCompletedOn: '2026-01-01' }),
    });
    mentorIds.push(((await res.json()) as { mentorId: string }).mentorId);
  }

  // EnrolStudent, a one-stream command, doubles as the seeding of the students to assign.
  const studentIds: string[] = [];
  const enrol = await cannon({
    url: `${base}/students`,
    connections: CONNECTIONS,
    amount: students,
    requests: [
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'Bench Student', email: 'student@bench.example', trainingPath: 'web', registeredDisability: false, startDate: '2027-01-04', funding: { kind: 'self_funded' } }),
        onResponse: (status, body) => {
          if (status === 201) studentIds.push((JSON.parse(body) as { studentId: string }).studentId);
        },
      },
    ],
  });
  report('(b0) EnrolStudent (one stream, durable), 64 clients', `${rate(enrol)} req/s, p99 ${enrol.latency.p99} ms, non-2xx ${enrol.non2xx}`);

  let next = 0;
  const assign = await cannon({
    url: base,
    connections: CONNECTIONS,
    amount: studentIds.length,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (request) => {
          const i = next++;
          return { ...request, path: `/students/${studentIds[i % studentIds.length]}/assignment`, body: JSON.stringify({ mentorId: mentorIds[i % mentors] }) };
        },
      },
    ],
  });
  const assignRate = rate(assign);
  report(
    '(b) AssignMentor (reserve on mentor stream + append to student stream, durable), 64 clients',
    `${assignRate} req/s, p99 ${assign.latency.p99} ms, non-2xx ${assign.non2xx} (${Math.round((100 * assignRate) / bareRate)} % of (a))`,
  );
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

// (c) -----------------------------------------------------------------------------------------------
function event(type: string, data: object): NewEvent {
  return {
    eventId: timeOrderedUuid(), // as the backend makes them (time-ordered: see time-ordered-uuid.ts)
    type,
    schemaVersion: 1,
    data,
    metadata: { correlationId: randomUUID(), causationId: 'bench', actor: { id: 'bench', role: 'staff' }, occurredAt: new Date().toISOString() },
  };
}

/**
 * One way of appending events: `events[k]` to a new stream numbered `from + k`. The events are built before the
 * clock starts, for every contender alike: building them (two UUIDs, an instant, the metadata object) is the caller's
 * work, about 3.9 µs per event, and it was timed inside the store's run but not inside the minimal baseline's.
 */
interface Appender {
  /** One after the other, each acknowledged before the next is asked for. */
  sequential(from: number, events: NewEvent[]): Promise<void>;
  /** 64 in flight. */
  grouped(from: number, events: NewEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** An append per event through `append`, 64 in flight. */
async function inFlight(from: number, events: NewEvent[], append: (i: number, event: NewEvent) => Promise<unknown>): Promise<void> {
  let issued = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (issued < events.length) {
        const k = issued++;
        await append(from + k, events[k]);
      }
    }),
  );
}

/**
 * The store and two plain better-sqlite3 baselines (see plainAppender), on the same disk in the same run. The
 * appends of each are cut into chunks and the three take turns chunk by chunk (each turn in another order),
 * so that load from other processes on the disk or the CPUs falls on all three alike. Each rate is the median
 * of its chunks' rates, and each ratio the median of the ratios within a turn: a burst of load that slows one
 * chunk moves neither.
 */
async function sqliteAppends(): Promise<void> {
  const dir = tempDir();
  const single = QUICK ? 500 : 2000;
  const concurrent = QUICK ? 5000 : 20000;
  const chunks = QUICK ? 3 : 10;
  const contenders: Array<[string, Appender]> = [
    ['store', storeAppender(path.join(dir, 'store.sqlite'))],
    ['minimal', plainAppender(path.join(dir, 'minimal.sqlite'), 'minimal')],
    ['sameRows', plainAppender(path.join(dir, 'same-rows.sqlite'), 'same rows')],
  ];
  // rates[mode][name][chunk], events/s
  const rates = { sequential: new Map<string, number[]>(), grouped: new Map<string, number[]>() };
  for (const mode of ['sequential', 'grouped'] as const) {
    const perChunk = (mode === 'sequential' ? single : concurrent) / chunks;
    for (const [name] of contenders) rates[mode].set(name, []);
    for (let chunk = 0; chunk < chunks; chunk++) {
      for (let turn = 0; turn < contenders.length; turn++) {
        const [name, appender] = contenders[(chunk + turn) % contenders.length];
        const events = Array.from({ length: perChunk }, (_, k) => event('Benchmarked', { i: chunk * perChunk + k }));
        const started = performance.now();
        await appender[mode](chunk * perChunk, events);
        rates[mode].get(name)!.push(perChunk / ((performance.now() - started) / 1000));
      }
    }
  }
  for (const [, appender] of contenders) await appender.close();
  const figures = (mode: 'sequential' | 'grouped') => {
    const of = (name: string) => rates[mode].get(name)!;
    const ours = Math.round(median(of('store')));
    const vs = (baseline: string, what: string) =>
      `${Math.round(100 * median(of('store').map((rate, chunk) => rate / of(baseline)[chunk])))} % of plain better-sqlite3 ` +
      `(${what}, ${Math.round(median(of(baseline)))} events/s)`;
    return { ours, text: `${vs('minimal', 'minimal rows')}, ${vs('sameRows', "the store's rows")}` };
  };
  const sequential = figures('sequential');
  const grouped = figures('grouped');
  report('(c) SQLite appends, synchronous=FULL, one at a time', `${sequential.ours} events/s; ${sequential.text}`);
  report(
    '(c) SQLite appends, synchronous=FULL, 64 concurrent (group commit)',
    `${grouped.ours} events/s (${(grouped.ours / sequential.ours).toFixed(1)}x); ${grouped.text}`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

function storeAppender(file: string): Appender {
  const store = new SqliteEventStore({ file, synchronous: 'FULL' });
  return {
    sequential: async (from, events) => {
      for (let k = 0; k < events.length; k++) await store.append(`single-${from + k}`, [events[k]], 'no_stream');
    },
    grouped: (from, events) => inFlight(from, events, (i, e) => store.append(`concurrent-${i}`, [e], 'no_stream')),
    close: () => store.close(),
  };
}

/**
 * Plain better-sqlite3 doing the same appends, WAL, synchronous=FULL: a version check and an insert per
 * append, sequentially (no promise, no turn of the event loop), then 64 in flight grouped per turn.
 *
 * `minimal` rows (the first baseline) do less than the store's contract requires: no UNIQUE index on the
 * event id, which is what makes idempotent retries and duplicate detection possible, and no metadata,
 * schema version or recording instant. The index is most of the difference: its keys are random UUIDs, so
 * each of a group commit's 64 appends lands on its own page of it. Measured by the WAL's growth (4 KiB pages,
 * 20,000 appends in groups of 64), a group commit writes about 9 pages with the minimal rows, 12 with the
 * store's rows but no event-id index, and 64 with the store's rows and indexes. `same rows` writes what the
 * store writes: its table and indexes, the same events (data and metadata as JSON), a recording instant per
 * transaction. It still does less than the store: the UNIQUE index is its only duplicate check (no retry is
 * recognised), one failing append would fail its whole group, and nothing is kept in memory.
 */
function plainAppender(file: string, rows: 'minimal' | 'same rows'): Appender {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  let appendOne: (stream: string, e: NewEvent) => void;
  let recordedAt = '';
  if (rows === 'minimal') {
    db.exec('CREATE TABLE events (stream TEXT NOT NULL, version INTEGER NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (stream, version))');
    const head = db.prepare<[string], { v: number | null }>('SELECT MAX(version) AS v FROM events WHERE stream = ?');
    const insert = db.prepare('INSERT INTO events (stream, version, id, type, data) VALUES (?, ?, ?, ?, ?)');
    appendOne = (stream, e) => {
      const current = head.get(stream)?.v ?? -1;
      if (current !== -1) throw new Error(`${stream} exists`);
      insert.run(stream, current + 1, e.eventId, e.type, JSON.stringify(e.data));
    };
  } else {
    // The store's schema (SCHEMA in sqlite-event-store.ts).
    db.exec(`CREATE TABLE events (
      position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL UNIQUE,
      type TEXT NOT NULL, schema_version INTEGER NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL,
      UNIQUE (stream_id, revision))`);
    const head = db.prepare<[string], { v: number | null }>('SELECT MAX(revision) AS v FROM events WHERE stream_id = ?');
    const insert = db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    appendOne = (stream, e) => {
      const current = head.get(stream)?.v ?? -1;
      if (current !== -1) throw new Error(`${stream} exists`);
      insert.run(stream, current + 1, e.eventId, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), recordedAt);
    };
  }
  // The store's rows: one recording instant per transaction, as the store does. (The minimal rows have none,
  // and their transactions run appendOne alone, as they always have.)
  const stamped = <A extends unknown[]>(fn: (...args: A) => void) =>
    rows === 'minimal' ? fn : (...args: A) => ((recordedAt = new Date().toISOString()), fn(...args));
  const one = db.transaction(stamped(appendOne));
  // Group commit: the appends asked for during one turn of the event loop share one transaction.
  let pending: Array<{ stream: string; e: NewEvent; done: () => void }> = [];
  const flush = db.transaction(stamped((batch: typeof pending) => batch.forEach(({ stream, e }) => appendOne(stream, e))));
  const append = (stream: string, e: NewEvent) =>
    new Promise<void>((done) => {
      pending.push({ stream, e, done });
      if (pending.length === 1)
        setImmediate(() => {
          const batch = pending;
          pending = [];
          flush(batch);
          batch.forEach((p) => p.done());
        });
    });
  return {
    sequential: async (from, events) => {
      for (let k = 0; k < events.length; k++) one(`single-${from + k}`, events[k]);
    },
    grouped: (from, events) => inFlight(from, events, (i, e) => append(`concurrent-${i}`, e)),
    close: async () => void db.close(),
  };
}

// (d) -----------------------------------------------------------------------------------------------
async function rebuild(): Promise<void> {
  const dir = tempDir();
  const store = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
  const target = QUICK ? 20000 : 100000;
  const mentors = 200;
  const at = '2027-01-04T09:00:00.000Z';
  for (let m = 0; m < mentors; m++) {
    await store.append(`mentor-m${m}`, [event('MentorRegistered', { mentorId: `m${m}`, name: `Mentor ${m}`, email: `m${m}@x.example`, trainingPaths: ['web'], capacity: 1000, disabilityFriendly: false, disabilityTrainingCompletedOn: null, registeredAt: at })], 'no_stream');
  }
  // Per student: enrolled, slot reserved, assigned, first contact, discovery booked = 5 events.
  let written = mentors;
  const appends: Promise<unknown>[] = [];
  for (let s = 0; written < target; s++) {
    const studentId = `s${s}`;
    const mentorId = `m${s % mentors}`;
    appends.push(
      store.append(`student-${studentId}`, [event('StudentEnrolled', { studentId, name: `Student ${s}`, email: `s${s}@x.example`, trainingPath: 'web', registeredDisability: false, startDate: '2027-01-04', funding: { kind: 'self_funded' }, attendanceObligatory: false, enrolledAt: at })], 'no_stream'),
      store.append(`mentor-${mentorId}`, [event('CaseloadSlotReserved', { mentorId, studentId, reservedAt: at })], 'any'),
      store.append(`student-${studentId}`, [event('StudentAssigned', { studentId, mentorId, assignedAt: at })], 'any'),
      store.append(`student-${studentId}`, [event('FirstContactRecorded', { studentId, mentorId, contactedAt: at })], 'any'),
      store.append(`student-${studentId}`, [event('DiscoverySessionBooked', { sessionId: `x${s}`, studentId, mentorId, start: at, end: at, durationMinutes: 30, bookedAt: at })], 'any'),
    );
    written += 5;
    if (appends.length >= 5000) await Promise.all(appends.splice(0));
  }
  await Promise.all(appends);
  const total = await store.countAfter();

  const readStore = new EmbeddedReadStore({ file: path.join(dir, 'read-models.sqlite') });
  let allSeconds = 0;
  const projections = createProjections({ analyticsPseudonymKey: 'bench-analytics-pseudonym-key-0123456789' });
  for (const projection of projections) {
    const started = performance.now();
    await rebuildProjection(store, readStore, projection, { batchSize: 1000 });
    const seconds = (performance.now() - started) / 1000;
    allSeconds += seconds;
    report(`(d) rebuild of ${total} events: ${projection.name} (embedded read store, file)`, `${seconds.toFixed(2)} s, ${Math.round(total / seconds)} events/s`);
  }
  report(`(d) rebuild of ${total} events: all ${projections.length} projections one after the other`, `${allSeconds.toFixed(2)} s`);
  // The same five in one pass (seed --project, projections:rebuild --all): the log read once, one unit per slice.
  const started = performance.now();
  await rebuildProjections(store, readStore, projections, { batchSize: 1000 });
  const jointSeconds = (performance.now() - started) / 1000;
  report(
    `(d) rebuild of ${total} events: all ${projections.length} projections in one pass (rebuildProjections)`,
    `${jointSeconds.toFixed(2)} s (${Math.round(total / jointSeconds)} events/s of the log, ${Math.round((total * projections.length) / jointSeconds)} projection-events/s; ${Math.round((100 * jointSeconds) / allSeconds)} % of one after the other)`,
  );
  await readStore.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs an exported bench function in a child process and returns its rows. */
function isolated(fn: string, module: string): Array<[string, string]> {
  const script = `require(${JSON.stringify(require.resolve(module))}).${fn}().then((rows) => process.stdout.write(JSON.stringify(rows)))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as Array<[string, string]>;
}

/** `BENCH_SECTIONS=a,b,c` runs only those sections (letters as printed); unset runs them all. */
const SECTIONS = process.env.BENCH_SECTIONS?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
const want = (section: string) => !SECTIONS || SECTIONS.includes(section);

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB${QUICK ? ' (BENCH_QUICK)' : ''}${SECTIONS ? ` (sections ${SECTIONS.join(', ')})` : ''}\n`);
  const token = await signToken(benchEnv().JWT_SECRET, 'bench', 'staff');
  if (want('a') || want('b')) {
    const bare = await bareValidatedPost(token);
    if (want('b')) await assignMentorCommands(bare);
  }
  if (want('c')) await sqliteAppends();
  // The audit replay runs in a fresh process, so that its p99 does not pay for the garbage of the
  // measurements before it.
  if (want('e')) for (const [name, value] of isolated('benchAuditReplay', './audit.bench')) report(name, value);
  if (want('d')) await rebuild();
  if (want('f')) for (const [name, value] of await benchDashboards()) report(name, value);
  if (want('g')) for (const [name, value] of await benchMixedLoad(QUICK)) report(name, value);
  if (want('h')) for (const [name, value] of await benchLists(QUICK)) report(name, value);
  if (want('i')) for (const [name, value] of await benchIdempotency(QUICK)) report(name, value);
  if (want('j')) for (const [name, value] of await benchIntegrity(QUICK)) report(name, value);
  if (want('l')) for (const [name, value] of await benchRebuildUnderLoad(QUICK)) report(name, value);
  if (want('k')) for (const [name, value] of await benchCrypto(QUICK)) report(name, value);
  if (want('m')) for (const [name, value] of await benchReadStoreMemory(QUICK)) report(name, value);
  report('RSS of the bench process at the end', `${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB (the API under test runs in child processes for (a), (b), (g), (h), (l), (m))`);
  console.log('\n| measure | result |\n| --- | --- |');
  for (const [name, value] of results) console.log(`| ${name} | ${value} |`);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
