// Two runners on the same stores: only the lease holder runs the subscriber; when its lease is taken
// over while it is stuck in the middle of its work (a long pause, a partition), what it commits
// afterwards is refused, and the new owner commits every event exactly once. A graceful stop hands over
// at once.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { NewEvent, RecordedEvent, SqliteEventStore, formatPosition } from '@mentoring/event-store';
import { EmbeddedReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { SUBSCRIBER_LEASES, SubscriberLeaseDoc } from './subscriber-leases';
import { Subscriber, SubscriberEntry, SubscriberRunner } from './subscriber-runner';

const meta = { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' as const }, occurredAt: '2027-01-04T09:00:00.000Z' };
const ev = (n: number): NewEvent => ({ eventId: randomUUID(), type: 'Counted', schemaVersion: 1, data: { n }, metadata: meta });

/** Effect (outside the store), then the count and the checkpoint in one unit of work, per event, as the reactor runner does. */
class EffectRunner extends SubscriberRunner<Subscriber> {
  protected readonly kind = 'reactor' as const;

  constructor(
    eventStore: SqliteEventStore,
    readStore: EmbeddedReadStore,
    private readonly who: string,
    private readonly effects: string[],
    private readonly effect: (n: number) => Promise<void> = async () => undefined,
  ) {
    super(eventStore, readStore, [{ name: 'counter', eventTypes: new Set(['Counted']) }], { log: () => undefined, error: () => undefined }, { leaseTtlMs: 600, leaseOwner: who });
  }

  protected async process(entry: SubscriberEntry<Subscriber>, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const n = (event.data as { n: number }).n;
      await this.effect(n);
      this.effects.push(`${this.who}:${n}`);
      await this.readStore.transaction(async (tx) => {
        await tx.collection('counts').updateOne({ _id: String(n) }, { $inc: { applied: 1 }, $set: { by: this.who } }, { upsert: true });
        await tx.setCheckpoint(entry.subscriber.name, formatPosition(event.position));
      });
      this.committed(entry, event.position, 1);
    }
  }

  protected async reprocess(): Promise<void> {}
}

/** A projection counting applications per event: a double application shows as 2. */
const counting: Projection = {
  name: 'counter',
  eventTypes: new Set(['Counted']),
  collections: ['counts'],
  async apply(event: RecordedEvent, tx: ReadStoreTransaction) {
    await tx.collection('counts').updateOne({ _id: String((event.data as { n: number }).n) }, { $inc: { applied: 1 } }, { upsert: true });
  },
};

describe('subscriber runner with leases', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readStore: EmbeddedReadStore;
  const runners: Array<SubscriberRunner<Subscriber>> = [];
  const quiet = { log: () => undefined, error: () => undefined };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leases-'));
    events = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
    readStore = await EmbeddedReadStore.open({ file: path.join(dir, 'read.sqlite') });
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await events.close();
    await readStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the standby never runs it; after a takeover the frozen old owner commits nothing, and every event is committed once', async () => {
    // A subscriber with an effect outside the store before each commit (like a reactor's e-mail): a stuck
    // effect does not hold a unit of work open, so the other runner can go on meanwhile.
    let release!: () => void;
    const unblocked = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const stuck = new Promise<void>((r) => (entered = r));
    const effects: string[] = [];
    const a = new EffectRunner(events, readStore, 'a', effects, async (n) => {
      if (n === 1) {
        entered();
        await unblocked;
      }
    });
    const b = new EffectRunner(events, readStore, 'b', effects);
    runners.push(a, b);
    await a.start();
    await b.start();
    expect([a.owns('counter'), b.owns('counter')]).toEqual([true, false]);

    for (let n = 1; n <= 5; n++) await events.append(`counter-${n}`, [ev(n)], 'no_stream');
    await stuck; // a is in the middle of event 1's effect
    // a freezes (a long pause, a partition): no renewal gets through any more, its lease expires and b
    // takes it over. (Not awaited: stopping waits for the stuck handler.)
    const aFrozen = a.stop({ releaseLeases: false });
    const head = (await events.headPosition())!;
    expect(await b.waitFor(head, 5_000)).toBe(true);
    expect(b.owns('counter')).toBe(true);
    expect(await readStore.collection<SubscriberLeaseDoc>(SUBSCRIBER_LEASES).findOne({ _id: 'counter' })).toMatchObject({ owner: 'b', fencingToken: 2 });

    // a wakes up and commits event 1: refused by the fence, nothing of it is written.
    release();
    await aFrozen;
    expect(await readStore.collection('counts').find({}, { sort: { _id: 1 } })).toEqual([1, 2, 3, 4, 5].map((n) => ({ _id: String(n), applied: 1, by: 'b' })));
    expect((await readStore.getCheckpoint('counter'))!.position).toBe(formatPosition(head));
    // The effect in flight during the takeover happened twice, a's finishing last (ADR 0004: effects
    // deduplicate by key); every other once, by b.
    expect(effects).toEqual(['b:1', 'b:2', 'b:3', 'b:4', 'b:5', 'a:1']);
    expect((await a.status())[0]).toMatchObject({ running: false, processedSinceStart: 0, lease: { owner: 'b', held: false } });
    expect((await b.status())[0]).toMatchObject({ running: true, lag: 0, processedSinceStart: 5, lease: { owner: 'b', held: true, fencingToken: 2 } });
  });

  it('a graceful stop releases the lease: the standby takes over at its next attempt, well before the TTL', async () => {
    const a = new ProjectionRunner(events, readStore, [counting], quiet, { leaseTtlMs: 3_000, leaseOwner: 'a' });
    const b = new ProjectionRunner(events, readStore, [counting], quiet, { leaseTtlMs: 3_000, leaseRenewEveryMs: 100, leaseOwner: 'b' });
    runners.push(a, b);
    await a.start();
    await b.start();
    await events.append('counter-1', [ev(1)], 'no_stream');
    expect(await a.waitFor((await events.headPosition())!, 5_000)).toBe(true);
    const stoppedAt = Date.now();
    await a.stop();
    await events.append('counter-2', [ev(2)], 'no_stream');
    expect(await b.waitFor((await events.headPosition())!, 5_000)).toBe(true);
    expect(Date.now() - stoppedAt).toBeLessThan(1_000);
    expect(await readStore.collection('counts').find({}, { sort: { _id: 1 } })).toEqual([
      { _id: '1', applied: 1 },
      { _id: '2', applied: 1 },
    ]);
  });
});
