// One $all reader for all the subscribers of a process (issue 13, point 2): the event store contract holds through it,
// every member gets each event after its own position exactly once and in order, the log is read once for all of
// them, and a failing member stops alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractEvent, contractStream, eventStoreContract, waitUntil } from './event-store.contract';
import { START, type EventStore, type Position, type RecordedEvent, type SubscribeOptions, type Subscription } from './event-store.port';
import { SharedSubscriptionsEventStore } from './shared-subscriptions';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shared-subscriptions-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
let files = 0;
const tempFile = () => join(dir, `events-${process.pid}-${++files}.sqlite`);

eventStoreContract('SharedSubscriptionsEventStore over SqliteEventStore', async () => new SharedSubscriptionsEventStore(new SqliteEventStore({ file: tempFile(), pollIntervalMs: 50 })));

/** Counts the subscriptions opened on the store underneath. */
class CountingStore extends SqliteEventStore {
  opened = 0;
  override subscribeToAll(options: SubscribeOptions): Subscription {
    this.opened++;
    return super.subscribeToAll(options);
  }
}

describe('SharedSubscriptionsEventStore', () => {
  let inner: CountingStore;
  let shared: SharedSubscriptionsEventStore;
  beforeEach(() => {
    inner = new CountingStore({ file: tempFile(), pollIntervalMs: 20 });
    shared = new SharedSubscriptionsEventStore(inner, { batchSize: 7, freezeEvents: true });
  });
  afterEach(async () => {
    await shared.close();
  });

  async function appendMany(store: EventStore, count: number): Promise<void> {
    for (let n = 0; n < count; n++) await store.append(contractStream(), [contractEvent(n)], 'no_stream');
  }

  function collect(after: Position = START, onEvent?: (event: RecordedEvent) => void) {
    const seen: RecordedEvent[] = [];
    const errors: unknown[] = [];
    const subscription = shared.subscribeToAll({
      after,
      batchSize: 5,
      onEvents: async (events) => {
        expect(events.length).toBeLessThanOrEqual(5);
        for (const event of events) {
          onEvent?.(event);
          seen.push(event);
        }
      },
      onError: (error) => errors.push(error),
    });
    return { seen, errors, subscription };
  }

  const positions = (events: RecordedEvent[]) => events.map((e) => e.position.commit);

  it('hands every member each event after its own position, once and in order, from one reader of the log', async () => {
    await appendMany(shared, 40);
    const all = await shared.readAll({ maxCount: 100 });
    const a = collect();
    const b = collect();
    const c = collect(all[19].position);
    await waitUntil(() => a.seen.length === 40 && b.seen.length === 40 && c.seen.length === 20);
    expect(positions(a.seen)).toEqual(positions(all));
    expect(positions(b.seen)).toEqual(positions(all));
    expect(positions(c.seen)).toEqual(positions(all.slice(20)));
    // Live events after the history, to every member.
    await appendMany(shared, 3);
    await waitUntil(() => a.seen.length === 43 && b.seen.length === 43 && c.seen.length === 23);
    expect(inner.opened).toBe(1);
    expect(shared.shape).toEqual({ members: 3, groups: 1, reading: true });
    // Read once: the 43 events, plus whatever a member joining behind made the reader read again (none here:
    // they joined before the first batch was read).
    expect(shared.stats.events).toBe(43);
  });

  it('a member far behind the others reads on its own: those near the head go on with live events while it catches up', async () => {
    const far = new SharedSubscriptionsEventStore(inner, { batchSize: 7, joinWindow: 10 });
    try {
      await appendMany(far, 40);
      const all = await far.readAll({ maxCount: 100 });
      // The head member, then one from the start whose handler is held after its first batch (a slow catch-up).
      const head: RecordedEvent[] = [];
      far.subscribeToAll({ after: all[39].position, onEvents: async (events) => void head.push(...events) });
      await waitUntil(() => far.shape.reading);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const slow: RecordedEvent[] = [];
      far.subscribeToAll({
        after: START,
        batchSize: 5,
        onEvents: async (events) => {
          slow.push(...events);
          if (slow.length === 5) await held;
        },
      });
      await waitUntil(() => far.shape.groups === 2 && slow.length === 5);
      await appendMany(far, 3);
      // The head member gets the new events while the slow one is still held at its fifth event.
      await waitUntil(() => head.length === 3);
      expect(slow.length).toBe(5);
      release();
      await waitUntil(() => slow.length === 43);
      expect(positions(slow)).toEqual(positions(await far.readAll({ maxCount: 100 })));
      expect(positions(head)).toEqual(positions(slow.slice(40)));
      expect(far.shape).toEqual({ members: 2, groups: 2, reading: true });
    } finally {
      await far.close();
    }
  });

  it('steps back for a member that joins behind what was already read, without handing the others anything twice', async () => {
    await appendMany(shared, 30);
    const early = collect();
    await waitUntil(() => early.seen.length === 30);
    const late = collect();
    await waitUntil(() => late.seen.length === 30);
    await appendMany(shared, 2);
    await waitUntil(() => early.seen.length === 32 && late.seen.length === 32);
    expect(new Set(positions(early.seen)).size).toBe(32);
    expect(positions(late.seen)).toEqual(positions(early.seen));
    expect(shared.stats.rewinds).toBe(1);
    expect(early.errors).toEqual([]);
  });

  it('stops a member whose handler throws, and goes on with the others', async () => {
    await appendMany(shared, 10);
    const all = await shared.readAll();
    const healthy = collect();
    const failing = collect(START, (event) => {
      if (event.position.commit === all[3].position.commit) throw new Error('projection bug');
    });
    await waitUntil(() => healthy.seen.length === 10 && failing.errors.length === 1);
    expect((failing.errors[0] as Error).message).toBe('projection bug');
    await appendMany(shared, 2);
    await waitUntil(() => healthy.seen.length === 12);
    expect(failing.seen.length).toBeLessThan(5);
    expect(shared.shape.members).toBe(1);
  });

  it('freezes what it hands out when asked (tests): a member that changes an event fails instead of corrupting the others', async () => {
    await appendMany(shared, 2);
    const mutating = collect(START, (event) => {
      (event.data as Record<string, unknown>).n = 99;
    });
    const reader = collect();
    await waitUntil(() => mutating.errors.length === 1 && reader.seen.length === 2);
    expect(reader.seen.map((e) => (e.data as { n: number }).n)).toEqual([0, 1]);
  });

  it('stops reading when the last member stops, and reads again for a new one', async () => {
    await appendMany(shared, 3);
    const first = collect();
    await waitUntil(() => first.seen.length === 3);
    await first.subscription.stop();
    await waitUntil(() => !shared.shape.reading);
    await appendMany(shared, 1);
    const second = collect();
    await waitUntil(() => second.seen.length === 4);
    expect(first.seen.length).toBe(3);
    expect(inner.opened).toBe(2);
  });
});
