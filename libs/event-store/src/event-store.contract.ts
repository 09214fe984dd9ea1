// The behaviour every EventStore adapter must show. Stream names are random, and `$all` assertions only
// look at the test's own streams, so the suite also runs against a shared EventStoreDB.
import { randomUUID } from 'node:crypto';
import {
  START,
  WrongExpectedRevisionError,
  comparePositions,
  type EventStore,
  type NewEvent,
  type Position,
  type RecordedEvent,
  type Subscription,
} from './event-store.port';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A fresh stream name (no `$`: those are system streams on EventStoreDB). */
export function contractStream(prefix = 'contract'): string {
  return `${prefix}-${randomUUID()}`;
}

/** A complete event with a random id and every metadata field set. */
export function contractEvent(n: number, type = 'ContractEventHappened'): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 2,
    data: { n, text: `event ${n}`, nested: { list: [1, 'two', null, { deep: true }], empty: {} } },
    metadata: {
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: { id: `staff-${n}`, role: 'staff' },
      occurredAt: '2026-11-28T10:00:00.000Z',
    },
  };
}

/** Polls `condition` until true (or fails after `timeoutMs`). */
export async function waitUntil(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The envelope `store` must give back for `event` appended to `streamId` at `revision`. */
function recorded(event: NewEvent, streamId: string, revision: number, position: Position | unknown = expect.anything()) {
  return { ...event, streamId, revision, position, recordedAt: expect.stringMatching(ISO_INSTANT) };
}

/** Every event of `streams` after `after`, paging `$all` until its end. */
async function readOwn(store: EventStore, after: Position, streams: string[]): Promise<RecordedEvent[]> {
  const own = new Set(streams);
  const out: RecordedEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.readAll({ after: cursor, maxCount: 500 });
    if (page.length === 0) return out;
    // `after` is exclusive; checking it here also keeps a broken adapter from looping forever.
    if (comparePositions(page[0].position, cursor) <= 0) throw new Error('readAll returned an event at or before `after`');
    out.push(...page.filter((e) => own.has(e.streamId)));
    cursor = page[page.length - 1].position;
  }
}

function expectStrictlyIncreasing(positions: Position[]): void {
  for (let i = 1; i < positions.length; i++) {
    expect(comparePositions(positions[i - 1], positions[i])).toBe(-1);
  }
}

/** A subscription that records what it receives, filtered to `streams`. */
function collect(store: EventStore, streams: string[], after: Position, batchSize?: number) {
  const own = new Set(streams);
  const received: RecordedEvent[] = [];
  const batchSizes: number[] = [];
  const errors: unknown[] = [];
  let running = 0;
  let maxRunning = 0;
  const subscription: Subscription = store.subscribeToAll({
    after,
    batchSize,
    onEvents: async (events) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      batchSizes.push(events.length);
      await sleep(5); // a slow handler: the next batch must still wait for it
      received.push(...events.filter((e) => own.has(e.streamId)));
      running--;
    },
    onError: (error) => errors.push(error),
  });
  return { subscription, received, batchSizes, errors, maxRunning: () => maxRunning };
}

/**
 * Registers the EventStore contract suite. `makeStore` gives a fresh store per test; the suite closes it
 * and then calls `cleanup` (e.g. to delete a temp file).
 */
export function eventStoreContract(
  name: string,
  makeStore: () => Promise<EventStore>,
  cleanup?: (store: EventStore) => Promise<void>,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let startHead: Position;

    beforeEach(async () => {
      store = await makeStore();
      startHead = (await store.headPosition()) ?? START;
    });

    afterEach(async () => {
      await store.close();
      await cleanup?.(store);
    });

    describe('append and readStream', () => {
      it('appends with no_stream, then the exact revision, then any', async () => {
        const s = contractStream();
        const [e0, e1, e2, e3] = [0, 1, 2, 3].map((n) => contractEvent(n));

        const r0 = await store.append(s, [e0], 'no_stream');
        const r1 = await store.append(s, [e1, e2], 0);
        const r2 = await store.append(s, [e3], 'any');

        expect([r0.nextExpectedRevision, r1.nextExpectedRevision, r2.nextExpectedRevision]).toEqual([0, 2, 3]);
        const events = await store.readStream(s);
        expect(events).toEqual([
          recorded(e0, s, 0, r0.position),
          recorded(e1, s, 1),
          recorded(e2, s, 2, r1.position),
          recorded(e3, s, 3, r2.position),
        ]);
        expectStrictlyIncreasing(events.map((e) => e.position));
      });

      it('rejects no_stream on an existing stream with WrongExpectedRevisionError', async () => {
        const s = contractStream();
        await store.append(s, [contractEvent(0)], 'no_stream');

        const error = await store.append(s, [contractEvent(1)], 'no_stream').catch((e: unknown) => e);

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ code: 'wrong_expected_revision', streamId: s, expected: 'no_stream', actual: 0 });
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('rejects a stale revision with WrongExpectedRevisionError carrying the actual one', async () => {
        const s = contractStream();
        await store.append(s, [contractEvent(0), contractEvent(1)], 'no_stream');

        const stale = await store.append(s, [contractEvent(2)], 0).catch((e: unknown) => e);
        const missing = await store.append(contractStream(), [contractEvent(0)], 3).catch((e: unknown) => e);

        expect(stale).toBeInstanceOf(WrongExpectedRevisionError);
        expect(stale).toMatchObject({ streamId: s, expected: 0, actual: 1 });
        expect(missing).toBeInstanceOf(WrongExpectedRevisionError);
        expect(missing).toMatchObject({ expected: 3, actual: 'no_stream' });
        expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0, 1]);
      });

      it('reads a missing stream as an empty list', async () => {
        expect(await store.readStream(contractStream('missing'))).toEqual([]);
      });

      it('reads a stream from a revision (inclusive), and past its end as an empty list', async () => {
        const s = contractStream();
        await store.append(s, [0, 1, 2, 3].map((n) => contractEvent(n)), 'no_stream');
        expect((await store.readStream(s, { fromRevision: 2 })).map((e) => e.revision)).toEqual([2, 3]);
        expect((await store.readStream(s, { fromRevision: 0 })).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
        expect(await store.readStream(s, { fromRevision: 4 })).toEqual([]);
        expect(await store.readStream(contractStream('missing'), { fromRevision: 1 })).toEqual([]);
      });

      it('reads a stream up to a global position', async () => {
        const s = contractStream();
        const other = contractStream();
        const events = [0, 1, 2].map((n) => contractEvent(n));
        await store.append(s, [events[0]], 'no_stream');
        const second = await store.append(s, [events[1]], 0);
        await store.append(other, [contractEvent(9)], 'no_stream');
        await store.append(s, [events[2]], 1);

        expect(await store.readStream(s, { toPosition: second.position })).toEqual([
          recorded(events[0], s, 0),
          recorded(events[1], s, 1, second.position),
        ]);
        expect(await store.readStream(s, { toPosition: START })).toEqual([]);
      });

      it('reads a stream as of an instant (recordedAt, inclusive)', async () => {
        const s = contractStream();
        const [a, b] = [contractEvent(0), contractEvent(1)];
        await store.append(s, [a], 'no_stream');
        // Instants come from the store's own clock, so a skewed server clock cannot break the test.
        const [first] = await store.readStream(s);
        await sleep(15);
        await store.append(s, [b], 0);
        const [, second] = await store.readStream(s);
        expect(second.recordedAt > first.recordedAt).toBe(true);

        const at = (iso: string, deltaMs = 0) => new Date(new Date(iso).getTime() + deltaMs);
        expect(await store.readStream(s, { toInstant: at(first.recordedAt, -1) })).toEqual([]);
        expect(await store.readStream(s, { toInstant: at(first.recordedAt) })).toEqual([recorded(a, s, 0)]);
        expect(await store.readStream(s, { toInstant: at(second.recordedAt) })).toEqual([
          recorded(a, s, 0),
          recorded(b, s, 1),
        ]);
      });

      it('rejects an empty append', async () => {
        await expect(store.append(contractStream(), [], 'any')).rejects.toThrow(RangeError);
      });
    });

    describe('envelope', () => {
      it('round-trips every field through readStream, readAll and subscribeToAll', async () => {
        const s = contractStream();
        const event = contractEvent(7, 'StudentAssigned');
        const before = Date.now();
        const result = await store.append(s, [event], 'no_stream');

        const [read] = await store.readStream(s);
        const expected = { ...event, streamId: s, revision: 0, position: result.position, recordedAt: read.recordedAt };
        expect(read).toEqual(expected);
        expect(new Date(read.recordedAt).toISOString()).toBe(read.recordedAt);
        // Loose bound: the store's clock may be a server's.
        expect(Math.abs(new Date(read.recordedAt).getTime() - before)).toBeLessThan(60_000);

        expect(await readOwn(store, startHead, [s])).toEqual([expected]);

        const sub = collect(store, [s], startHead);
        await waitUntil(() => sub.received.length === 1, 5000, 'subscription delivery');
        await sub.subscription.stop();
        expect(sub.received).toEqual([expected]);
      });
    });

    describe('$all', () => {
      it('orders events across streams by strictly increasing position; readAll after a checkpoint gives the rest', async () => {
        const a = contractStream('all-a');
        const b = contractStream('all-b');
        const events = [0, 1, 2, 3, 4].map((n) => contractEvent(n));
        await store.append(a, [events[0]], 'no_stream');
        await store.append(b, [events[1]], 'no_stream');
        await store.append(a, [events[2]], 0);
        const last = await store.append(b, [events[3], events[4]], 0);

        const all = await readOwn(store, startHead, [a, b]);
        expect(all).toEqual([
          recorded(events[0], a, 0),
          recorded(events[1], b, 0),
          recorded(events[2], a, 1),
          recorded(events[3], b, 1),
          recorded(events[4], b, 2, last.position),
        ]);
        expectStrictlyIncreasing(all.map((e) => e.position));

        expect(await readOwn(store, all[1].position, [a, b])).toEqual(all.slice(2));
        expect(await readOwn(store, all[4].position, [a, b])).toEqual([]);

        // maxCount: the first events after the start head are stable even if others write meanwhile.
        const firstTwo = await store.readAll({ after: startHead, maxCount: 2 });
        expect(firstTwo).toHaveLength(2);
        expect(firstTwo).toEqual((await store.readAll({ after: startHead, maxCount: 100 })).slice(0, 2));
      });

      it('reports the head position and counts events after a checkpoint', async () => {
        const s = contractStream();
        const last = await store.append(s, [contractEvent(0), contractEvent(1), contractEvent(2)], 'no_stream');

        const head = await store.headPosition();
        expect(head).not.toBeNull();
        expect(comparePositions(head!, last.position)).toBeGreaterThanOrEqual(0);
        expect(await store.countAfter(startHead)).toBeGreaterThanOrEqual(3);
        const [first] = await store.readStream(s);
        expect(await store.countAfter(first.position)).toBeGreaterThanOrEqual(2);
      });
    });

    describe('readAllFiltered', () => {
      it('gives exactly the events of the asked types in $all order, in bounded calls that together miss none', async () => {
        // Types of this test only: on a shared EventStoreDB nothing else matches them.
        const kept = `ContractKept${randomUUID().replace(/-/g, '')}`;
        const skipped = `ContractSkipped${randomUUID().replace(/-/g, '')}`;
        const a = contractStream('filtered-a');
        const b = contractStream('filtered-b');
        const pattern = [kept, skipped, skipped, kept, skipped, kept, kept, skipped, skipped, kept];
        const events = pattern.map((type, n) => contractEvent(n, type));
        for (let i = 0; i < events.length; i++) {
          const stream = i % 2 === 0 ? a : b;
          await store.append(stream, [events[i]], i < 2 ? 'no_stream' : Math.floor(i / 2) - 1);
        }
        const expected = (await readOwn(store, startHead, [a, b])).filter((e) => e.type === kept);
        expect(expected.map((e) => (e.data as { n: number }).n)).toEqual([0, 3, 5, 6, 9]);

        // Small calls: at most 2 matching events, at most 3 events looked at, each call after the previous one's scan.
        const got: RecordedEvent[] = [];
        let after = startHead;
        let scanned = 0;
        for (let calls = 0; ; calls++) {
          if (calls > 1000) throw new Error('readAllFiltered never reached the head');
          const read = await store.readAllFiltered({ after, eventTypes: new Set([kept]), maxCount: 2, scanLimit: 3 });
          if (read.scannedTo === null) {
            expect(read).toEqual({ events: [], scannedTo: null, scanned: 0 });
            break;
          }
          expect(comparePositions(read.scannedTo, after)).toBe(1);
          expect(read.events.length).toBeLessThanOrEqual(2);
          expect(read.scanned).toBeLessThanOrEqual(3);
          for (const event of read.events) {
            expect(event.type).toBe(kept);
            expect(comparePositions(event.position, after)).toBe(1);
            expect(comparePositions(event.position, read.scannedTo)).toBeLessThanOrEqual(0);
          }
          got.push(...read.events);
          scanned += read.scanned;
          after = read.scannedTo;
        }
        expect(got).toEqual(expected);
        expect(scanned).toBeGreaterThanOrEqual(events.length);

        // One call with room for all: the five, the skipped ones looked at and counted.
        const whole = await store.readAllFiltered({ after: startHead, eventTypes: new Set([kept]), maxCount: 100, scanLimit: 10_000 });
        expect(whole.events).toEqual(expected);
        expect(whole.scanned).toBeGreaterThanOrEqual(events.length);
        expect(comparePositions(whole.scannedTo!, expected[expected.length - 1].position)).toBeGreaterThanOrEqual(0);

        // A full page of matches ends the scan at its last match, so the next call starts right after it.
        const page = await store.readAllFiltered({ after: startHead, eventTypes: new Set([kept]), maxCount: 2, scanLimit: 10_000 });
        expect(page.events).toEqual(expected.slice(0, 2));
        expect(page.scannedTo).toEqual(expected[1].position);
        const rest = await store.readAllFiltered({ after: page.scannedTo!, eventTypes: new Set([kept, skipped]), maxCount: 100, scanLimit: 10_000 });
        expect(rest.events.filter((e) => e.streamId === a || e.streamId === b).map((e) => (e.data as { n: number }).n)).toEqual([4, 5, 6, 7, 8, 9]);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, goes live, and resumes from a checkpoint with exactly the rest, in order', async () => {
        const a = contractStream('sub-a');
        const b = contractStream('sub-b');
        const events = [0, 1, 2, 3, 4, 5].map((n) => contractEvent(n));
        await store.append(a, [events[0], events[1]], 'no_stream');
        await store.append(b, [events[2]], 'no_stream');

        const first = collect(store, [a, b], startHead, 2);
        await waitUntil(() => first.received.length === 3, 5000, 'catch-up');
        await store.append(a, [events[3]], 1);
        await store.append(b, [events[4], events[5]], 0);
        await waitUntil(() => first.received.length === 6, 5000, 'live events');
        await sleep(50);
        await first.subscription.stop();

        const ids = first.received.map((e) => e.eventId);
        expect(ids).toEqual(events.map((e) => e.eventId));
        expectStrictlyIncreasing(first.received.map((e) => e.position));
        expect(first.errors).toEqual([]);
        expect(first.maxRunning()).toBe(1);
        expect(Math.max(...first.batchSizes)).toBeLessThanOrEqual(2);

        const resumed = collect(store, [a, b], first.received[2].position);
        await waitUntil(() => resumed.received.length === 3, 5000, 'resumed delivery');
        await sleep(100);
        await resumed.subscription.stop();
        expect(resumed.received).toEqual(first.received.slice(3));
      });

      it('stops on a handler error and reports it once', async () => {
        const s = contractStream();
        await store.append(s, [contractEvent(0)], 'no_stream');
        const failure = new Error('handler failed');
        const errors: unknown[] = [];
        let calls = 0;
        const subscription = store.subscribeToAll({
          after: startHead,
          onEvents: async (events) => {
            if (events.some((e) => e.streamId === s)) {
              calls++;
              throw failure;
            }
          },
          onError: (error) => errors.push(error),
        });
        await waitUntil(() => errors.length === 1, 5000, 'onError');
        await store.append(s, [contractEvent(1)], 0);
        await sleep(300);
        await subscription.stop();
        expect(errors).toEqual([failure]);
        expect(calls).toBe(1);
      });

      it('stop() waits for the running handler', async () => {
        const s = contractStream();
        await store.append(s, [contractEvent(0)], 'no_stream');
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let entered = false;
        let finished = false;
        const subscription = store.subscribeToAll({
          after: startHead,
          onEvents: async (events) => {
            if (!events.some((e) => e.streamId === s)) return;
            entered = true;
            await gate;
            finished = true;
          },
        });
        await waitUntil(() => entered, 5000, 'handler start');
        let stopped = false;
        const stopping = subscription.stop().then(() => (stopped = true));
        await sleep(50);
        expect(stopped).toBe(false);
        release();
        await stopping;
        expect(finished).toBe(true);
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of 20 concurrent appends with the same expected revision win', async () => {
        const s = contractStream();
        await store.append(s, [contractEvent(0)], 'no_stream');
        const attempts = Array.from({ length: 20 }, (_, i) => contractEvent(i + 1));

        const settled = await Promise.allSettled(attempts.map((e) => store.append(s, [e], 0)));

        const won = settled.filter((r) => r.status === 'fulfilled');
        const lost = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(won[0]).toMatchObject({ value: { nextExpectedRevision: 1 } });
        expect(lost).toHaveLength(19);
        for (const r of lost) {
          expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
          expect(r.reason).toMatchObject({ streamId: s, expected: 0, actual: 1 });
        }
        const winner = attempts[settled.findIndex((r) => r.status === 'fulfilled')];
        expect((await store.readStream(s)).map((e) => e.eventId)).toEqual([expect.any(String), winner.eventId]);
      });

      it('commits concurrent appends to different streams', async () => {
        const streams = Array.from({ length: 50 }, () => contractStream('many'));
        const events = streams.map((_, i) => contractEvent(i));

        const results = await Promise.all(streams.map((s, i) => store.append(s, [events[i]], 'no_stream')));

        expect(results.map((r) => r.nextExpectedRevision)).toEqual(streams.map(() => 0));
        const positions = new Set(results.map((r) => `${r.position.commit}/${r.position.prepare}`));
        expect(positions.size).toBe(50);
        const read = await Promise.all(streams.map((s) => store.readStream(s)));
        expect(read).toEqual(streams.map((s, i) => [recorded(events[i], s, 0, results[i].position)]));
      });
    });

    describe('idempotent retry', () => {
      it('returns the original result and appends nothing when the events are the stream tail', async () => {
        const s = contractStream();
        const batch = [contractEvent(0), contractEvent(1)];
        const original = await store.append(s, batch, 'no_stream');

        // The first attempt's expected revision, and one that no longer holds. (A retry with 'any', or with
        // the revision the first attempt produced, is only covered by the SQLite adapter: EventStoreDB
        // would take it as a new append.)
        expect(await store.append(s, batch, 'no_stream')).toEqual(original);
        expect(await store.append(s, batch, 0)).toEqual(original);

        const next = contractEvent(2);
        const nextResult = await store.append(s, [next], 1);
        expect(await store.append(s, [next], 1)).toEqual(nextResult);
        expect(await store.append(s, [next], 'no_stream')).toEqual(nextResult);
        expect(await store.append(s, [next], 0)).toEqual(nextResult);

        expect(await store.readStream(s)).toEqual([
          recorded(batch[0], s, 0),
          recorded(batch[1], s, 1, original.position),
          recorded(next, s, 2, nextResult.position),
        ]);
        expect(await readOwn(store, startHead, [s])).toHaveLength(3);
      });
    });
  });
}
