import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { contractEvent, eventStoreContract } from '../event-store.contract';
import { WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '../event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { GENESIS_HASH, HASH_ALG, canonicalJson, chainHash, integrityOf, withoutIntegrity } from './canonical';
import { ChainedEventStore, storedLayer } from './chained-event-store';
import { AUDIT_CHECKPOINT_STREAM, AuditCheckpointer, readCheckpoints } from './checkpoints';
import { formatVerificationReport, verifyAuditTrail } from './verify';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chained-store-'));
  dirs.push(dir);
  return join(dir, 'events.sqlite');
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The port's view without the integrity metadata, so the contract's exact comparisons hold over the decorator. */
function stripped(store: EventStore): EventStore {
  const strip = (events: RecordedEvent[]) => events.map((e) => ({ ...e, metadata: withoutIntegrity(e.metadata) as RecordedEvent['metadata'] }));
  return {
    append: (s, e, x) => store.append(s, e, x),
    readStream: async (s, o) => strip(await store.readStream(s, o)),
    readAll: async (o) => strip(await store.readAll(o)),
    readAllFiltered: async (o) => {
      const read = await store.readAllFiltered(o);
      return { ...read, events: strip(read.events) };
    },
    subscribeToAll: (o) => store.subscribeToAll({ ...o, onEvents: (events) => o.onEvents(strip(events)) }),
    headPosition: () => store.headPosition(),
    countAfter: (a) => store.countAfter(a),
    close: () => store.close(),
  };
}

eventStoreContract('ChainedEventStore over SQLite', async () => stripped(new ChainedEventStore(new SqliteEventStore({ file: tempFile(), synchronous: 'NORMAL' }))));

const esdb = process.env.ESDB_CONNECTION_STRING;
if (!esdb) console.warn('ChainedEventStore over EventStoreDB SKIPPED: ESDB_CONNECTION_STRING is not set');
(esdb ? describe : describe.skip)('ChainedEventStore over EventStoreDB', () => {
  eventStoreContract('ChainedEventStore over EsdbEventStore', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EsdbEventStore } = require('../esdb/esdb-event-store') as typeof import('../esdb/esdb-event-store');
    return stripped(new ChainedEventStore(new EsdbEventStore(esdb!)));
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined members, and equals the form of its JSON round trip', () => {
    const value = { b: 1, a: { d: [1, undefined, 'x'], c: null, e: undefined }, t: new Date('2027-01-01T00:00:00Z') };
    expect(canonicalJson(value)).toBe('{"a":{"c":null,"d":[1,null,"x"]},"b":1,"t":"2027-01-01T00:00:00.000Z"}');
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });
});

describe('ChainedEventStore', () => {
  const open: EventStore[] = [];
  const make = () => {
    const file = tempFile();
    const raw = new SqliteEventStore({ file, synchronous: 'NORMAL' });
    const store = new ChainedEventStore(raw);
    open.push(store);
    return { file, raw, store };
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('chains each event to the previous one of its stream, from genesis, over the stored content', async () => {
    const { raw, store } = make();
    await store.append('s-1', [contractEvent(1), contractEvent(2)], 'no_stream');
    await store.append('s-2', [contractEvent(3)], 'no_stream');
    await store.append('s-1', [contractEvent(4)], 1);
    const s1 = await raw.readStream('s-1');
    expect(s1.map((e) => integrityOf(e)!.alg)).toEqual([HASH_ALG, HASH_ALG, HASH_ALG]);
    let prev = GENESIS_HASH;
    for (const event of s1) {
      expect(integrityOf(event)!.prev).toBe(prev);
      expect(integrityOf(event)!.hash).toBe(chainHash(prev, event));
      prev = integrityOf(event)!.hash;
    }
    expect(integrityOf((await raw.readStream('s-2'))[0])!.prev).toBe(GENESIS_HASH);
    expect(storedLayer(store)).toBe(raw);
    expect((await verifyAuditTrail(store)).intact).toBe(true);
  });

  it('passes a caller’s revision conflict on unchanged, and chains correctly after it', async () => {
    const { store } = make();
    await store.append('s', [contractEvent(1)], 'no_stream');
    await expect(store.append('s', [contractEvent(2)], 5)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.append('s', [contractEvent(2)], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await store.append('s', [contractEvent(3)], 0);
    expect((await verifyAuditTrail(store)).intact).toBe(true);
  });

  it('an idempotent retry appends nothing and keeps the chain', async () => {
    const { store } = make();
    const events = [contractEvent(1), contractEvent(2)];
    const first = await store.append('s', events, 'no_stream');
    expect(await store.append('s', events, 'no_stream')).toEqual(first);
    expect((await store.readStream('s')).length).toBe(2);
    expect((await verifyAuditTrail(store)).intact).toBe(true);
  });

  it("'any' appenders racing on one stream, in this process and from a second process (stale head cache), keep one unbroken chain", async () => {
    const { file, store } = make();
    const other = new ChainedEventStore(new SqliteEventStore({ file, synchronous: 'NORMAL' }));
    open.push(other);
    await store.append('s', [contractEvent(0)], 'any');
    await other.append('s', [contractEvent(1)], 'any'); // `store`'s cached head is now stale
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => store.append('s', [contractEvent(100 + i)], 'any')),
      ...Array.from({ length: 20 }, (_, i) => other.append('s', [contractEvent(200 + i)], 'any')),
    ]);
    const events = await store.readStream('s');
    expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 42 }, (_, i) => i));
    const report = await verifyAuditTrail(store);
    expect(report).toMatchObject({ intact: true, eventsVerified: 42, streams: 1 });
  });

  it('reports legacy (unchained) events once, not as tampering, and chains new events after them', async () => {
    const { raw, store } = make();
    await raw.append('old', [contractEvent(1), contractEvent(2)], 'no_stream');
    await store.append('old', [contractEvent(3)], 'any');
    await store.append('old', [contractEvent(4)], 2);
    const report = await verifyAuditTrail(store);
    expect(report).toMatchObject({ intact: true, legacyEvents: 2, eventsVerified: 4 });
    expect(formatVerificationReport(report)).toContain('2 unchained (legacy) event(s)');
    // An unchained event after chained ones is not legacy: something wrote around the chain.
    await raw.append('old', [contractEvent(5)], 3);
    const after = await verifyAuditTrail(store);
    expect(after.intact).toBe(false);
    expect(after.firstProblem).toMatchObject({ kind: 'inserted', streamId: 'old', revision: 4 });
  });

  describe('tampering with the SQLite file', () => {
    async function history() {
      const ctx = make();
      for (let s = 0; s < 3; s++) {
        for (let r = 0; r < 4; r++) await ctx.store.append(`s-${s}`, [contractEvent(s * 10 + r)], r === 0 ? 'no_stream' : r - 1);
      }
      await new AuditCheckpointer(ctx.store, { every: 5 }).run(new Date(), { force: true });
      expect((await verifyAuditTrail(ctx.store)).intact).toBe(true);
      return ctx;
    }
    const sql = (file: string, statement: string, ...params: unknown[]) => {
      const db = new Database(file);
      try {
        return db.prepare(statement).run(...params);
      } finally {
        db.close();
      }
    };

    it('names an altered event', async () => {
      const { file, store } = await history();
      sql(file, "UPDATE events SET data = json_set(data, '$.n', 999) WHERE stream_id = 's-1' AND revision = 2");
      const report = await verifyAuditTrail(store);
      expect(report.firstProblem).toMatchObject({ kind: 'altered', streamId: 's-1', revision: 2 });
    });

    it('names an event deleted from the middle of a stream', async () => {
      const { file, store } = await history();
      sql(file, "DELETE FROM events WHERE stream_id = 's-0' AND revision = 1");
      const report = await verifyAuditTrail(store);
      expect(report.firstProblem).toMatchObject({ kind: 'missing', streamId: 's-0', revision: 1 });
    });

    it('names the deleted last event of a stream, from the checkpoints', async () => {
      const { file, store } = await history();
      sql(file, "DELETE FROM events WHERE stream_id = 's-2' AND revision = 3");
      const report = await verifyAuditTrail(store);
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'missing', streamId: 's-2', revision: 3 }));
      expect((await verifyAuditTrail(store, { streamId: 's-2' })).firstProblem).toMatchObject({ kind: 'missing', streamId: 's-2', revision: 3 });
    });

    it('names an inserted event, forged with or without integrity metadata', async () => {
      const { file, store } = await history();
      const [copy] = await storedLayer(store).readStream('s-0', { fromRevision: 3 });
      sql(
        file,
        `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES ('s-0', 4, 'forged-1', 'X', 1, '{}', ?, ?)`,
        JSON.stringify(copy.metadata),
        copy.recordedAt,
      );
      const report = await verifyAuditTrail(store);
      expect(report.firstProblem).toMatchObject({ kind: 'inserted', streamId: 's-0', revision: 4, eventId: 'forged-1' });
      const meta = { ...(copy.metadata as object), integrity: { alg: HASH_ALG, prev: GENESIS_HASH, hash: '' } };
      const forged = { streamId: 's-1', revision: 4, eventId: 'forged-2', type: 'X', schemaVersion: 1, data: {}, metadata: withoutIntegrity(meta) };
      meta.integrity.hash = chainHash(GENESIS_HASH, forged);
      sql(file, `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES ('s-1', 4, 'forged-2', 'X', 1, '{}', ?, ?)`, JSON.stringify(meta), copy.recordedAt);
      expect((await verifyAuditTrail(store)).problems).toContainEqual(expect.objectContaining({ kind: 'inserted', streamId: 's-1', revision: 4, eventId: 'forged-2' }));
    });
  });

  describe('checkpoints', () => {
    it('every N events, then a partial one once it is old enough; two checkpointers record each once', async () => {
      const { store } = make();
      for (let i = 0; i < 25; i++) await store.append(`s-${i % 4}`, [contractEvent(i)], 'any');
      const a = new AuditCheckpointer(store, { every: 10, intervalMs: 60_000 });
      const b = new AuditCheckpointer(store, { every: 10, intervalMs: 60_000 });
      const now = new Date();
      await Promise.all([a.run(now), b.run(now)]);
      const checkpoints = await readCheckpoints(store);
      expect(checkpoints.map((c) => c.data.eventCount)).toEqual([10, 10]);
      expect(checkpoints[1].data.prevHash).toBe(checkpoints[0].data.hash);
      expect(await a.run(now)).toMatchObject({ recorded: 0 });
      expect(await a.run(new Date(now.getTime() + 3_600_000))).toMatchObject({ recorded: 1, uncovered: 0 });
      const report = await verifyAuditTrail(store);
      expect(report).toMatchObject({ intact: true, checkpoints: 3 });
      expect((await store.readStream(AUDIT_CHECKPOINT_STREAM)).length).toBe(3);
    });

    it('reads the checkpoint stream whole once per process, then from the last checkpoint it knows, and sees those another process recorded', async () => {
      const { store } = make();
      const reads: Array<number | undefined> = [];
      const inner = storedLayer(store);
      const readStream = inner.readStream.bind(inner);
      inner.readStream = (streamId, options) => {
        if (streamId === AUDIT_CHECKPOINT_STREAM) reads.push(options?.fromRevision);
        return readStream(streamId, options);
      };
      const a = new AuditCheckpointer(store, { every: 5, intervalMs: 60_000 });
      const b = new AuditCheckpointer(store, { every: 5, intervalMs: 60_000 });
      const now = new Date();
      const appendSome = async (from: number) => {
        for (let i = from; i < from + 5; i++) await store.append(`t-${i % 3}`, [contractEvent(i)], 'any');
      };
      await appendSome(0);
      expect(await a.run(now)).toMatchObject({ recorded: 1 });
      await appendSome(5);
      expect(await a.run(now)).toMatchObject({ recorded: 1 });
      await appendSome(10);
      expect(await b.run(now)).toMatchObject({ recorded: 1 }); // another process: a does not know of it
      await appendSome(15);
      expect(await a.run(now)).toMatchObject({ recorded: 1 });
      // a: whole once, then from revision 0 (its first checkpoint), then from revision 1 (b's is found there);
      // b: whole once. The counts per checkpoint show that none was recorded twice or skipped.
      expect(reads).toEqual([undefined, 0, undefined, 1]);
      expect((await readCheckpoints(store)).map((c) => [c.revision, c.data.eventCount, c.data.totalEvents])).toEqual([
        [0, 5, 5],
        [1, 5, 10],
        [2, 5, 15],
        [3, 5, 20],
      ]);
      expect(await verifyAuditTrail(store)).toMatchObject({ intact: true, checkpoints: 4 });
    });
  });
});

describe('ChainedEventStore, pipelined appends', () => {
  it('an append issued right after the caller’s own append still in flight chains to it; to an unstored predecessor, a conflict', async () => {
    const store = new ChainedEventStore(new SqliteEventStore({ file: tempFile(), synchronous: 'NORMAL' }));
    try {
      await Promise.all([store.append('p', [contractEvent(1)], 'no_stream'), store.append('p', [contractEvent(2)], 0), store.append('p', [contractEvent(3)], 1)]);
      expect((await verifyAuditTrail(store)).intact).toBe(true);
      await expect(store.append('p', [contractEvent(4)], 7)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    } finally {
      await store.close();
    }
  });
});
