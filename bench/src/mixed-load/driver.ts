// The mixed load of issue 8 sent over HTTP by concurrent clients: the bench section (g) runs it for a minute and
// folds the event store afterwards; the soak bench runs it for an hour and watches the API's memory. The clients
// share what they learn (commands.ts), so that later commands name real students, mentors and sessions.
import { Intent, IntentKind, Knowledge, unexpectedAnswer } from './commands';

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

export interface Answer {
  status: number;
  body: Record<string, any>;
  headers: Record<string, string>;
}

/** POSTs JSON with the given headers and parses the answer (a body that is not JSON is kept as text). */
export function poster(base: string, headers: Record<string, string>): (url: string, body: unknown) => Promise<Answer> {
  return async (url, body) => {
    const response = await fetch(`${base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed as Record<string, any>, headers: Object.fromEntries(response.headers) };
  };
}

export class MixedLoad {
  /** Commands answered, by command and status. */
  readonly tally = new Map<string, Map<number, number>>();
  /** The first few answers that are neither a 2xx nor a 4xx problem with a code. */
  readonly unexpected: string[] = [];
  sent = 0;
  /** Each command's latency in ms, when `recordLatency` is on (the soak bench reads and clears it per window). */
  latencies: number[] = [];
  recordLatency = false;
  private readonly knowledge = new Knowledge();
  private readonly firstSlot = Math.ceil((Date.now() + 2 * 86_400_000) / 1_800_000) * 1_800_000;

  private constructor(
    private readonly post: (url: string, body: unknown) => Promise<Answer>,
    private readonly mentors: string[],
    private readonly students: string[],
    private readonly tag: string,
  ) {}

  /** Creates `mentors` mentors of capacity 1–5 and three waiting students per mentor. `tag` keeps e-mails distinct between runs on one store. */
  static async start(post: (url: string, body: unknown) => Promise<Answer>, mentorCount: number, tag = 'bench'): Promise<MixedLoad> {
    const mentors: string[] = [];
    for (let i = 0; i < mentorCount; i++) {
      const answer = await post('/mentors', { name: `Mentor ${i}`, email: `m${i}@${tag}.example`, trainingPaths: ['web'], capacity: 1 + (i % 5), disabilityFriendly: false });
      if (answer.status !== 201) throw new Error(`POST /mentors: ${answer.status} ${JSON.stringify(answer.body)}`);
      mentors.push(answer.body.mentorId);
    }
    const load = new MixedLoad(post, mentors, [], tag);
    for (let i = 0; i < 3 * mentorCount; i++) {
      const answer = await load.enrol();
      if (answer.status !== 201) throw new Error(`POST /students: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return load;
  }

  /** `clients` concurrent clients, each sending its next command `thinkMs` after the last answer, until `until()`. */
  async run(clients: number, until: () => boolean, thinkMs = 0): Promise<void> {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (!until()) {
          await this.next();
          if (thinkMs > 0) await sleep(thinkMs);
        }
      }),
    );
  }

  /** "EnrolStudent 201×12 409×3; …", by command name. */
  byCommand(): string {
    return [...this.tally]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([command, byStatus]) => `${command} ${[...byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')}`)
      .join('; ');
  }

  private async next(): Promise<void> {
    const chosen = weighted();
    const kind = chosen === 'enrol' && this.knowledge.waiting(this.students.slice(-4 * WAITING)).length >= WAITING ? 'assign' : chosen;
    if (kind === 'enrol') {
      await this.enrol();
      return;
    }
    const intent: Intent = {
      kind,
      studentId: this.student(kind),
      mentorId: pick(this.mentors),
      capacity: 1 + Math.floor(Math.random() * 6),
      start: new Date(this.firstSlot + Math.floor(Math.random() * 14 * 20) * 1_800_000).toISOString(),
      pick: Math.floor(Math.random() * 4),
    };
    const call = this.knowledge.call(intent);
    if (!call) return;
    // A quarter of the assignments and changes are sent twice at once (a double click, a retry without a key).
    const copies = (kind === 'assign' || kind === 'change') && Math.random() < TWINS ? 2 : 1;
    await Promise.all(
      Array.from({ length: copies }, async () => {
        const answer = await this.timed(call.command, () => this.post(call.url, call.body));
        const problem = unexpectedAnswer(answer.status, answer.body, answer.headers, false);
        if (problem && this.unexpected.length < 5) this.unexpected.push(`${call.command} ${call.url}: ${problem}`);
        this.knowledge.learn(intent, call, answer.status, answer.body);
      }),
    );
  }

  private async enrol(): Promise<Answer> {
    const i = this.students.length;
    const answer = await this.timed('EnrolStudent', () =>
      this.post('/students', { name: `Student ${i}`, email: `s${i}@${this.tag}.example`, trainingPath: 'web', registeredDisability: false, startDate: '2027-01-04', funding: { kind: 'self_funded' } }),
    );
    if (answer.status === 201) this.students.push(answer.body.studentId);
    return answer;
  }

  private async timed(command: string, send: () => Promise<Answer>): Promise<Answer> {
    const started = performance.now();
    const answer = await send();
    if (this.recordLatency) this.latencies.push(performance.now() - started);
    this.sent++;
    const byStatus = this.tally.get(command) ?? new Map<number, number>();
    this.tally.set(command, byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1));
    return answer;
  }

  /** Assignments pick among the students enrolled last (mostly waiting); the other commands mostly among the assigned ones. */
  private student(kind: IntentKind): string {
    const assigned = this.knowledge.assignedStudents();
    if (kind !== 'assign' && assigned.length > 0 && Math.random() < 0.8) return pick(assigned);
    const waiting = this.knowledge.waiting(this.students.slice(-4 * WAITING));
    return waiting.length > 0 ? pick(waiting) : pick(this.students);
  }
}
