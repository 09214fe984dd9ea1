// A store failing over (EventStoreDB NotLeaderError / TimeoutError, MongoDB NotWritablePrimary, the
// embedded SQLite store closed) is not a server error: the API answers 503 store_unavailable as
// problem+json with Retry-After, appends nothing, logs one WARN line naming the store (no ERROR, no
// stack), and the client's retry with the same Idempotency-Key succeeds once the store is back.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { NotLeaderError, TimeoutError } from '@eventstore/db-client';
import { MongoServerError } from 'mongodb';
import { createEventStore, EventStore, SqliteEventStore } from '@mentoring/event-store';
import { createReadStore, ReadStore } from '@mentoring/read-store';
import { MENTOR_CASELOADS } from '@mentoring/projections';
import { mapEsdbError } from '../libs/event-store/src/esdb/esdb-mapping';
import { mapMongoError } from '../libs/read-store/src/mongo/mongo-errors';
import { outcome, Person, person, post } from './support/commands';
import { allEvents, enrolment, mentorBody, startTestApp, tempDataDir, TestApp } from './support/test-app';

type GrpcError = ConstructorParameters<typeof NotLeaderError>[0];
const grpcError = (code: number, details: string, metadata: Record<string, string> = {}) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: { getMap: () => metadata } }) as unknown as GrpcError;
const LEADER = { exception: 'not-leader', 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' };

/** Failures switched on by the test, thrown where the adapters would throw them. */
interface Faults {
  append: (() => Promise<never>) | null;
  readStream: (() => Promise<never>) | null;
  /** Reads of the mentor caseloads read model (GET /mentors/{id}). */
  caseloadReads: (() => Promise<never>) | null;
}

function faultyEventStore(inner: EventStore, faults: Faults): EventStore {
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'append') return (...args: Parameters<EventStore['append']>) => (faults.append ? faults.append() : target.append(...args));
      if (property === 'readStream') {
        return (...args: Parameters<EventStore['readStream']>) => (faults.readStream ? faults.readStream() : target.readStream(...args));
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function faultyReadStore(inner: ReadStore, faults: Faults): ReadStore {
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'collection') {
        return (name: string) => {
          const collection = target.collection(name);
          if (name !== MENTOR_CASELOADS) return collection;
          return new Proxy(collection, {
            get(c, method) {
              const value = Reflect.get(c, method, c);
              if (method !== 'find' && method !== 'findOne') return typeof value === 'function' ? value.bind(c) : value;
              return (...args: unknown[]) => (faults.caseloadReads ? faults.caseloadReads() : (value as (...a: unknown[]) => unknown).apply(c, args));
            },
          });
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const STORE_UNAVAILABLE = (instance: string) => ({
  type: 'https://mentoring.example/problems/store-unavailable',
  title: 'Service Unavailable',
  status: 503,
  code: 'store_unavailable',
  detail: 'A backing store is unreachable; retry later.',
  instance,
});

describe('a store failing over, over HTTP', () => {
  const faults: Faults = { append: null, readStream: null, caseloadReads: null };
  let t: TestApp;
  let eventStore: EventStore;
  let readStore: ReadStore;
  let closedSqlite: SqliteEventStore;
  let staff: Person;
  const logs = new (class extends Writable {
    readonly lines: Array<Record<string, any>> = [];
    override _write(chunk: Buffer, _encoding: string, done: () => void): void {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.lines.push(JSON.parse(line));
      done();
    }
  })();
  const errors = 'error';
  const warnings = 'warn';

  beforeAll(async () => {
    const dataDir = tempDataDir();
    eventStore = createEventStore({ dataDir, synchronous: 'NORMAL' });
    readStore = await createReadStore({ dataDir });
    closedSqlite = new SqliteEventStore({ file: `${dataDir}/closed.sqlite`, synchronous: 'NORMAL' });
    await closedSqlite.close();
    t = await startTestApp(
      { DATA_DIR: dataDir, LOG_LEVEL: 'log' },
      { eventStore: faultyEventStore(eventStore, faults), readStore: faultyReadStore(readStore, faults), logDestination: logs },
    );
    staff = await person(t, 'staff', 'staff-1');
  });
  afterAll(async () => {
    await t.close({ keepData: true });
    await readStore.close();
    await eventStore.close();
  });
  beforeEach(() => {
    logs.lines.length = 0;
  });
  afterEach(() => {
    faults.append = faults.readStream = faults.caseloadReads = null;
  });

  /** The request lines logged at `level` (JSON lines, one per answer): `<method> <path>: <status> <code>, <detail>`. */
  function problemLog(level: 'warn' | 'error'): unknown[][] {
    return logs.lines
      .filter((l) => l.context === 'HTTP' && l.level === level && 'status' in l)
      .map((l) => [`${l.method} ${l.route}: ${l.status} ${l.code}${l.detail ? `, ${l.detail}` : ''}`]);
  }

  function expect503(answer: Awaited<ReturnType<TestApp['request']>>, instance: string): void {
    expect({ status: answer.status, contentType: answer.headers['content-type'], retryAfter: answer.headers['retry-after'], body: answer.body }).toEqual({
      status: 503,
      contentType: 'application/problem+json; charset=utf-8',
      retryAfter: '2',
      body: STORE_UNAVAILABLE(instance),
    });
  }

  it('EventStoreDB NotLeaderError on append: 503 with Retry-After, nothing appended, one WARN; the retry with the same key succeeds', async () => {
    const before = (await allEvents(eventStore)).length;
    faults.append = async () => {
      throw mapEsdbError(new NotLeaderError(grpcError(5, 'Leader info available', LEADER)), 'student-x', 'no_stream');
    };
    const key = { 'idempotency-key': 'enrol-during-failover' };
    const refused = await post(t, staff, '/students', enrolment('self_funded'), key);

    expect503(refused, '/students');
    expect((await allEvents(eventStore)).length).toBe(before);
    expect(problemLog(errors)).toEqual([]);
    expect(problemLog(warnings)).toEqual([
      ['POST /students: 503 store_unavailable, event store unavailable: EventStoreDB unavailable (not-leader): 5 Leader info available'],
    ]);

    faults.append = null;
    const retried = await post(t, staff, '/students', enrolment('self_funded'), key);
    expect(outcome(retried)).toEqual({ status: 201, events: ['StudentEnrolled'] });
    expect((await allEvents(eventStore)).length).toBe(before + 1);
  });

  /**
   * A copy of a stream this process wrote, under a new id, written straight to the store as another API instance
   * would: this process has no state of it cached, so a command on it reads it before deciding.
   */
  async function writtenElsewhere(kind: 'student' | 'mentor', createdHere: string): Promise<string> {
    const id = randomUUID();
    const events = await eventStore.readStream(`${kind}-${createdHere}`);
    await eventStore.append(
      `${kind}-${id}`,
      events.map((e) => {
        const { integrity: _chain, ...metadata } = e.metadata as typeof e.metadata & { integrity?: unknown };
        return { eventId: randomUUID(), type: e.type, schemaVersion: e.schemaVersion, data: JSON.parse(JSON.stringify(e.data).replaceAll(createdHere, id)), metadata };
      }),
      'no_stream',
    );
    return id;
  }

  it('EventStoreDB TimeoutError on the read before a decision: 503, nothing appended', async () => {
    // Streams this process did not write (its own appends' states are decided on without a read).
    const mentorId = await writtenElsewhere('mentor', (await post(t, staff, '/mentors', mentorBody())).body.mentorId as string);
    const studentId = await writtenElsewhere('student', (await post(t, staff, '/students', enrolment('self_funded'))).body.studentId as string);
    const before = (await allEvents(eventStore)).length;
    faults.readStream = async () => {
      throw mapEsdbError(new TimeoutError(grpcError(10, 'Operation timed out')), `student-${studentId}`);
    };

    const refused = await post(t, staff, `/students/${studentId}/assignment`, { mentorId });

    expect503(refused, `/students/${studentId}/assignment`);
    expect((await allEvents(eventStore)).length).toBe(before);
    expect(problemLog(errors)).toEqual([]);
    expect(problemLog(warnings)).toHaveLength(1);
  });

  it('the embedded SQLite store’s own unavailable error (a closed store) goes the same way', async () => {
    const before = (await allEvents(eventStore)).length;
    faults.append = () => closedSqlite.append('student-x', [], 'no_stream') as Promise<never>;

    const refused = await post(t, staff, '/mentors', mentorBody());

    expect503(refused, '/mentors');
    expect((await allEvents(eventStore)).length).toBe(before);
    expect(problemLog(errors)).toEqual([]);
    expect(problemLog(warnings)).toEqual([['POST /mentors: 503 store_unavailable, event store unavailable: the SQLite event store is closed']]);
  });

  it('MongoDB NotWritablePrimary on a query: 503 with Retry-After, one WARN naming the read store', async () => {
    const mentorId = (await post(t, staff, '/mentors', mentorBody())).body.mentorId as string;
    faults.caseloadReads = async () => {
      throw mapMongoError(new MongoServerError({ ok: 0, errmsg: 'not primary', code: 10107, codeName: 'NotWritablePrimary' }));
    };

    const refused = await t.request('GET', `/mentors/${mentorId}`, { token: staff.token });

    expect503(refused, `/mentors/${mentorId}`);
    expect(problemLog(errors)).toEqual([]);
    expect(problemLog(warnings)).toEqual([
      // The route template, never the path: ids stay out of the logs.
      [`GET /mentors/:mentorId: 503 store_unavailable, read store unavailable: MongoDB is unavailable (MongoServerError): not primary`],
    ]);
  });

  it('an error that is not a store failing over is still a 500, logged at ERROR', async () => {
    faults.append = async () => {
      throw new Error('a bug');
    };
    const answer = await post(t, staff, '/mentors', mentorBody());
    expect({ status: answer.status, retryAfter: answer.headers['retry-after'], code: answer.body.code }).toEqual({
      status: 500,
      retryAfter: undefined,
      code: 'internal_error',
    });
    expect(problemLog(errors)).toHaveLength(1);
    expect(problemLog(warnings)).toEqual([]);
  });
});
