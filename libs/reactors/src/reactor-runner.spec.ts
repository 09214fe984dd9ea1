// The reactor runner's units of work (issue 13): a reaction that writes something is committed with its checkpoint
// in its own unit (effects once, ADR 0003); a reaction that decides to write nothing costs no unit of its own, its
// checkpoint rides with the next unit or the batch's last one. A restart resumes after the last committed event.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { formatPosition, NewEvent, SqliteEventStore } from '@mentoring/event-store';
import { EmbeddedReadStore, ReadStore } from '@mentoring/read-store';
import { createMailer } from './mailer';
import { Reactor } from './reactor';
import { ReactorRunner } from './reactor-runner';

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

  it('commits one unit per reaction that writes, none for those that write nothing, and the checkpoint of the last event', async () => {
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
    const runner = new ReactorRunner(eventStore, counting, [reactor], mailer, quiet, { tickIntervalMs: 0, batchSize: 500 });
    await runner.start();
    expect(await runner.waitFor(head, 5000)).toBe(true);
    const unitsForEvents = units;
    await runner.stop();

    expect(seen).toEqual([...Array(30).keys()]);
    expect((await readStore.collection('tenths').find({}, { sort: { _id: 1 } })).map((d) => d._id)).toEqual(['0', '10', '20']);
    expect((await readStore.getCheckpoint('every-tenth'))?.position).toBe(formatPosition(head));
    // Three reactions wrote (three units) and the batch ended on no-op reactions (one unit for the checkpoint); a
    // few more for the runner's own bookkeeping (lease, history window) — far from one per event.
    expect(unitsForEvents).toBeLessThan(10);

    // A restart resumes after the last committed event: nothing again.
    seen.length = 0;
    const again = new ReactorRunner(eventStore, readStore, [reactor], mailer, quiet, { tickIntervalMs: 0 });
    await again.start();
    expect(await again.waitFor(head, 5000)).toBe(true);
    await again.stop();
    expect(seen).toEqual([]);
  });
});
