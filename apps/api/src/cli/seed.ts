// `npm run seed -- --students 10000 [--mentors N] [--seed 42]`: fills the stores with a realistic
// school, through the real command handlers (same validation, rules and events as over HTTP), with a
// progress bar. Time is simulated: the school's history starts ~10 weeks ago and moves forward
// phase by phase. With the embedded stores, stop the API first (it holds the read models open).
// The reactors do not run while seeding; at the next start they process the seeded history from their
// checkpoint (e-mails for past assignments go to DATA_DIR/outbox when SMTP_URL is unset).
import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { hs256Secret, loadConfig } from '@mentoring/config';
import { createApp } from '../bootstrap';
import { signToken } from '../http/auth';

const PATHS = ['web-development', 'data-analysis', 'ux-design', 'project-management'];
const FIRST = ['Sam', 'Alex', 'Noor', 'Lea', 'Omar', 'Ines', 'Yuki', 'Jon', 'Maya', 'Tariq', 'Chloe', 'Ravi', 'Eva', 'Luis', 'Amara', 'Finn'];
const LAST = ['Martin', 'Okafor', 'Dubois', 'Silva', 'Nakamura', 'Haddad', 'Kowalski', 'Jensen', 'Moreau', 'Costa', 'Ali', 'Berg'];
const DAY = 24 * 3600 * 1000;

/** Small deterministic PRNG (mulberry32): the same --seed gives the same school. */
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
  profile: 'apprenticeship' | 'employee' | 'social_programme' | 'self_funded';
  path: string;
  disability: boolean;
  mentorId: string | null;
  mentorToken: string | null;
  sessions: string[];
  discoveryHeld: boolean;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { students: { type: 'string', default: '1000' }, mentors: { type: 'string' }, seed: { type: 'string', default: '42' } } });
  const studentCount = Number(values.students);
  if (!Number.isInteger(studentCount) || studentCount < 1 || studentCount > 1_000_000) {
    console.error('--students must be an integer between 1 and 1000000');
    process.exit(2);
  }
  const mentorCount = values.mentors ? Number(values.mentors) : Math.max(4, Math.ceil(studentCount / 10));
  const random = prng(Number(values.seed));
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];

  // Reactors are off while seeding (the history is simulated; no thousands of e-mails, no escalations
  // raised by a real-time tick in the middle of simulated weeks). They catch up at the next `npm start`
  // unless RUN_REACTORS=true is given here.
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', RUN_REACTORS: process.env.RUN_REACTORS ?? 'false' });
  let now = new Date(Date.now() - 70 * DAY);
  now.setUTCHours(8, 0, 0, 0);
  const app = await createApp(config, { clock: { now: () => now } });
  const fastify = app.getHttpAdapter().getInstance();
  const staff = `Bearer ${await signToken(hs256Secret(config), 'seed-staff', 'staff')}`;
  const tokens = new Map<string, string>();
  const tokenFor = async (role: 'mentor' | 'student', id: string) => {
    const key = `${role}:${id}`;
    if (!tokens.has(key)) tokens.set(key, `Bearer ${await signToken(hs256Secret(config), id, role)}`);
    return tokens.get(key)!;
  };

  let failures = 0;
  const post = async (url: string, token: string, body: unknown = {}): Promise<Record<string, any> | null> => {
    const res = await fastify.inject({ method: 'POST', url, headers: { authorization: token, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    if (res.statusCode >= 400) {
      failures++;
      if (failures <= 5) console.error(`\n${url}: ${res.statusCode} ${res.body}`);
      return null;
    }
    return res.json();
  };

  const bar = new SingleBar({ format: 'seeding [{bar}] {percentage}% | {value}/{total} commands | {phase} | ETA {eta_formatted}', noTTYOutput: true, notTTYSchedule: 2000 });
  const estimate = mentorCount + studentCount * 14;
  bar.start(estimate, 0, { phase: 'mentors' });
  let done = 0;
  const step = () => bar.update(++done);
  /** Runs `work` over `items` with bounded concurrency (group commit batches the appends). */
  const pool = async <T>(items: T[], work: (item: T, index: number) => Promise<void>, width = 32) => {
    let next = 0;
    await Promise.all(Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }));
  };

  // Mentors: about a third disability-friendly; capacity 8–14.
  const mentors: Array<{ id: string; path: string; friendly: boolean; free: number; slot: number }> = [];
  await pool(Array.from({ length: mentorCount }, (_, i) => i), async (i) => {
    const friendly = random() < 0.35;
    const path = PATHS[i % PATHS.length];
    const capacity = 8 + Math.floor(random() * 7);
    const answer = await post('/mentors', staff, {
      name: `${pick(FIRST)} ${pick(LAST)}`, email: `mentor${i}@mentors.example`, trainingPaths: [path], capacity, disabilityFriendly: friendly,
      ...(friendly ? { disabilityTrainingCompletedOn: '2026-01-15' } : {}),
    });
    if (answer) mentors.push({ id: answer.mentorId, path, friendly, free: capacity, slot: 0 });
    step();
  });

  // Students: 30 % apprenticeship, 25 % employee, 20 % social programme, 25 % self-funded; 6 % disability.
  bar.update(done, { phase: 'enrolments' });
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
    const answer = await post('/students', staff, { name: `${pick(FIRST)} ${pick(LAST)}`, email: `student${i}@students.example`, trainingPath: path, registeredDisability: disability, startDate: start, funding });
    if (answer) students.push({ id: answer.studentId, profile, path, disability, mentorId: null, mentorToken: null, sessions: [], discoveryHeld: false });
    step();
  });

  // Day 1–5: about 88 % get a mentor of their path (disability-friendly when needed) with room left.
  bar.update(done, { phase: 'assignments' });
  now = new Date(now.getTime() + 2 * DAY);
  const waiting = students.filter(() => random() < 0.88);
  for (const student of waiting) {
    const mentor = mentors.find((m) => m.path === student.path && m.free > 0 && (!student.disability || m.friendly));
    if (mentor) {
      mentor.free--;
      student.mentorId = mentor.id;
    }
  }
  const assigned = waiting.filter((s) => s.mentorId);
  await pool(assigned, async (s) => {
    if (!(await post(`/students/${s.id}/assignment`, staff, { mentorId: s.mentorId }))) s.mentorId = null;
    s.mentorToken = s.mentorId ? await tokenFor('mentor', s.mentorId) : null;
    step();
  });
  const active = assigned.filter((s) => s.mentorId);

  // Day 3: first contact; slow students (12 %) get an internal comment and a follow-up instead.
  bar.update(done, { phase: 'first contact' });
  now = new Date(now.getTime() + DAY);
  const slow = new Set(active.filter(() => random() < 0.12).map((s) => s.id));
  await pool(active, async (s) => {
    if (slow.has(s.id)) {
      await post(`/students/${s.id}/internal-comments`, s.mentorToken!, { text: 'No answer to two e-mails and a call.' });
      const followUp = await post(`/students/${s.id}/follow-ups`, s.mentorToken!, { reason: 'unresponsive_student', note: 'Please reach out.' });
      if (followUp && random() < 0.5) await post(`/students/${s.id}/follow-ups/${followUp.followUpId}/resolve`, staff, { resolution: 'Student answered the team.' });
    } else {
      await post(`/students/${s.id}/first-contact`, s.mentorToken!);
    }
    step();
  });

  // Discovery sessions and four weekly sessions, one-hour slots per mentor, so none overlap.
  const slotOf = new Map(mentors.map((m) => [m.id, 0]));
  const nextSlot = (mentorId: string, weekStart: Date) => {
    const n = slotOf.get(mentorId)!;
    slotOf.set(mentorId, n + 1);
    return new Date(weekStart.getTime() + (1 + Math.floor(n / 8)) * DAY + (n % 8) * 3600 * 1000 + 9 * 3600 * 1000);
  };
  for (let week = 0; week < 5; week++) {
    bar.update(done, { phase: week === 0 ? 'discovery sessions' : `week ${week}` });
    const weekStart = new Date(now.getTime() + 7 * DAY * week);
    weekStart.setUTCHours(0, 0, 0, 0);
    for (const m of mentors) slotOf.set(m.id, 0);
    now = new Date(weekStart.getTime() - DAY / 2);
    const booked: Array<[Student, string, boolean]> = [];
    await pool(active, async (s) => {
      // A missed discovery session is booked again before any other session (R12).
      const discovery = !s.discoveryHeld;
      const url = discovery ? `/students/${s.id}/discovery-session` : `/students/${s.id}/sessions`;
      const answer = await post(url, s.mentorToken!, { start: nextSlot(s.mentorId!, weekStart).toISOString() });
      if (answer) booked.push([s, answer.sessionId, discovery]);
      step();
    });
    now = new Date(weekStart.getTime() + 7 * DAY - 3600 * 1000);
    await pool(booked, async ([s, sessionId, discovery]) => {
      const noShow = random() < 0.08;
      await post(`/students/${s.id}/sessions/${sessionId}/${noShow ? 'no-show' : 'held'}`, s.mentorToken!);
      if (discovery && !noShow) {
        s.discoveryHeld = true;
        await post(`/students/${s.id}/first-session-recording`, s.mentorToken!, { sessionId, recordingUrl: `https://recordings.example/${sessionId}` });
        if (random() < 0.7) await post(`/students/${s.id}/first-session-feedback`, staff, { sessionId, feedback: 'Clear goals agreed; good pacing.' });
      }
      step();
    });
  }

  // Change requests (5 %), changes (3 %) and completions (8 %).
  bar.update(done, { phase: 'changes and completions' });
  now = new Date(now.getTime() + DAY);
  await pool(active, async (s) => {
    const r = random();
    if (r < 0.05) {
      await post(`/students/${s.id}/mentor-change-requests`, await tokenFor('student', s.id), { reason: 'Our schedules do not match.' });
    } else if (r < 0.08) {
      const other = mentors.find((m) => m.id !== s.mentorId && m.path === s.path && m.free > 0 && (!s.disability || m.friendly));
      if (other) {
        other.free--;
        await post(`/students/${s.id}/mentor-change`, staff, { mentorId: other.id, fromMentorId: s.mentorId, reason: 'Better fit for the student’s goals.' });
      }
    } else if (r < 0.16) {
      await post(`/students/${s.id}/completion`, staff);
    }
    step();
  });
  bar.update(estimate);
  bar.stop();
  await app.close();
  console.log(`seeded ${students.length} students (${active.length} with a mentor) and ${mentors.length} mentors; ${failures} commands refused`);
}

void main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
