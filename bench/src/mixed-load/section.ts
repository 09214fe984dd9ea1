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
import { Intent, IntentKind, Knowledge, unexpectedAnswer } from './commands';

const CLIENTS = 32;
const MENTORS = 24;
const GRACE_SECONDS = 1;
const TICK_SECONDS = 1;

type Row = [string, string];

/** Weights of the mix; `enrol` adds students to the pool the other commands pick from. */
const MIX: Array<[IntentKind | 'enrol', number]> = [
  ['enrol', 2],
  ['assign', 6],
  ['change', 4],
  ['withdraw', 2],
  ['complete', 2],
  ['capacity', 2],
  ['book', 4],
  ['cancel', 2],
  ['reschedule', 1],
];
const TWINS = 0.25;
/** Enrolments stop while this many students wait for a mentor, so that the mix keeps assigning and closing. */
const WAITING = 60;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function weighted(): IntentKind | 'enrol' {
  let r = Math.random() * MIX.reduce((sum, [, w]) => sum + w, 0);
  for (const [kind, w] of MIX) if ((r -= w) < 0) return kind;
  return 'enrol';
}

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
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const post = async (url: string, body: unknown) => {
      const response = await fetch(`${api.base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed as Record<string, any>, headers: Object.fromEntries(response.headers) };
    };
    const enrol = async (i: number) =>
      post('/students', { name: `Student ${i}`, email: `s${i}@bench.example`, trainingPath: 'web', registeredDisability: false, startDate: '2027-01-04', funding: { kind: 'self_funded' } });

    const mentors: string[] = [];
    for (let i = 0; i < MENTORS; i++) {
      const answer = await post('/mentors', { name: `Mentor ${i}`, email: `m${i}@bench.example`, trainingPaths: ['web'], capacity: 1 + (i % 5), disabilityFriendly: false });
      mentors.push(answer.body.mentorId);
    }
    const students: string[] = [];
    for (let i = 0; i < 3 * MENTORS; i++) students.push((await enrol(i)).body.studentId);

    // Assignments pick among the students enrolled last (mostly waiting); the other commands mostly among the
    // assigned ones. The pools are small, so that commands on one student and one mentor meet.
    const student = (kind: IntentKind) => {
      const assigned = knowledge.assignedStudents();
      if (kind !== 'assign' && assigned.length > 0 && Math.random() < 0.8) return pick(assigned);
      const waiting = knowledge.waiting(students.slice(-4 * WAITING));
      return waiting.length > 0 ? pick(waiting) : pick(students);
    };
    const knowledge = new Knowledge();
    const tally = new Map<string, Map<number, number>>();
    const count = (command: string, status: number) => {
      const byStatus = tally.get(command) ?? new Map<number, number>();
      tally.set(command, byStatus.set(status, (byStatus.get(status) ?? 0) + 1));
    };
    const unexpected: string[] = [];
    const firstSlot = Math.ceil((Date.now() + 2 * 86_400_000) / 1_800_000) * 1_800_000;
    const end = Date.now() + seconds * 1000;
    let sent = 0;

    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < end) {
          const chosen = weighted();
          const kind = chosen === 'enrol' && knowledge.waiting(students.slice(-4 * WAITING)).length >= WAITING ? 'assign' : chosen;
          if (kind === 'enrol') {
            const answer = await enrol(students.length);
            sent++;
            count('EnrolStudent', answer.status);
            if (answer.status === 201) students.push(answer.body.studentId);
            continue;
          }
          const intent: Intent = {
            kind,
            studentId: student(kind),
            mentorId: pick(mentors),
            capacity: 1 + Math.floor(Math.random() * 6),
            start: new Date(firstSlot + Math.floor(Math.random() * 14 * 20) * 1_800_000).toISOString(),
            pick: Math.floor(Math.random() * 4),
          };
          const call = knowledge.call(intent);
          if (!call) continue;
          // A quarter of the assignments and changes are sent twice at once (a double click, a retry without a key).
          const copies = (kind === 'assign' || kind === 'change') && Math.random() < TWINS ? 2 : 1;
          await Promise.all(
            Array.from({ length: copies }, async () => {
              const answer = await post(call.url, call.body);
              sent++;
              count(call.command, answer.status);
              const problem = unexpectedAnswer(answer.status, answer.body, answer.headers, false);
              if (problem && unexpected.length < 5) unexpected.push(`${call.command} ${call.url}: ${problem}`);
              knowledge.learn(intent, call, answer.status, answer.body);
            }),
          );
        }
      }),
    );
    const rate = Math.round(sent / seconds);
    const byCommand = [...tally]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([command, byStatus]) => `${command} ${[...byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')}`);
    rows.push([`${label}: commands sent by type and status`, `${sent} (${rate}/s): ${byCommand.join('; ')}`]);
    if (unexpected.length > 0) rows.push([`${label}: unexpected answers (first ${unexpected.length})`, unexpected.join('; ')]);

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
