// The runner over the real embedded adapters: checkpoints commit with the writes, a restart resumes
// from the checkpoint, replays change nothing, and a rebuild ends where live processing did.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { EventStore, formatPosition, NewEvent, SharedSubscriptionsEventStore, SqliteEventStore } from '@mentoring/event-store';
import { EmbeddedReadStore, ReadStore } from '@mentoring/read-store';
import { PROJECTION_VERSIONS, ProjectionRunner, REBUILD_REQUESTS, RebuildRequestDoc, recordProjectionVersions, requestRebuild } from './projection-runner';
import { Projection } from './projection';
import { rebuildProjection, rebuildProjections } from './rebuild';

const STUDENT_PROFILES_NAME = studentProfilesProjection.name;
import { createProjections, MENTOR_CASELOAD_ENTRIES, MENTOR_CASELOADS, mentorCaseloadsProjection, STUDENT_PROFILES, studentProfilesProjection } from './read-models';
import { applyBatch } from './apply-batch';

const ALL_PROJECTIONS = createProjections({ analyticsPseudonymKey: 'test-analytics-pseudonym-key-0123456789' });

const at = '2027-01-04T09:00:00.000Z';
const meta = { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' as const }, occurredAt: at };
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
const registered = (mentorId: string, capacity = 3) =>
  ev('MentorRegistered', { mentorId, name: 'Joy', email: 'joy@x.example', trainingPaths: ['web'], capacity, disabilityFriendly: false, disabilityTrainingCompletedOn: null, registeredAt: at });

async function history(store: EventStore): Promise<void> {
  await store.append('mentor-m1', [registered('m1')], 'no_stream');
  for (const s of ['s1', 's2', 's3']) {
    await store.append(`student-${s}`, [enrolled(s)], 'no_stream');
    await store.append('mentor-m1', [ev('CaseloadSlotReserved', { mentorId: 'm1', studentId: s, reservedAt: at })], 'any');
    await store.append(`student-${s}`, [ev('StudentAssigned', { studentId: s, mentorId: 'm1', assignedAt: at })], 0);
  }
  await store.append('mentor-m1', [ev('CaseloadSlotReleased', { mentorId: 'm1', studentId: 's2', reason: 'training_completed', releasedAt: at })], 'any');
  await store.append('student-s2', [ev('TrainingCompleted', { studentId: 's2', mentorId: 'm1', completedAt: at })], 1);
}

async function documents(readStore: ReadStore, collection: string) {
  return readStore.collection(collection).find({}, { sort: { _id: 1 } });
}

describe('projections', () => {
  let dir: string;
  let store: SqliteEventStore;
  let readStore: EmbeddedReadStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projections-'));
    store = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
    readStore = new EmbeddedReadStore({ file: path.join(dir, 'read.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    await readStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('student profiles and mentor caseloads: given events, the expected documents', async () => {
    await history(store);
    const events = await store.readAll({ maxCount: 100 });
    for (const p of ALL_PROJECTIONS) await applyBatch(readStore, p, events);
    expect(await documents(readStore, STUDENT_PROFILES)).toEqual(
      ['s1', 's2', 's3'].map((s) => ({
        _id: s,
        studentId: s,
        name: `Name ${s}`,
        email: `${s}@x.example`,
        trainingPath: 'web',
        registeredDisability: false,
        startDate: '2027-01-04',
        funding: { kind: 'self_funded' },
        attendanceObligatory: false,
        status: s === 's2' ? 'completed' : 'active',
        mentorId: 'm1',
        assignedAt: at,
        enrolledAt: at,
        updatedAt: at,
        comments: [],
        sessions: [],
        revision: s === 's2' ? 2 : 1,
      })),
    );
    expect(await documents(readStore, MENTOR_CASELOADS)).toEqual([
      {
        _id: 'm1',
        mentorId: 'm1',
        name: 'Joy',
        email: 'joy@x.example',
        trainingPaths: ['web'],
        capacity: 3,
        disabilityFriendly: false,
        unavailable: false,
        caseloadSize: 2,
        // Derived and indexed for the lists (issue 13): 1 of 3 places left, "fullest first" key.
        remainingCapacity: 1,
        load: 0.6667,
        fullness: 0.6667,
        fullestFirst: '000000000001|9999993332',
        registeredAt: at,
        updatedAt: at,
        revision: 4,
      },
    ]);
    expect(await documents(readStore, MENTOR_CASELOAD_ENTRIES)).toEqual([
      // v1 events (no reservation id) read with the domain's legacy id, one per mentor and student.
      { _id: 'm1:legacy:m1:s1', mentorId: 'm1', studentId: 's1', reservationId: 'legacy:m1:s1', since: at },
      { _id: 'm1:legacy:m1:s3', mentorId: 'm1', studentId: 's3', reservationId: 'legacy:m1:s3', since: at },
    ]);
  });

  it('applying the same events twice changes nothing (idempotent writes)', async () => {
    await history(store);
    const events = await store.readAll({ maxCount: 100 });
    for (const p of ALL_PROJECTIONS) await applyBatch(readStore, p, events);
    const once = [await documents(readStore, STUDENT_PROFILES), await documents(readStore, MENTOR_CASELOADS), await documents(readStore, MENTOR_CASELOAD_ENTRIES)];
    for (const p of ALL_PROJECTIONS) {
      await applyBatch(readStore, p, events);
      await applyBatch(readStore, p, events.slice(3, 7));
    }
    expect([await documents(readStore, STUDENT_PROFILES), await documents(readStore, MENTOR_CASELOADS), await documents(readStore, MENTOR_CASELOAD_ENTRIES)]).toEqual(once);
  });

  it('the runner catches up, commits checkpoints with the writes, reports lag 0, and resumes after a restart', async () => {
    await history(store);
    const head = (await store.headPosition())!;
    let runner = new ProjectionRunner(store, readStore, ALL_PROJECTIONS);
    await runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    const status = await runner.status();
    expect(status.map((s) => [s.name, s.checkpoint, s.lag, s.processedSinceStart])).toEqual(ALL_PROJECTIONS.map((p) => [p.name, formatPosition(head), 0, 12]));
    await runner.stop();

    // New events while stopped; a new runner (a restart) processes only those.
    await store.append('student-s4', [enrolled('s4')], 'no_stream');
    runner = new ProjectionRunner(store, readStore, ALL_PROJECTIONS);
    await runner.start();
    expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
    expect((await runner.status()).map((s) => s.processedSinceStart)).toEqual(ALL_PROJECTIONS.map(() => 1));
    expect(await readStore.collection(STUDENT_PROFILES).countDocuments()).toBe(4);
    await runner.stop();
  });

  it('a new version of a projection (its documents changed shape) is rebuilt at start without downtime; a projection never run just starts at its version', async () => {
    await history(store);
    const head = (await store.headPosition())!;
    const named = (version: number, field: string): Projection => ({
      name: 'noted',
      version,
      collections: ['noted_students'],
      eventTypes: new Set(['StudentEnrolled']),
      async apply(event, tx) {
        const { studentId } = event.data as { studentId: string };
        await tx.collection('noted_students').replaceOne({ _id: studentId }, { _id: studentId, [field]: true }, { upsert: true });
      },
    });
    let runner = new ProjectionRunner(store, readStore, [named(1, 'v1')], undefined, { pollMs: 20 });
    await runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    expect(await readStore.collection(PROJECTION_VERSIONS).find({})).toEqual([{ _id: 'noted', version: 1, since: expect.any(String) }]);
    await runner.stop();

    runner = new ProjectionRunner(store, readStore, [named(2, 'v2')], undefined, { pollMs: 20 });
    await runner.start();
    const versions = readStore.collection<{ _id: string; version: number }>(PROJECTION_VERSIONS);
    for (let i = 0; i < 250 && (await versions.findOne({ _id: 'noted' }))?.version !== 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await documents(readStore, 'noted_students')).toEqual(['s1', 's2', 's3'].map((id) => ({ _id: id, v2: true })));
    expect(await readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS).findOne({ _id: 'noted' })).toMatchObject({ state: 'switched' });
    await runner.stop();

    // A projection that has never run starts at its version: nothing to rebuild.
    const fresh = { ...named(3, 'v3'), name: 'fresh', collections: ['fresh_students'] };
    runner = new ProjectionRunner(store, readStore, [fresh], undefined, { pollMs: 20 });
    await runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(await versions.findOne({ _id: 'fresh' })).toMatchObject({ version: 3 });
    expect(await readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS).findOne({ _id: 'fresh' })).toBeNull();
    await runner.stop();
  });

  it('a rebuild from zero gives exactly the documents live processing gave', async () => {
    const runner = new ProjectionRunner(store, readStore, ALL_PROJECTIONS);
    await runner.start();
    await history(store);
    expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
    await runner.stop();
    const live = [await documents(readStore, STUDENT_PROFILES), await documents(readStore, MENTOR_CASELOADS), await documents(readStore, MENTOR_CASELOAD_ENTRIES)];
    const progress: number[] = [];
    for (const p of [studentProfilesProjection, mentorCaseloadsProjection]) {
      await rebuildProjection(store, readStore, p, { batchSize: 5, onProgress: ({ done }) => progress.push(done) });
    }
    expect([await documents(readStore, STUDENT_PROFILES), await documents(readStore, MENTOR_CASELOADS), await documents(readStore, MENTOR_CASELOAD_ENTRIES)]).toEqual(live);
    // Progress counts events of the log looked at, not events applied: student profiles' first five handled events
    // are among the log's first 8, the caseloads' among its first 11; both end at the 12 of the log.
    expect(progress).toEqual([0, 8, 12, 0, 11, 12]);
  });

  it('a rebuild reads only the event types its projection handles, and its checkpoint still reaches the head (issue 13)', async () => {
    await history(store);
    // The log ends with events mentor caseloads does not handle.
    await store.append('student-s1', [ev('FirstContactRecorded', { studentId: 's1', mentorId: 'm1', contactedAt: at })], 1);
    await store.append('student-s3', [ev('FirstContactRecorded', { studentId: 's3', mentorId: 'm1', contactedAt: at })], 1);
    const all = await store.readAll();
    const handled = all.filter((e) => mentorCaseloadsProjection.eventTypes.has(e.type));
    expect(handled.length).toBeGreaterThan(0);
    expect(handled.length).toBeLessThan(all.length - 2);
    const handedOut: string[] = [];
    const counting: EventStore = Object.assign(Object.create(store) as EventStore, {
      readAll: () => Promise.reject(new Error('a rebuild reads the log filtered')),
      readAllFiltered: async (options: Parameters<EventStore['readAllFiltered']>[0]) => {
        const read = await store.readAllFiltered(options);
        handedOut.push(...read.events.map((e) => e.eventId));
        return read;
      },
    });
    expect(await rebuildProjection(counting, readStore, mentorCaseloadsProjection, { batchSize: 2, scanLimit: 3 })).toEqual({ done: all.length, total: all.length });
    expect(handedOut).toEqual(handled.map((e) => e.eventId));
    expect((await readStore.getCheckpoint(mentorCaseloadsProjection.name))?.position).toBe(formatPosition(all[all.length - 1].position));
    // The same documents as a rebuild that reads everything in one read.
    const filtered = [await documents(readStore, MENTOR_CASELOADS), await documents(readStore, MENTOR_CASELOAD_ENTRIES)];
    await rebuildProjection(store, readStore, mentorCaseloadsProjection, { batchSize: 1000, scanLimit: 100_000 });
    expect([await documents(readStore, MENTOR_CASELOADS), await documents(readStore, MENTOR_CASELOAD_ENTRIES)]).toEqual(filtered);
    expect(filtered[0].length).toBe(1);
  });

  it('projections at the same checkpoint, fed by the shared reader, commit each batch in one unit of work (issue 13)', async () => {
    await history(store);
    const head = (await store.headPosition())!;
    let commits = 0;
    const counting: ReadStore = Object.assign(Object.create(readStore) as ReadStore, {
      transaction: (work: Parameters<ReadStore['transaction']>[0]) => {
        commits++;
        return readStore.transaction(work);
      },
    });
    const shared = new SharedSubscriptionsEventStore(store);
    const runner = new ProjectionRunner(shared, counting, ALL_PROJECTIONS);
    await runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    // Every projection has all 12 events and the same checkpoint; the documents are those of projections run alone.
    expect((await runner.status()).map((s) => [s.name, s.checkpoint, s.processedSinceStart])).toEqual(ALL_PROJECTIONS.map((p) => [p.name, formatPosition(head), 12]));
    expect(runner.jointCommits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(ALL_PROJECTIONS.length * 3);
    const joint = await documents(readStore, STUDENT_PROFILES);
    await runner.stop();
    const alone = new EmbeddedReadStore({ file: path.join(dir, 'alone.sqlite') });
    for (const p of ALL_PROJECTIONS) await rebuildProjection(store, alone, p);
    expect(joint).toEqual(await documents(alone, STUDENT_PROFILES));
    expect(await documents(readStore, MENTOR_CASELOADS)).toEqual(await documents(alone, MENTOR_CASELOADS));
    await alone.close();
  });

  it('a projection that fails in a joint unit of work does not hold the others back: they commit alone, it parks its event', async () => {
    await history(store);
    const head = (await store.headPosition())!;
    const failing: Projection = {
      ...studentProfilesProjection,
      apply: async (...args: Parameters<typeof studentProfilesProjection.apply>) => {
        if (args[0].type === 'TrainingCompleted') throw new Error('boom');
        await studentProfilesProjection.apply(...args);
      },
    };
    const runner = new ProjectionRunner(new SharedSubscriptionsEventStore(store), readStore, [failing, mentorCaseloadsProjection], { log: () => undefined, error: () => undefined }, { retryDelayMs: 1 });
    await runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    const status = await runner.status();
    expect(status.map((s) => [s.name, s.checkpoint, s.parked])).toEqual([
      ['student-profiles', formatPosition(head), 1],
      ['mentor-caseloads', formatPosition(head), 0],
    ]);
    // The caseloads saw every event, s2's completion included.
    const caseload = await readStore.collection(MENTOR_CASELOADS).findOne({ _id: 'm1' });
    expect(caseload).toMatchObject({ caseloadSize: 2 });
    await runner.stop();
  });

  it('every projection rebuilt in one pass (seed --project, rebuild --all) gives the documents of each rebuilt alone, with one unit per slice for all', async () => {
    await history(store);
    const head = formatPosition((await store.headPosition())!);
    const collectionsOf = (rs: ReadStore) => Promise.all(ALL_PROJECTIONS.flatMap((p) => p.collections).map((c) => documents(rs, c)));
    for (const p of ALL_PROJECTIONS) await rebuildProjection(store, readStore, p);
    const alone = await collectionsOf(readStore);
    const joint = new EmbeddedReadStore({ file: path.join(dir, 'joint.sqlite') });
    let units = 0;
    const counting: ReadStore = Object.assign(Object.create(joint) as ReadStore, {
      transaction: (work: Parameters<ReadStore['transaction']>[0]) => {
        units++;
        return joint.transaction(work);
      },
    });
    const progress: number[] = [];
    expect(await rebuildProjections(store, counting, ALL_PROJECTIONS, { batchSize: 5, sliceMs: 10_000, onProgress: ({ done }) => progress.push(done) })).toEqual({ done: 12, total: 12 });
    expect(await collectionsOf(joint)).toEqual(alone);
    for (const p of ALL_PROJECTIONS) expect((await joint.getCheckpoint(p.name))?.position).toBe(head);
    // Events counted once (not once per projection); three batches of at most 5, each at least one unit for all.
    expect(progress).toEqual([0, 5, 10, 12]);
    expect(units).toBe(3);
    // Resumed from different checkpoints: each from its own, one after the other.
    await joint.deleteCheckpoint(STUDENT_PROFILES_NAME);
    await joint.dropCollection(STUDENT_PROFILES);
    expect(await rebuildProjections(store, joint, ALL_PROJECTIONS, { resume: true })).toEqual({ done: 12, total: 12 });
    expect(await collectionsOf(joint)).toEqual(alone);
    await joint.close();
  });

  it('projections built offline (seed --project, rebuild --all) with their versions recorded are not rebuilt again at the next start', async () => {
    await history(store);
    const upgraded = ALL_PROJECTIONS.filter((p) => (p.version ?? 1) > 1);
    expect(upgraded.length).toBeGreaterThan(0);
    const requests = readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS);
    // Without the versions recorded, a start takes the documents for version 1 and rebuilds every upgraded projection.
    await rebuildProjections(store, readStore, ALL_PROJECTIONS);
    let runner = new ProjectionRunner(store, readStore, ALL_PROJECTIONS);
    await runner.start();
    await runner.requestRebuildsOfOutdated();
    await runner.stop();
    expect((await requests.find({})).map((r) => r._id).sort()).toEqual(upgraded.map((p) => p.name).sort());
    // Recorded (what the seed and the CLI now do): nothing to rebuild.
    for (const p of ALL_PROJECTIONS) await readStore.collection(REBUILD_REQUESTS).deleteOne({ _id: p.name });
    await readStore.collection(PROJECTION_VERSIONS).deleteMany({});
    await recordProjectionVersions(readStore, ALL_PROJECTIONS);
    runner = new ProjectionRunner(store, readStore, ALL_PROJECTIONS);
    await runner.start();
    await runner.requestRebuildsOfOutdated();
    await runner.stop();
    expect(await requests.find({})).toEqual([]);
  });

  it('a stop does not wait for a long rebuild: it is given up between batches, the live read model untouched, and asked for again', async () => {
    await Promise.all(Array.from({ length: 4000 }, (_, i) => store.append(`student-r${i}`, [enrolled(`r${i}`)], 'no_stream')));
    const runner = new ProjectionRunner(store, readStore, [studentProfilesProjection], { log: () => undefined, error: () => undefined }, { pollMs: 10 });
    await runner.start();
    expect(await runner.waitFor((await store.headPosition())!, 20_000)).toBe(true);
    const live = await readStore.collection(STUDENT_PROFILES).countDocuments();
    await requestRebuild(readStore, studentProfilesProjection.name);
    const requests = readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS);
    for (let i = 0; i < 500 && (await requests.findOne({ _id: studentProfilesProjection.name }))?.state !== 'running'; i++) await new Promise((r) => setTimeout(r, 5));
    const stopping = performance.now();
    await runner.stop();
    const request = await requests.findOne({ _id: studentProfilesProjection.name });
    // Given up (not switched): asked for again, and the live documents and checkpoint as they were.
    expect(request).toMatchObject({ state: 'requested', done: 0, startedAt: null });
    expect(await readStore.collection(STUDENT_PROFILES).countDocuments()).toBe(live);
    expect((await readStore.getCheckpoint(studentProfilesProjection.name))?.position).toBe(formatPosition((await store.headPosition())!));
    expect(performance.now() - stopping).toBeLessThan(5_000);
  });

  it('a batch that fails rolls back its writes and its checkpoint together', async () => {
    await history(store);
    const events = await store.readAll({ maxCount: 100 });
    const failing = { ...studentProfilesProjection, apply: async (...args: Parameters<typeof studentProfilesProjection.apply>) => {
      await studentProfilesProjection.apply(...args);
      if (args[0].type === 'TrainingCompleted') throw new Error('boom');
    } };
    await expect(applyBatch(readStore, failing, events)).rejects.toThrow('boom');
    expect(await readStore.collection(STUDENT_PROFILES).countDocuments()).toBe(0);
    expect(await readStore.getCheckpoint('student-profiles')).toBeNull();
  });

  it('rebuilds without downtime: queries never see an empty or half-built read model, and live processing goes on', async () => {
    await history(store);
    const runner = new ProjectionRunner(store, readStore, ALL_PROJECTIONS);
    await runner.start();
    expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
    const before = await documents(readStore, STUDENT_PROFILES);

    // Watch the live collection during the whole rebuild, and keep writing.
    const seen: number[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        seen.push(await readStore.collection(STUDENT_PROFILES).countDocuments());
        await new Promise((r) => setImmediate(r));
      }
    })();
    const progress: number[] = [];
    const rebuilt = runner.rebuild('student-profiles', ({ done }) => progress.push(done));
    await store.append('student-s5', [enrolled('s5')], 'no_stream');
    const result = await rebuilt;
    await store.append('student-s6', [enrolled('s6')], 'no_stream');
    expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
    watching = false;
    await watcher;
    await runner.stop();

    expect(result.done).toBeGreaterThanOrEqual(12);
    expect(progress.length).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(before.length);
    const after = await documents(readStore, STUDENT_PROFILES);
    expect(after.map((d) => d._id)).toEqual(['s1', 's2', 's3', 's5', 's6']);
    expect(after.slice(0, 3)).toEqual(before);
    expect(await readStore.listCollections()).not.toContain(`${STUDENT_PROFILES}__next`);
    expect((await readStore.getCheckpoint('student-profiles'))!.position).toBe(formatPosition((await store.headPosition())!));
  });

  it('serves rebuild requests made through the read store (by the CLI or the API) and reports progress', async () => {
    await history(store);
    const runner = new ProjectionRunner(store, readStore, ALL_PROJECTIONS);
    await runner.start();
    await requestRebuild(readStore, 'mentor-caseloads');
    await runner.serveRebuildRequests();
    const request = await readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS).findOne({ _id: 'mentor-caseloads' });
    expect(request).toMatchObject({ state: 'switched', done: 12, total: 12, error: null });
    expect(await readStore.collection(MENTOR_CASELOADS).countDocuments()).toBe(1);
    await runner.stop();
  });
});
