// The reactor runner's units of work (issue 13): the reactions of a time slice commit their writes in order in one
// unit with the slice's checkpoint (effects once, ADR 0003), instead of one unit per reaction; a failing reaction
// rolls its slice back, and is then isolated and parked alone while the others are committed. A restart resumes
// after the last committed event.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { formatPosition, NewEvent, SqliteEventStore } from '@mentoring/event-store';
import { EmbeddedReadStore, ReadStore } from '@mentoring/read-store';
import { createMailer } from './mailer';
import { Reactor } from './reactor';
import { ReactorRunner } from './reactor-runner';
import { DUE_WORK } from './due-work';

const quiet = { log: () => undefined, error: () => undefined };
const event = (n: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'ThingHappened',
  schemaVersion: 1,
  data: { n },
  metadata: { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' }, occurredAt: '2027-01-04T09:00:00.000Z' },
});

describe('reactor runner: units of work', () => {
  let dir: string;
  let eventStore: SqliteEventStore;
  let readStore: EmbeddedReadStore;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactor-runner-'));
    eventStore = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
    readStore = await EmbeddedReadStore.open({ file: path.join(dir, 'read.sqlite') });
  });
  afterEach(async () => {
    await eventStore.close();
    await readStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes of a slice of reactions in order in one unit, with the checkpoint of its last event', async () => {
    // Events 0..29; the reactor records every tenth one and decides nothing for the others.
    for (let n = 0; n < 30; n++) await eventStore.append(`thing-${n}`, [event(n)], 'no_stream');
    const head = (await eventStore.headPosition())!;
    const seen: number[] = [];
    const reactor: Reactor = {
      name: 'every-tenth',
      eventTypes: new Set(['ThingHappened']),
      react: async (e, ctx) => {
        const n = (e.data as { n: number }).n;
        seen.push(n);
        if (n % 10 === 0) ctx.write((tx) => tx.collection('tenths').insertOne({ _id: String(n) }).then(() => undefined));
        // A later write of the slice sees the earlier ones (they run in order in one unit).
        if (n === 25) ctx.write(async (tx) => void (await tx.collection('tenths').insertOne({ _id: 'seen', count: await tx.collection('tenths').countDocuments() })));
      },
    };
    let units = 0;
    const counting: ReadStore = Object.assign(Object.create(readStore) as ReadStore, {
      transaction: (work: Parameters<ReadStore['transaction']>[0]) => {
        units++;
        return readStore.transaction(work);
      },
    });
    const mailer = createMailer({ outboxDir: path.join(dir, 'outbox'), from: 'School <no-reply@school.example>' });
    // A slice long enough for the 30 events whatever the machine's load (with the default 8 ms a loaded CI run cut it in three).
    const runner = new ReactorRunner(eventStore, counting, [reactor], mailer, quiet, { tickIntervalMs: 0, batchSize: 500, sliceMs: 10_000 });
    await runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    const unitsForEvents = units;
    await runner.stop();

    expect(seen).toEqual([...Array(30).keys()]);
    expect(await readStore.collection('tenths').find({}, { sort: { _id: 1 } })).toEqual([{ _id: '0' }, { _id: '10' }, { _id: '20' }, { _id: 'seen', count: 3 }]);
    expect((await readStore.getCheckpoint('every-tenth'))?.position).toBe(formatPosition(head));
    // 30 events in one slice: one unit (plus the runner's own bookkeeping), where there were 4 (one per writing
    // reaction) before, and 30 before that.
    expect(unitsForEvents).toBeLessThan(4);

    // A restart resumes after the last committed event: nothing again.
    seen.length = 0;
    const again = new ReactorRunner(eventStore, readStore, [reactor], mailer, quiet, { tickIntervalMs: 0 });
    await again.start();
    expect(await again.waitFor(head, 5000)).toBe(true);
    await again.stop();
    expect(seen).toEqual([]);
  });

  it('a reaction that keeps failing rolls its slice back; it is parked alone and the writes of the others are committed', async () => {
    for (let n = 0; n < 12; n++) await eventStore.append(`thing-${n}`, [event(n)], 'no_stream');
    const head = (await eventStore.headPosition())!;
    const reactor: Reactor = {
      name: 'all-but-seven',
      eventTypes: new Set(['ThingHappened']),
      react: async (e, ctx) => {
        const n = (e.data as { n: number }).n;
        if (n === 7) throw new Error('reaction bug');
        ctx.write((tx) => tx.collection('done').insertOne({ _id: String(n) }).then(() => undefined));
      },
    };
    const mailer = createMailer({ outboxDir: path.join(dir, 'outbox'), from: 'School <no-reply@school.example>' });
    const runner = new ReactorRunner(eventStore, readStore, [reactor], mailer, quiet, { tickIntervalMs: 0, retryDelayMs: 0 });
    await runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    const [status] = await runner.status();
    await runner.stop();
    expect(status).toMatchObject({ lag: 0, parked: 1, checkpoint: formatPosition(head) });
    const done = (await readStore.collection('done').find({})).map((d) => Number(d._id)).sort((a, b) => a - b);
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11]);
  });

  it('status counts each reactor’s pending and failed due work, not another reactor’s or finished work', async () => {
    const reactor = (name: string): Reactor => ({ name, eventTypes: new Set(['ThingHappened']), react: async () => undefined });
    const due = readStore.collection(DUE_WORK);
    const item = (reactor: string, n: number, state: string) => ({ _id: `${reactor}:${n}`, reactor, kind: 'k', dueAt: '2027-01-04T09:00:00.000Z', state, data: {}, attempts: 0 });
    for (let n = 0; n < 5; n++) await due.insertOne(item('first', n, 'pending'));
    for (let n = 5; n < 7; n++) await due.insertOne(item('first', n, 'failed'));
    await due.insertOne(item('first', 7, 'done'));
    await due.insertOne(item('first', 8, 'cancelled'));
    for (let n = 0; n < 3; n++) await due.insertOne(item('second', n, 'pending'));
    const mailer = createMailer({ outboxDir: path.join(dir, 'outbox'), from: 'School <no-reply@school.example>' });
    const runner = new ReactorRunner(eventStore, readStore, [reactor('first'), reactor('second'), reactor('third')], mailer, quiet, { tickIntervalMs: 0 });
    await runner.start();
    const statuses = await runner.status();
    await runner.stop();
    expect(statuses.map((s) => [s.name, s.duePending, s.dueFailed])).toEqual([
      ['first', 5, 2],
      ['second', 3, 0],
      ['third', 0, 0],
    ]);
  });
});
