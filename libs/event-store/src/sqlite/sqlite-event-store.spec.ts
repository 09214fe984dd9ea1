import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractEvent, contractStream, eventStoreContract, waitUntil } from '../event-store.contract';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type RecordedEvent,
} from '../event-store.port';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sqlite-event-store-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
const tempFile = () => join(dir, `events-${process.pid}-${++files}.sqlite`);

eventStoreContract('SqliteEventStore', async () => new SqliteEventStore({ file: tempFile(), pollIntervalMs: 50 }));

describe('SqliteEventStore', () => {
  const open: SqliteEventStore[] = [];
  const make = (options: Partial<SqliteEventStoreOptions> = {}) => {
    const store = new SqliteEventStore({ file: tempFile(), ...options });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('starts empty, with positions from 1 and recordedAt from the injected clock', async () => {
    const store = make({ clock: () => new Date('2026-01-02T03:04:05.678Z') });
    expect(await store.headPosition()).toBeNull();
    expect(await store.countAfter()).toBe(0);
    expect(await store.readAll()).toEqual([]);

    const event = contractEvent(1);
    const result = await store.append('s-1', [event], 'no_stream');

    expect(result).toEqual({ nextExpectedRevision: 0, position: { commit: 1n, prepare: 1n } });
    expect(await store.readAll()).toEqual([
      {
        ...event,
        streamId: 's-1',
        revision: 0,
        position: { commit: 1n, prepare: 1n },
        recordedAt: '2026-01-02T03:04:05.678Z',
      },
    ]);
    expect(await store.headPosition()).toEqual({ commit: 1n, prepare: 1n });
  });

  it('keeps every acknowledged event across close and reopen', async () => {
    const file = tempFile();
    const first = new SqliteEventStore({ file });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => first.append(`s-${i}`, [contractEvent(i)], 'no_stream')),
    );
    const before = await first.readAll();
    await first.close();

    const reopened = new SqliteEventStore({ file });
    open.push(reopened);
    expect(await reopened.readAll()).toEqual(before);
    expect(before).toHaveLength(10);
    expect(await reopened.headPosition()).toEqual(results[9].position);
    expect(await reopened.append('s-0', [contractEvent(10)], 0)).toMatchObject({ nextExpectedRevision: 1 });
  });

  it('commits 100 concurrent appends to distinct streams in far fewer than 100 transactions', async () => {
    const store = make();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.append(`g-${i}`, [contractEvent(i)], 'no_stream')),
    );
    expect(results).toHaveLength(100);
    expect(store.stats.appends).toBe(100);
    expect(store.stats.transactions).toBeLessThanOrEqual(2);
    expect(await store.countAfter()).toBe(100);
  });

  it('checks each request of a batch against the earlier ones on the same stream; a failure rejects alone', async () => {
    const store = make();
    const [e0, e1, e2, bad, e3] = [0, 1, 2, 3, 4].map((n) => contractEvent(n));

    // Issued in the same tick, so they share one transaction.
    const settled = await Promise.allSettled([
      store.append('chain', [e0], 'no_stream'),
      store.append('chain', [e1], 0),
      store.append('chain', [e2], 1),
      store.append('chain', [bad], 1), // stale: revision 2 was just taken by the request before
      store.append('other', [e3], 'no_stream'),
    ]);

    expect(store.stats.transactions).toBe(1);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const reason = (settled[3] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect(reason).toMatchObject({ streamId: 'chain', expected: 1, actual: 2 });
    expect((await store.readStream('chain')).map((e) => e.eventId)).toEqual([e0.eventId, e1.eventId, e2.eventId]);
    expect(await store.countAfter()).toBe(4);
  });

  // countAfter is the difference of positions (a COUNT(*) over 2.7M events blocked the event loop for seconds): it
  // must still be the exact number of events after each position, refused appends and idempotent retries included.
  it('countAfter gives the exact number of events after every position, with refused appends and retries between', async () => {
    const store = make();
    expect(await store.countAfter()).toBe(0);
    const first = await store.append('a', [contractEvent(0), contractEvent(1)], 'no_stream');
    await expect(store.append('a', [contractEvent(2)], 5)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    const retried = contractEvent(3);
    await store.append('b', [retried], 'no_stream');
    await store.append('b', [retried], 'no_stream'); // idempotent: nothing appended
    await Promise.allSettled([store.append('c', [contractEvent(4)], 'no_stream'), store.append('c', [contractEvent(5)], 'no_stream')]);
    const all = await store.readAll();
    expect(all).toHaveLength(4);
    expect(await store.countAfter()).toBe(4);
    for (const [i, event] of all.entries()) expect(await store.countAfter(event.position)).toBe(all.length - 1 - i);
    expect(await store.countAfter(first.position)).toBe(2);
  });

  it('treats a retry as idempotent whatever the expected revision, any and the current one included', async () => {
    const store = make();
    const batch = [contractEvent(0), contractEvent(1)];
    const original = await store.append('r', batch, 'no_stream');
    expect(await store.append('r', batch, 'any')).toEqual(original);
    expect(await store.append('r', batch, 1)).toEqual(original);
    expect(await store.append('r', batch, 7)).toEqual(original);
    expect(await store.append('r', [batch[1]], 1)).toEqual(original);
    expect(await store.readStream('r')).toHaveLength(2);
  });

  it('treats a retry within the same batch as idempotent', async () => {
    const store = make();
    const batch = [contractEvent(0), contractEvent(1)];
    const [a, b] = await Promise.all([store.append('r', batch, 'no_stream'), store.append('r', batch, 'no_stream')]);
    expect(b).toEqual(a);
    expect(await store.readStream('r')).toHaveLength(2);
  });

  it('writes a batch again with savepoints when an insert fails, and keeps every other request of it', async () => {
    const store = make();
    const stored = [contractEvent(0), contractEvent(1)];
    const original = await store.append('r', stored, 'no_stream');
    const elsewhere = contractEvent(2);
    await store.append('e', [elsewhere], 'no_stream');
    const [fresh, next, clash] = [3, 4, 5].map((n) => contractEvent(n));
    const transactions = store.stats.transactions;

    // The retry and the duplicate pass their revision check, so only their inserts can find the stored ids.
    const settled = await Promise.allSettled([
      store.append('a', [fresh], 'no_stream'),
      store.append('r', stored, 'any'), // a retry
      store.append('r', [next], 1),
      store.append('b', [clash, elsewhere], 'no_stream'), // elsewhere's id is taken by stream e
      store.append('b', [contractEvent(6)], 1), // b's first request wrote nothing in the end
    ]);

    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect((settled[4] as PromiseRejectedResult).reason).toMatchObject({ expected: 1, actual: 'no_stream' });
    expect((settled[1] as PromiseFulfilledResult<unknown>).value).toEqual(original);
    expect((settled[2] as PromiseFulfilledResult<unknown>).value).toMatchObject({ nextExpectedRevision: 2 });
    expect((settled[3] as PromiseRejectedResult).reason).toMatchObject({
      name: 'DuplicateEventIdError',
      eventId: elsewhere.eventId,
      existing: { streamId: 'e', revision: 0 },
    });
    expect(store.stats.transactions).toBe(transactions + 1); // the rolled-back first attempt does not count
    expect(await store.readStream('b')).toEqual([]);
    expect((await store.readStream('r')).map((e) => e.eventId)).toEqual([...stored, next].map((e) => e.eventId));
    expect(await store.append('b', [clash], 'no_stream')).toMatchObject({ nextExpectedRevision: 0 });
  });

  it('sees the appends another connection made to a stream it has written (no stale cached head)', async () => {
    const file = tempFile();
    const first = new SqliteEventStore({ file });
    const second = new SqliteEventStore({ file });
    open.push(first, second);
    const s = contractStream();
    await first.append(s, [contractEvent(0)], 'no_stream');
    await second.append(s, [contractEvent(1)], 0);
    await expect(first.append(s, [contractEvent(2)], 0)).rejects.toMatchObject({ expected: 0, actual: 1 });
    expect(await first.append(s, [contractEvent(3)], 1)).toMatchObject({ nextExpectedRevision: 2 });
    await expect(second.append(s, [contractEvent(4)], 1)).rejects.toMatchObject({ expected: 1, actual: 2 });
    expect(await second.append(s, [contractEvent(5)], 'any')).toMatchObject({ nextExpectedRevision: 3 });
    expect((await first.readStream(s)).map((e) => e.data)).toEqual([0, 1, 3, 5].map((n) => contractEvent(n).data));
  });

  it("rejects a 'no_stream' append to a stream it has not seen but the file holds, and takes its retry", async () => {
    const file = tempFile();
    const first = new SqliteEventStore({ file });
    const [e0, e1] = [contractEvent(0), contractEvent(1)];
    const original = await first.append('old', [e0, e1], 'no_stream');
    await first.close();

    const reopened = new SqliteEventStore({ file });
    open.push(reopened);
    const settled = await Promise.allSettled([
      reopened.append('new', [contractEvent(2)], 'no_stream'),
      reopened.append('old', [contractEvent(3)], 'no_stream'),
      reopened.append('old', [e0, e1], 'no_stream'), // a retry of the first append
    ]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'WrongExpectedRevisionError', expected: 'no_stream', actual: 1 });
    expect((settled[2] as PromiseFulfilledResult<unknown>).value).toEqual(original);
    expect(reopened.stats.transactions).toBe(1);
    expect(await reopened.countAfter()).toBe(3);
  });

  it('keeps a cached stream head only for the requests that succeeded', async () => {
    const store = make();
    const twice = contractEvent(1);
    const results = await Promise.allSettled([
      store.append('h', [contractEvent(0)], 'no_stream'),
      store.append('h', [twice, twice], 0), // the same event twice: rejected, nothing written
      store.append('h', [contractEvent(2)], 1), // so revision 1 does not exist yet
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(await store.append('h', [contractEvent(3)], 0)).toMatchObject({ nextExpectedRevision: 1 });
  });

  it('throws DuplicateEventIdError for a stored id that is not a retry of the stream tail', async () => {
    const store = make();
    const [e0, e1, e2] = [0, 1, 2].map((n) => contractEvent(n));
    await store.append('a', [e0, e1], 'no_stream');
    await store.append('a', [e2], 1);

    // Same stream, but no longer the tail.
    await expect(store.append('a', [e0, e1], 'any')).rejects.toMatchObject({
      name: 'DuplicateEventIdError',
      code: 'duplicate_event_id',
      streamId: 'a',
      eventId: e0.eventId,
      existing: { streamId: 'a', revision: 0 },
    });
    // Another stream.
    await expect(store.append('b', [e2], 'no_stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
    // A partial overlap with the tail.
    await expect(store.append('a', [e2, contractEvent(3)], 2)).rejects.toBeInstanceOf(DuplicateEventIdError);
    // The same id twice in one request.
    const twice = contractEvent(4);
    await expect(store.append('c', [twice, twice], 'no_stream')).rejects.toBeInstanceOf(DuplicateEventIdError);

    expect(await store.countAfter()).toBe(3);
  });

  it('serves readAll from its tail cache exactly as from the file, across writes of another connection and a rolled-back request', async () => {
    const file = tempFile();
    const cached = new SqliteEventStore({ file, tailCacheSize: 5 });
    const other = new SqliteEventStore({ file, tailCacheSize: 0 });
    open.push(cached, other);
    const s = contractStream();
    await cached.append(s, [contractEvent(0), contractEvent(1)], 'no_stream');
    await other.append(contractStream(), [contractEvent(2)], 'no_stream');
    const results = await Promise.allSettled([
      cached.append(s, [contractEvent(3)], 1),
      cached.append(s, [contractEvent(4)], 0), // loses: rolled back inside the same batch
      cached.append(contractStream(), [contractEvent(5), contractEvent(6), contractEvent(7)], 'no_stream'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    for (let after = 0; after <= 8; after++) {
      for (const maxCount of [1, 3, 100]) {
        const position = { commit: BigInt(after), prepare: BigInt(after) };
        expect(await cached.readAll({ after: position, maxCount })).toEqual(await other.readAll({ after: position, maxCount }));
      }
    }
    expect((await cached.readAll({ maxCount: 100 })).map((e) => e.data)).toEqual([0, 1, 2, 3, 5, 6, 7].map((n) => contractEvent(n).data));
  });

  it('delivers events written by another connection to the same file (polling)', async () => {
    const file = tempFile();
    const reader = new SqliteEventStore({ file, pollIntervalMs: 50 });
    const writer = new SqliteEventStore({ file });
    open.push(reader, writer);
    const received: RecordedEvent[] = [];
    const subscription = reader.subscribeToAll({ onEvents: async (events) => void received.push(...events) });

    const s = contractStream();
    await writer.append(s, [contractEvent(0)], 'no_stream');
    await writer.append(s, [contractEvent(1)], 0);
    await waitUntil(() => received.length === 2, 3000, 'events from the other connection');
    await subscription.stop();
    expect(received.map((e) => e.revision)).toEqual([0, 1]);
  });

  it('accepts synchronous NORMAL', async () => {
    const store = make({ synchronous: 'NORMAL' });
    expect(await store.append('n', [contractEvent(0)], 'no_stream')).toMatchObject({ nextExpectedRevision: 0 });
  });

  it('commits queued appends on close and rejects later ones', async () => {
    const store = new SqliteEventStore({ file: tempFile() });
    const pending = store.append('q', [contractEvent(0)], 'no_stream');
    await store.close();
    await expect(pending).resolves.toMatchObject({ nextExpectedRevision: 0 });
    await expect(store.append('q', [contractEvent(1)], 0)).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('stops its subscriptions on close', async () => {
    const store = new SqliteEventStore({ file: tempFile() });
    await store.append('x', [contractEvent(0)], 'no_stream');
    const received: RecordedEvent[] = [];
    store.subscribeToAll({ onEvents: async (events) => void received.push(...events) });
    await waitUntil(() => received.length === 1);
    await store.close();
    expect(received).toHaveLength(1);
  });
});
