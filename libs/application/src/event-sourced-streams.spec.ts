// The command glue's idempotency: keyed requests derive their event ids, and two copies of one request that
// both decided on the same revision append once, even when the stream moved on between the two appends.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DomainError } from '@mentoring/domain';
import { SqliteEventStore } from '@mentoring/event-store';
import { CommandContext } from './command-context';
import { DecideOnReads, EventSourcedStreams } from './event-sourced-streams';

const ctx: CommandContext = { actor: { id: 'staff-1', role: 'staff' }, correlationId: 'c-1', causationId: 'http:1', idempotencyKey: 'key-1' };
const noted = (n: number) => ({ type: 'Noted', data: { n } });

describe('EventSourcedStreams.append with an Idempotency-Key', () => {
  let dir: string;
  let store: SqliteEventStore;
  let streams: EventSourcedStreams;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-'));
    store = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
    streams = new EventSourcedStreams(store);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a copy of the request that lost the race, after the stream moved on, answers where the first copy stored its events', async () => {
    await store.append('s-1', [{ eventId: '00000000-0000-4000-8000-000000000001', type: 'Noted', schemaVersion: 1, data: { n: 0 }, metadata: { ...ctx, occurredAt: 'x' } }], 'no_stream');
    const first = await streams.append('s-1', [noted(1)], 0, ctx);
    // Someone else appends meanwhile: the copy's ids are no longer the stream's last events.
    await streams.append('s-1', [noted(2)], 1, { ...ctx, idempotencyKey: undefined });
    const copy = await streams.append('s-1', [noted(1)], 0, ctx);
    expect(copy).toEqual(first);
    expect((await store.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });

  it('the same request deciding another reservation (another salt) derives other ids: it is a new append, not a repeat', async () => {
    await streams.append('s-1', [noted(1)], -1, ctx, 0, 'reservation-a');
    await expect(streams.append('s-1', [noted(1)], 0, ctx, 0, 'reservation-b')).resolves.toMatchObject({ nextExpectedRevision: 1 });
    const ids = (await store.readStream('s-1')).map((e) => e.eventId);
    expect(new Set(ids).size).toBe(2);
  });

  it('without a key, a duplicate id is still an error', async () => {
    const plain = { ...ctx, idempotencyKey: undefined };
    const event = { eventId: '00000000-0000-4000-8000-00000000000a', type: 'Noted', schemaVersion: 1, data: {}, metadata: { ...plain, occurredAt: 'x' } };
    await store.append('s-1', [event], 'no_stream');
    await store.append('s-1', [{ ...event, eventId: '00000000-0000-4000-8000-00000000000b' }], 0);
    await expect(store.append('s-1', [event], 'any')).rejects.toMatchObject({ code: 'duplicate_event_id' });
  });
});

describe('EventSourcedStreams states kept in memory', () => {
  let dir: string;
  let store: SqliteEventStore;
  const plain: CommandContext = { actor: { id: 'staff-1', role: 'staff' }, correlationId: 'c-1', causationId: 'http:1' };
  // The state is the list of `n`s seen (InternalCommentAdded: a v1 type the upcaster passes as it is).
  const noted = (n: number) => ({ type: 'InternalCommentAdded' as const, data: { n } });
  const counting = { initialState: [] as number[], evolve: (state: number[], event: { type: string; data: object }) => [...state, (event.data as { n: number }).n] };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-'));
    store = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The store, counting its stream reads and the events they return. */
  function counted(): { streams: EventSourcedStreams; eventsRead: () => number; reads: () => number } {
    let read = 0;
    let reads = 0;
    const spy = Object.create(store) as SqliteEventStore;
    spy.readStream = async (...args: Parameters<SqliteEventStore['readStream']>) => {
      reads++;
      const events = await store.readStream(...args);
      read += events.length;
      return events;
    };
    return { streams: new EventSourcedStreams(spy), eventsRead: () => read, reads: () => reads };
  }

  describe('an append folds its events into the state it was decided on', () => {
    it('a stream created and then extended here is loaded without reading its events again, and equals a fresh fold', async () => {
      const { streams, eventsRead } = counted();
      expect(await streams.load('s-1', counting)).toEqual({ state: [], revision: -1 });
      await streams.append('s-1', [noted(1)], -1, plain);
      expect(await streams.load('s-1', counting)).toEqual({ state: [1], revision: 0 });
      await streams.append('s-1', [noted(2), noted(3)], 0, plain);
      expect(await streams.load('s-1', counting)).toEqual({ state: [1, 2, 3], revision: 2 });
      expect(eventsRead()).toBe(0);
      expect(await new EventSourcedStreams(store).load('s-1', counting)).toEqual({ state: [1, 2, 3], revision: 2 });
    });

    it('what another writer appended meanwhile is read, and an append that lost its race folds nothing', async () => {
      const { streams } = counted();
      await streams.load('s-1', counting);
      await streams.append('s-1', [noted(1)], -1, plain);
      const other = new EventSourcedStreams(store);
      await other.append('s-1', [noted(2)], 0, plain);
      await expect(streams.append('s-1', [noted(9)], 0, plain)).rejects.toMatchObject({ code: 'wrong_expected_revision' });
      expect(await streams.load('s-1', counting)).toEqual({ state: [1, 2], revision: 1 });
    });
  });

  describe('decisions on the states of their own appends', () => {
    type Add = { type: 'Add'; data: { n: number; requires?: number; unless?: number } };
    // Adds n; refuses unless `requires` is there; does nothing when `unless` is there.
    const adding = {
      initialState: [] as number[],
      evolve: (state: number[], event: { type: string; data: object }) => [...state, (event.data as { n: number }).n],
      decide: (command: Add, state: number[]) => {
        const { n, requires, unless } = command.data;
        if (requires !== undefined && !state.includes(requires)) throw new DomainError('missing', 'conflict', `needs ${requires}`);
        if (unless !== undefined && state.includes(unless)) return [];
        return [noted(n)];
      },
    };
    const add = (data: Add['data']) => () => ({ type: 'Add' as const, data });

    it('a new stream and then the states its own appends left are decided on without a read', async () => {
      const { streams, reads } = counted();
      await streams.execute('s-1', adding, add({ n: 1 }), plain, { newStream: true });
      await streams.execute('s-1', adding, add({ n: 2 }), plain);
      const outcome = await streams.execute('s-1', adding, add({ n: 3 }), plain);
      expect(outcome).toMatchObject({ revision: 2, events: [noted(3)] });
      expect(reads()).toBe(0);
      expect((await store.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    });

    it('another writer appended meanwhile: the append is refused and the command decided again on a read', async () => {
      const { streams } = counted();
      await streams.execute('s-1', adding, add({ n: 1 }), plain, { newStream: true });
      await new EventSourcedStreams(store).append('s-1', [noted(2)], 0, plain);
      expect(await streams.execute('s-1', adding, add({ n: 3 }), plain)).toMatchObject({ revision: 2 });
      expect((await store.readStream('s-1')).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    });

    it('a refusal or a no-op decided on an unread state is decided again on a read', async () => {
      const { streams, reads } = counted();
      await streams.execute('s-1', adding, add({ n: 1 }), plain, { newStream: true });
      await new EventSourcedStreams(store).append('s-1', [noted(2)], 0, plain);
      // The unread state [1] would refuse (2 is missing); the store's [1, 2] accepts.
      expect(await streams.execute('s-1', adding, add({ n: 3, requires: 2 }), plain)).toMatchObject({ revision: 2, events: [noted(3)] });
      await new EventSourcedStreams(store).append('s-1', [noted(4)], 2, plain);
      const before = reads();
      // The unread state [1, 2, 3] would append 5; the store's [1, 2, 3, 4] makes it a no-op, answered at revision 3.
      expect(await streams.execute('s-1', adding, add({ n: 5, unless: 4 }), plain)).toMatchObject({ revision: 3, events: [] });
      expect(reads()).toBeGreaterThan(before);
      // A refusal the store's state confirms stays a refusal.
      await expect(streams.execute('s-1', adding, add({ n: 6, requires: 9 }), plain)).rejects.toMatchObject({ code: 'missing' });
    });

    it('an If-Match refused on an unread state is checked again on a read', async () => {
      const { streams } = counted();
      await streams.execute('s-1', adding, add({ n: 1 }), plain, { newStream: true });
      await new EventSourcedStreams(store).append('s-1', [noted(2)], 0, plain);
      expect(await streams.execute('s-1', adding, add({ n: 3 }), { ...plain, expectedRevision: 1 })).toMatchObject({ revision: 2 });
      await expect(streams.execute('s-1', adding, add({ n: 4 }), { ...plain, expectedRevision: 1 })).rejects.toMatchObject({ code: 'revision_mismatch' });
    });

    it('a decision that would rely on an unread state it does not append to is decided again on reads', async () => {
      const { streams, reads } = counted();
      await streams.execute('s-1', adding, add({ n: 1 }), plain, { newStream: true });
      const runs: number[] = [];
      const outcome = await streams.deciding(async (view, trust) => {
        const { state, revision } = await view.load('s-1', adding);
        runs.push(trust.taken);
        if (trust.taken > 0) throw new DecideOnReads('relies on s-1 without appending to it');
        return { streamId: 's-1', revision, position: null, events: state.map(noted) };
      });
      expect(runs).toEqual([1, 0]);
      expect(outcome).toMatchObject({ revision: 0, events: [noted(1)] });
      expect(reads()).toBe(1);
    });

    it('a stream said to be new that exists after all is decided on a read', async () => {
      await new EventSourcedStreams(store).append('s-1', [noted(1)], -1, plain);
      const { streams } = counted();
      expect(await streams.execute('s-1', adding, add({ n: 2, requires: 1 }), plain, { newStream: true })).toMatchObject({ revision: 1, events: [noted(2)] });
    });
  });
});
