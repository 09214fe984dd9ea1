// `npm run seed -- --students 10000 [--mentors N] [--seed 42] [--project] [--in-flight 256]`: fills the event
// store with a realistic school. Every command is decided by the real deciders (libs/domain, the deciders the
// API uses, with the school's policy) against the stream states kept in memory, and its events are appended
// straight to the event store, with the metadata the API writes, many streams in flight at once (group commit
// writes them in large transactions). The store is created by `createEventStore` like the API's, so seeded
// events are encrypted and hash-chained like any other. No HTTP, no read model written while seeding: the
// projections and reactors catch up at the next start (or here with `--project`, the projections only).
// Refuses to run while an API holds the DATA_DIR (its read models would not see the new events); the read
// store is held for the whole run so that no API starts meanwhile. Time is simulated: the school's history
// starts ~10 weeks ago and moves forward phase by phase. E-mails for past assignments go to DATA_DIR/outbox
// (SMTP_URL unset) when the reactors catch up.
import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment
import { logCliFailure } from '@mentoring/config';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import Database from 'better-sqlite3';
import { applyHeapGrowth, loadConfig, type AppConfig } from '@mentoring/config';
import {
  Actor,
  DomainEvent,
  EVENT_SCHEMA_VERSIONS,
  mentorCalendarStreamId,
  mentorSnapshotOf,
  mentorStreamId,
  studentStreamId,
  type Decider,
  type StudentCommand,
} from '@mentoring/domain';
import { createEventStore, createKeyStore, EventStore, NewEvent, timeOrderedUuid } from '@mentoring/event-store';
import { createReadStore, ReadStore } from '@mentoring/read-store';
import { createProjections, rebuildProjections, recordProjectionVersions } from '@mentoring/projections';
import { createDeciders } from '../shared/deciders';

const PATHS = ['web-development', 'data-analysis', 'ux-design', 'project-management'];
const FIRST = ['Sam', 'Alex', 'Noor', 'Lea', 'Omar', 'Ines', 'Yuki', 'Jon', 'Maya', 'Tariq', 'Chloe', 'Ravi', 'Eva', 'Luis', 'Amara', 'Finn'];
const LAST = ['Martin', 'Okafor', 'Dubois', 'Silva', 'Nakamura', 'Haddad', 'Kowalski', 'Jensen', 'Moreau', 'Costa', 'Ali', 'Berg'];
const DAY = 24 * 3600 * 1000;

/** Small deterministic PRNG (mulberry32): the same --seed gives the same school (ids aside). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Student {
  id: string;
  path: string;
  disability: boolean;
  mentorId: string | null;
  sessions: string[];
  discoveryHeld: boolean;
}

/** A refusal of a decider (a domain rule): counted, like the 4xx answers of the API. */
class Refused extends Error {}

/**
 * The streams being written: each one's state (folded by its decider as commands are decided), its next expected
 * revision, and the tail of its appends (a stream's appends go one after the other, in decision order; different
 * streams' appends run concurrently, which group commit turns into large transactions).
 */
class Streams {
  private readonly states = new Map<string, { state: unknown; revision: number; tail: Promise<unknown> }>();
  appended = 0;

  constructor(private readonly store: EventStore) {}

  state<S>(streamId: string, decider: Decider<any, any, S>): S {
    return (this.states.get(streamId)?.state as S | undefined) ?? decider.initialState;
  }

  /**
   * Decides `command` on the stream's current state (synchronously, so later decisions see it) and appends the
   * events once the stream's previous append is stored. Resolves when these events are stored.
   */
  decide<S, C extends { type: string; data: { at: string; by: Actor } }>(decider: Decider<any, any, S>, streamId: string, command: C): { events: DomainEvent[]; stored: Promise<unknown> } {
    let entry = this.states.get(streamId);
    if (!entry) this.states.set(streamId, (entry = { state: decider.initialState, revision: -1, tail: Promise.resolve() }));
    let events: DomainEvent[];
    try {
      events = decider.decide(command as never, entry.state as S);
    } catch (error) {
      throw new Refused(`${command.type} on ${streamId}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (events.length === 0) return { events, stored: entry.tail };
    entry.state = events.reduce((s, e) => decider.evolve(s, e as never), entry.state as S);
    const expected = entry.revision;
    entry.revision += events.length;
    const correlationId = randomUUID();
    const newEvents: NewEvent[] = events.map((e) => ({
      eventId: timeOrderedUuid(), // as the API makes them
      type: e.type,
      schemaVersion: (EVENT_SCHEMA_VERSIONS as Record<string, number>)[e.type] ?? 1,
      data: e.data as Record<string, unknown>,
      metadata: { correlationId, causationId: correlationId, actor: { ...command.data.by }, occurredAt: command.data.at },
    }));
    const stored = entry.tail.then(() => this.store.append(streamId, newEvents, expected === -1 ? 'no_stream' : expected));
    entry.tail = stored.then(() => (this.appended += newEvents.length));
    return { events, stored };
  }

  /** Frees the memory of a stream no later phase writes to again. */
  forget(streamId: string): void {
    this.states.delete(streamId);
  }
}

/** Refuses when the embedded read store's file is held by a running API (it opens it in exclusive mode). */
function assertNotHeld(dataDir: string): void {
  const file = join(dataDir, 'read-models.sqlite');
  if (!existsSync(file)) return;
  const db = new Database(file, { timeout: 0 });
  try {
    db.exec('BEGIN IMMEDIATE; COMMIT');
  } catch {
    console.error(`${file} is held by a running process (the API or the projector?). Stop it first: seeding appends straight to the event store, which a running API would not see.`);
    process.exit(3);
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      students: { type: 'string', default: '1000' },
      mentors: { type: 'string' },
      seed: { type: 'string', default: '42' },
      project: { type: 'boolean', default: false },
      'in-flight': { type: 'string', default: '256' },
    },
  });
  const studentCount = Number(values.students);
  if (!Number.isInteger(studentCount) || studentCount < 1 || studentCount > 1_000_000) {
    console.error('--students must be an integer between 1 and 1000000');
    process.exit(2);
  }
  const mentorCount = values.mentors ? Number(values.mentors) : Math.max(4, Math.ceil(studentCount / 10));
  const width = Math.max(1, Number(values['in-flight']));

  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  // As the API does (ADR 0010): without it, V8 let the seed's heap grow to 2.8 GB of RSS at 100,000 students.
  applyHeapGrowth(config.heapGrowthPercent);
  if (!config.mongodbUri) assertNotHeld(config.dataDir);
  // Held until the end: an API started meanwhile fails to open it instead of missing the seeded events.
  const readStore: ReadStore = await createReadStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  try {
    await seedSchool(config, { studentCount, mentorCount, width, seed: Number(values.seed) });
    if (values.project) await projectSeededEvents(config, readStore);
    else console.log('the projections and reactors catch up at the next start (`npm start`), or run the seed with --project');
  } finally {
    await readStore.close();
  }
}

/**
 * Decides and appends the school's history. Everything it holds (the streams' states, the students and mentors it
 * made, the event store's caches of heads and recent events, the cache of data keys) is let go when it returns: the
 * projection pass that may follow ran in their company at a third of its rate with stores of its own (1,624 against
 * 5,094 events/s at 10,000 students, back to back).
 */
async function seedSchool(
  config: AppConfig,
  { studentCount, mentorCount, width, seed }: { studentCount: number; mentorCount: number; width: number; seed: number },
): Promise<void> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const keyStore = createKeyStore({ keyEncryptionKey: config.keyEncryptionKey, mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  // synchronous=NORMAL while seeding: WAL keeps the file consistent, a power cut loses at most the last commits of a
  // seed that is then run again; the file is checkpointed and synced at close. The API appends with its own setting.
  const eventStore = createEventStore({ esdbConnectionString: config.esdbConnectionString, dataDir: config.dataDir, synchronous: 'NORMAL', keyStore });
  const before = await eventStore.countAfter();
  const deciders = createDeciders();
  const streams = new Streams(eventStore);
  const started = performance.now();

  let now = new Date(Date.now() - 70 * DAY);
  now.setUTCHours(8, 0, 0, 0);
  const at = () => now.toISOString();
  const staff: Actor = { id: 'seed-staff', role: 'staff' };
  const mentorActor = (id: string): Actor => ({ id, role: 'mentor' });

  let refusals = 0;
  const refused = (error: unknown) => {
    if (!(error instanceof Refused)) throw error;
    refusals++;
    if (refusals <= 5) console.error(`\nrefused: ${error.message}`);
  };
  const student = (command: StudentCommand) => streams.decide(deciders.student, studentStreamId(command.data.studentId), command);

  const bar = new SingleBar({
    format: 'seeding [{bar}] {percentage}% | {value}/{total} commands | {events} events, {rate} events/s | {phase} | ETA {eta_formatted}',
    noTTYOutput: true,
    notTTYSchedule: 2000,
    etaBuffer: 2000,
  });
  const estimate = mentorCount + studentCount * 14;
  bar.start(estimate, 0, { phase: 'mentors', events: 0, rate: 0 });
  let done = 0;
  const step = () => {
    done++;
    if (done % 256 === 0) bar.update(done, { events: streams.appended, rate: Math.round(streams.appended / ((performance.now() - started) / 1000)) });
  };
  const phase = (name: string) => bar.update(done, { phase: name });
  /** Runs `work` over `items` with `width` students (or mentors) in flight: their appends are group-committed. */
  const pool = async <T>(items: T[], work: (item: T, index: number) => Promise<void>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(width, items.length) }, async () => {
        while (next < items.length) {
          const i = next++;
          try {
            await work(items[i], i);
          } catch (error) {
            refused(error);
          }
          step();
        }
      }),
    );
  };

  // Mentors: about a third disability-friendly; capacity 8–14.
  const mentors: Array<{ id: string; path: string; friendly: boolean; free: number }> = [];
  await pool(Array.from({ length: mentorCount }, (_, i) => i), async (i) => {
    const friendly = random() < 0.35;
    const path = PATHS[i % PATHS.length];
    const capacity = 8 + Math.floor(random() * 7);
    const mentorId = timeOrderedUuid();
    const { stored } = streams.decide(deciders.mentor, mentorStreamId(mentorId), {
      type: 'RegisterMentor',
      data: {
        mentorId, name: `${pick(FIRST)} ${pick(LAST)}`, email: `mentor${i}@mentors.example`, trainingPaths: [path], capacity, disabilityFriendly: friendly,
        disabilityTrainingCompletedOn: friendly ? '2026-01-15' : null, at: at(), by: staff,
      },
    });
    await stored;
    mentors.push({ id: mentorId, path, friendly, free: capacity });
  });

  // Students: 30 % apprenticeship, 25 % employee, 20 % social programme, 25 % self-funded; 6 % disability.
  phase('enrolments');
  const start = now.toISOString().slice(0, 10);
  const end = new Date(now.getTime() + 365 * DAY).toISOString().slice(0, 10);
  const students: Student[] = [];
  await pool(Array.from({ length: studentCount }, (_, i) => i), async (i) => {
    const r = random();
    const profile = r < 0.3 ? 'apprenticeship' : r < 0.55 ? 'employee' : r < 0.75 ? 'social_programme' : 'self_funded';
    const company = pick(['acme', 'globex', 'initech', 'umbrella']);
    const funding = {
      apprenticeship: { kind: profile, company: { id: company, name: company.toUpperCase() }, employer: { id: company, name: company.toUpperCase() }, tutor: { id: `tutor-${company}-${i % 7}`, name: `Tutor ${i % 7}`, email: `tutor${i % 7}@${company}.example` }, rhythm: { studyWeeks: 2, workWeeks: 3 }, endDate: end },
      employee: { kind: profile, employer: { id: company, name: company.toUpperCase() }, schedule: 'Tuesdays 9:00-12:00', purpose: pick(['internal_training', 'development_plan', 'internal_job_change', 'external_job_change']), endDate: end },
      social_programme: { kind: profile, publicFunder: { id: 'pes', name: 'Public Employment Service' }, cohort: pick(['2026-autumn', '2027-winter']), attendanceContractRef: `CONTRACT-${i}`, endDate: end },
      self_funded: { kind: profile },
    }[profile];
    const path = pick(PATHS);
    const disability = random() < 0.06;
    const studentId = timeOrderedUuid();
    const { stored } = student({
      type: 'EnrolStudent',
      data: { studentId, name: `${pick(FIRST)} ${pick(LAST)}`, email: `student${i}@students.example`, trainingPath: path, registeredDisability: disability, startDate: start, funding: funding as never, at: at(), by: staff },
    });
    await stored;
    students.push({ id: studentId, path, disability, mentorId: null, sessions: [], discoveryHeld: false });
  });

  /** Reserves a caseload slot on the mentor's stream, then assigns or changes on the student's (as the API does). */
  const takeMentor = async (s: Student, mentorId: string, make: (mentor: NonNullable<ReturnType<typeof mentorSnapshotOf>>, reservationId: string) => StudentCommand) => {
    const reservationId = timeOrderedUuid();
    const reserved = streams.decide(deciders.mentor, mentorStreamId(mentorId), {
      type: 'ReserveCaseloadSlot',
      data: { mentorId, studentId: s.id, reservationId, studentHasDisability: s.disability, trainingPath: s.path, at: at(), by: staff },
    });
    const mentor = mentorSnapshotOf(streams.state(mentorStreamId(mentorId), deciders.mentor), at())!;
    await reserved.stored;
    await student(make(mentor, reservationId)).stored;
  };

  // Day 1–5: about 88 % get a mentor of their path (disability-friendly when needed) with room left.
  phase('assignments');
  now = new Date(now.getTime() + 2 * DAY);
  const waiting = students.filter(() => random() < 0.88);
  for (const s of waiting) {
    const mentor = mentors.find((m) => m.path === s.path && m.free > 0 && (!s.disability || m.friendly));
    if (mentor) {
      mentor.free--;
      s.mentorId = mentor.id;
    }
  }
  const assigned = waiting.filter((s) => s.mentorId);
  await pool(assigned, async (s) => {
    try {
      await takeMentor(s, s.mentorId!, (mentor, reservationId) => ({ type: 'AssignMentor', data: { studentId: s.id, mentor, reservationId, at: at(), by: staff } }));
    } catch (error) {
      s.mentorId = null;
      throw error;
    }
  });
  const active = assigned.filter((s) => s.mentorId);

  // Day 3: first contact; slow students (12 %) get an internal comment and a follow-up instead.
  phase('first contact');
  now = new Date(now.getTime() + DAY);
  const slow = new Set(active.filter(() => random() < 0.12).map((s) => s.id));
  await pool(active, async (s) => {
    const by = mentorActor(s.mentorId!);
    if (slow.has(s.id)) {
      student({ type: 'AddInternalComment', data: { studentId: s.id, commentId: timeOrderedUuid(), text: 'No answer to two e-mails and a call.', at: at(), by } });
      const followUpId = timeOrderedUuid();
      const { stored } = student({ type: 'RequestFollowUp', data: { studentId: s.id, followUpId, reason: 'unresponsive_student', note: 'Please reach out.', at: at(), by } });
      if (random() < 0.5) await student({ type: 'ResolveFollowUp', data: { studentId: s.id, followUpId, resolution: 'Student answered the team.', at: at(), by: staff } }).stored;
      else await stored;
    } else {
      await student({ type: 'RecordFirstContact', data: { studentId: s.id, at: at(), by } }).stored;
    }
  });

  // Discovery sessions and four weekly sessions, one-hour slots per mentor, so none overlap. As the API does:
  // the student decides the booking (its end follows from the policy), the slot is reserved on the mentor's
  // calendar, then the booking is appended.
  const slotOf = new Map(mentors.map((m) => [m.id, 0]));
  const nextSlot = (mentorId: string, weekStart: Date) => {
    const n = slotOf.get(mentorId)!;
    slotOf.set(mentorId, n + 1);
    return new Date(weekStart.getTime() + (1 + Math.floor(n / 8)) * DAY + (n % 8) * 3600 * 1000 + 9 * 3600 * 1000);
  };
  const book = async (s: Student, type: 'BookDiscoverySession' | 'BookSession', start: string): Promise<string> => {
    const sessionId = timeOrderedUuid();
    const slotId = timeOrderedUuid();
    const by = mentorActor(s.mentorId!);
    const command = { type, data: { studentId: s.id, sessionId, slotId, start, at: at(), by } } as StudentCommand;
    // Decided on a copy first: a refusal appends nothing, and the slot's end is the one the decider derived.
    let decided: DomainEvent[];
    try {
      decided = deciders.student.decide(command, streams.state(studentStreamId(s.id), deciders.student));
    } catch (error) {
      throw new Refused(`${type} on ${studentStreamId(s.id)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const taking = decided.find((e) => e.type === 'DiscoverySessionBooked' || e.type === 'SessionBooked') as { data: { mentorId: string; start: string; end: string } } | undefined;
    if (!taking) throw new Refused(`${type} decided no booking`);
    const { mentorId, end } = taking.data;
    const reserved = streams.decide(deciders.mentorCalendar, mentorCalendarStreamId(mentorId), {
      type: 'ReserveMentorSlot',
      data: { mentorId, slotId, sessionId, studentId: s.id, start: taking.data.start, end, at: at(), by },
    });
    await reserved.stored;
    await student(command).stored;
    return sessionId;
  };
  for (let week = 0; week < 5; week++) {
    phase(week === 0 ? 'discovery sessions' : `week ${week}`);
    const weekStart = new Date(now.getTime() + 7 * DAY * week);
    weekStart.setUTCHours(0, 0, 0, 0);
    for (const m of mentors) slotOf.set(m.id, 0);
    now = new Date(weekStart.getTime() - DAY / 2);
    const booked: Array<[Student, string, boolean]> = [];
    await pool(active, async (s) => {
      // A missed discovery session is booked again before any other session (R12).
      const discovery = !s.discoveryHeld;
      const sessionId = await book(s, discovery ? 'BookDiscoverySession' : 'BookSession', nextSlot(s.mentorId!, weekStart).toISOString());
      booked.push([s, sessionId, discovery]);
    });
    now = new Date(weekStart.getTime() + 7 * DAY - 3600 * 1000);
    await pool(booked, async ([s, sessionId, discovery]) => {
      const noShow = random() < 0.08;
      const by = mentorActor(s.mentorId!);
      let last = student({ type: noShow ? 'RecordSessionNoShow' : 'RecordSessionHeld', data: { studentId: s.id, sessionId, at: at(), by } }).stored;
      if (discovery && !noShow) {
        s.discoveryHeld = true;
        last = student({ type: 'SubmitFirstSessionRecording', data: { studentId: s.id, sessionId, recordingUrl: `https://recordings.example/${sessionId}`, at: at(), by } }).stored;
        if (random() < 0.7) last = student({ type: 'GiveFirstSessionFeedback', data: { studentId: s.id, sessionId, feedback: 'Clear goals agreed; good pacing.', at: at(), by: staff } }).stored;
      }
      await last;
    });
  }

  // Change requests (5 %), changes (3 %) and completions (8 %). The caseload slots a change or a completion
  // leaves are given back by the reservations process when the reactors catch up (as after the API's commands).
  phase('changes and completions');
  now = new Date(now.getTime() + DAY);
  await pool(active, async (s) => {
    const r = random();
    if (r < 0.05) {
      await student({ type: 'RequestMentorChange', data: { studentId: s.id, requestId: timeOrderedUuid(), reason: 'Our schedules do not match.', at: at(), by: { id: s.id, role: 'student' } } }).stored;
    } else if (r < 0.08) {
      const other = mentors.find((m) => m.id !== s.mentorId && m.path === s.path && m.free > 0 && (!s.disability || m.friendly));
      if (other) {
        other.free--;
        await takeMentor(s, other.id, (mentor, reservationId) => ({
          type: 'ChangeMentor',
          data: { studentId: s.id, mentor, reservationId, reason: 'Better fit for the student’s goals.', requestId: null, at: at(), by: staff },
        }));
      }
    } else if (r < 0.16) {
      await student({ type: 'CompleteTraining', data: { studentId: s.id, at: at(), by: staff } }).stored;
    }
  });
  bar.update(estimate, { phase: 'done', events: streams.appended, rate: Math.round(streams.appended / ((performance.now() - started) / 1000)) });
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  const total = await eventStore.countAfter();
  console.log(
    `seeded ${students.length} students (${active.length} with a mentor) and ${mentors.length} mentors: ${total - before} events in ${seconds.toFixed(1)} s ` +
      `(${Math.round((total - before) / seconds)} events/s, RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB); ${refusals} commands refused`,
  );

  await eventStore.close();
  await keyStore.close();
}

/**
 * The projections catch up from their checkpoints here, so that the next start is quick (the reactors still catch up
 * at the next start: their e-mails and scheduled work are the API's business). Stores of its own, opened afresh.
 */
async function projectSeededEvents(config: AppConfig, readStore: ReadStore): Promise<void> {
  const keyStore = createKeyStore({ keyEncryptionKey: config.keyEncryptionKey, mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  const eventStore = createEventStore({ esdbConnectionString: config.esdbConnectionString, dataDir: config.dataDir, synchronous: 'NORMAL', keyStore });
  try {
    const projections = createProjections(config);
    // One pass for all of them: the log read and decrypted once, each slice applied by all and committed once; long
    // slices, since no request waits on this process.
    const projecting = new SingleBar({ format: `projecting ${projections.length} read models [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}`, noTTYOutput: true, notTTYSchedule: 2000, etaBuffer: 2000 });
    const t = performance.now();
    let shown = false;
    const progress = await rebuildProjections(eventStore, readStore, projections, {
      resume: true,
      sliceMs: 200,
      batchSize: 1000,
      onProgress: ({ done: n, total: of }) => {
        const rate = Math.round(n / Math.max(0.001, (performance.now() - t) / 1000));
        if (!shown) projecting.start(of, n, { rate });
        shown = true;
        projecting.setTotal(of);
        projecting.update(n, { rate });
      },
    });
    projecting.stop();
    // The documents are of the code's version: the next start has nothing to upgrade (it rebuilt them all before).
    await recordProjectionVersions(readStore, projections);
    const projectSeconds = (performance.now() - t) / 1000;
    console.log(`${projections.map((p) => p.name).join(', ')}: ${progress.done} events in ${projectSeconds.toFixed(1)} s (${Math.round(progress.done / projectSeconds)} events/s, all of them in one pass)`);
  } finally {
    await eventStore.close();
    await keyStore.close();
  }
}

void main().catch((error) => {
  logCliFailure('seed', error);
  process.exit(1);
});
