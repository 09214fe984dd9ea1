// Poison events: a projection whose handler keeps failing on one event parks it after a bounded number
// of attempts and goes on, so its lag stays at zero for the others; a retry applies it once fixed. A
// transient failure (a store unavailable) is never parked: the subscription waits and resumes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { NewEvent, RecordedEvent, SqliteEventStore, formatPosition } from '@mentoring/event-store';
import { EmbeddedReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import { PARKED_EVENTS, ParkedEventDoc, listParkedEvents, requestParkedRetry } from './parked-events';
import { ProjectionRunner } from './projection-runner';
import { Projection } from './projection';
import { STUDENT_PROFILES, studentProfilesProjection } from './read-models';
import { TransientError } from './subscriber-runner';

const at = '2027-01-04T09:00:00.000Z';
const meta = { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' as const }, occurredAt: at };
const quiet = { log: () => undefined, error: () => undefined };
const ev = (type: string, data: object): NewEvent => ({ eventId: randomUUID(), type, schemaVersion: 1, data, metadata: meta });
const enrolled = (studentId: string) =>
  ev('StudentEnrolled', {
    studentId,
    name: `Name ${studentId}`,
    email: `${studentId}@x.example`,
    trainingPath: 'web',
    registeredDisability: false,
    startDate: '2027-01-04',
    funding: { kind: 'self_funded' },
    attendanceObligatory: false,
    enrolledAt: at,
  });

/** The student-profiles projection, failing on the events `poisoned` says are poison. */
function failing(poisoned: (event: RecordedEvent) => boolean, error: () => Error = () => new Error('cannot apply this one')): Projection & { calls: number } {
  const projection = {
    ...studentProfilesProjection,
    calls: 0,
    async apply(event: RecordedEvent, tx: ReadStoreTransaction) {
      projection.calls++;
      if (poisoned(event)) throw error();
      await studentProfilesProjection.apply(event, tx);
    },
  };
  return projection;
}

describe('poison events', () => {
  let dir: string;
  let store: SqliteEventStore;
  let readStore: EmbeddedReadStore;
  let runner: ProjectionRunner | undefined;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'poison-'));
    store = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
    readStore = await EmbeddedReadStore.open({ file: path.join(dir, 'read.sqlite') });
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await store.close();
    await readStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a projection that throws on one event parks it, applies the others and keeps its lag at zero; a retry applies it once fixed', async () => {
    for (const s of ['s1', 's2', 's3', 's4', 's5']) await store.append(`student-${s}`, [enrolled(s)], 'no_stream');
    const [poison] = await store.readStream('student-s3');
    let broken = true;
    const projection = failing((e) => broken && e.eventId === poison.eventId);
    runner = new ProjectionRunner(store, readStore, [projection], quiet, { maxAttempts: 3, retryDelayMs: 0 });
    await runner.start();
    expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);

    // Every other student is projected; the poison is parked with its error and attempts.
    const ids = async () => (await readStore.collection(STUDENT_PROFILES).find({}, { sort: { _id: 1 } })).map((d) => d._id);
    expect(await ids()).toEqual(['s1', 's2', 's4', 's5']);
    const parked = await readStore.collection<ParkedEventDoc>(PARKED_EVENTS).find({});
    expect(parked).toEqual([
      expect.objectContaining({
        _id: `student-profiles:${poison.eventId}`,
        subscriber: 'student-profiles',
        kind: 'projection',
        eventId: poison.eventId,
        eventType: 'StudentEnrolled',
        streamId: 'student-s3',
        revision: 0,
        position: formatPosition(poison.position),
        attempts: 3,
        state: 'parked',
        error: expect.stringContaining('cannot apply this one'),
      }),
    ]);
    let [status] = await runner.status();
    expect(status).toMatchObject({ name: 'student-profiles', lag: 0, parked: 1, checkpoint: formatPosition((await store.headPosition())!) });

    // Live events after the poison go on as usual.
    await store.append('student-s6', [enrolled('s6')], 'no_stream');
    expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
    expect(await ids()).toEqual(['s1', 's2', 's4', 's5', 's6']);
    [status] = await runner.status();
    expect(status.lag).toBe(0);

    // Still broken: the retry fails and counts an attempt; fixed: the retry applies it and resolves it.
    expect(await runner.retryParked(parked[0]._id)).toMatchObject({ state: 'parked', attempts: 4 });
    broken = false;
    expect(await runner.retryParked(parked[0]._id)).toMatchObject({ state: 'resolved', attempts: 5 });
    expect(await ids()).toEqual(['s1', 's2', 's3', 's4', 's5', 's6']);
    expect(await listParkedEvents(readStore)).toEqual([]);
    expect(await listParkedEvents(readStore, { includeResolved: true })).toHaveLength(1);
    [status] = await runner.status();
    expect(status).toMatchObject({ lag: 0, parked: 0 });
  });

  it('finds the poison in a large batch by splitting it, with few commits, and parks every poison of the batch', async () => {
    for (let i = 0; i < 200; i++) await store.append(`student-p${i}`, [enrolled(`p${i}`)], 'no_stream');
    const poisons = new Set(['student-p17', 'student-p150']);
    const projection = failing((e) => poisons.has(e.streamId));
    runner = new ProjectionRunner(store, readStore, [projection], quiet, { maxAttempts: 2, retryDelayMs: 0 });
    await runner.start();
    expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
    expect(await readStore.collection(STUDENT_PROFILES).countDocuments()).toBe(198);
    expect((await listParkedEvents(readStore)).map((p) => p.streamId).sort()).toEqual(['student-p150', 'student-p17']);
    // Bisection: far fewer applications than one unit of work per event would need (200 × attempts).
    expect(projection.calls).toBeLessThan(200 * 4);
    expect((await runner.status())[0]).toMatchObject({ lag: 0, parked: 2, processedSinceStart: 200 });
  });

  it('a transient failure is not parked: the subscriber waits, resubscribes from its checkpoint and applies the event', async () => {
    for (const s of ['s1', 's2', 's3']) await store.append(`student-${s}`, [enrolled(s)], 'no_stream');
    let failures = 0;
    const projection = failing(
      (e) => e.streamId === 'student-s2' && failures++ < 5,
      () => new TransientError('read store unavailable for a moment'),
    );
    runner = new ProjectionRunner(store, readStore, [projection], quiet, { maxAttempts: 2, retryDelayMs: 0, restartDelayMs: 1 });
    await runner.start();
    expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
    expect(await readStore.collection(STUDENT_PROFILES).countDocuments()).toBe(3);
    expect(await listParkedEvents(readStore, { includeResolved: true })).toEqual([]);
  });

  it('serves retry requests stored in the read store (by the CLI or another process)', async () => {
    await store.append('student-s1', [enrolled('s1')], 'no_stream');
    let broken = true;
    const projection = failing(() => broken);
    runner = new ProjectionRunner(store, readStore, [projection], quiet, { maxAttempts: 1, retryDelayMs: 0 });
    await runner.start();
    expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
    const [parked] = await listParkedEvents(readStore);
    broken = false;
    // By bare event id: only one subscriber parked it.
    expect(await requestParkedRetry(readStore, parked.eventId)).toMatchObject({ _id: parked._id, state: 'retry_requested' });
    await runner.serveRetryRequests();
    expect(await readStore.collection<ParkedEventDoc>(PARKED_EVENTS).findOne({ _id: parked._id })).toMatchObject({ state: 'resolved' });
    expect(await readStore.collection(STUDENT_PROFILES).countDocuments()).toBe(1);
  });
});
