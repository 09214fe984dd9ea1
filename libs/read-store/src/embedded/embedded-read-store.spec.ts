import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readStoreContract } from '../read-store.contract';
import { DuplicateKeyError, ReadStoreUnavailableError, type Doc, type Filter, type ReadStore } from '../read-store.port';
import { EmbeddedReadStore, WriteConflictError } from './embedded-read-store';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'read-store-'));
  dirs.push(dir);
  return join(dir, 'read-models.sqlite');
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

readStoreContract('embedded (:memory:)', () => EmbeddedReadStore.open({ file: ':memory:' }));
readStoreContract('embedded (file)', () => EmbeddedReadStore.open({ file: tempFile() }));

describe('EmbeddedReadStore on a file', () => {
  it('a corrupted file is moved aside (<file>.corrupt-<time>) and a new one opened: read models are rebuilt from the log', async () => {
    const file = tempFile();
    writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0x5a)]));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const store = await EmbeddedReadStore.open({ file });
      expect(await store.collection('c').find({})).toEqual([]);
      expect(await store.getCheckpoint('p')).toBeNull();
      await store.close();
      const aside = readdirSync(dirname(file)).filter((name) => name.includes('.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(existsSync(file)).toBe(true);
      expect(String(stderr.mock.calls[0]?.[0])).toContain('is corrupted');
    } finally {
      stderr.mockRestore();
    }
  });

  it('finds documents, indexes and checkpoints again after a reopen', async () => {
    const file = tempFile();
    const first = await EmbeddedReadStore.open({ file, synchronous: 'FULL' });
    const people = first.collection('people');
    await people.createIndex({ email: 1 }, { unique: true });
    await people.insertOne({ _id: 'a', email: 'a@x', tags: ['t'], nested: { n: 1 } });
    await first.transaction(async (tx) => {
      await tx.collection('people').updateOne({ _id: 'b' }, { $set: { email: 'b@x' }, $inc: { n: 2 } }, { upsert: true });
      await tx.collection('people').updateOne({ _id: 'a' }, { $push: { tags: 'u' } });
      await tx.setCheckpoint('people-projection', '12/12');
    });
    await first.collection('empty').createIndex({ x: 1 });
    const checkpoint = await first.getCheckpoint('people-projection');
    await first.close();

    const second = await EmbeddedReadStore.open({ file });
    expect(await second.collection('people').find({}, { sort: { _id: 1 } })).toEqual([
      { _id: 'a', email: 'a@x', tags: ['t', 'u'], nested: { n: 1 } },
      { _id: 'b', email: 'b@x', n: 2 },
    ]);
    expect(await second.getCheckpoint('people-projection')).toEqual(checkpoint);
    expect(await second.listCollections()).toEqual(['empty', 'people']);
    await expect(second.collection('people').insertOne({ _id: 'c', email: 'a@x' })).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(await second.collection('people').createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    await second.close();
  });

  it('a rolled-back unit leaves the file unchanged', async () => {
    const file = tempFile();
    const first = await EmbeddedReadStore.open({ file });
    await first.collection('c').insertOne({ _id: 'keep', n: 1 });
    await first.setCheckpoint('p', '1');
    await expect(
      first.transaction(async (tx) => {
        await tx.collection('c').updateOne({ _id: 'keep' }, { $set: { n: 2 } });
        await tx.collection('c').insertOne({ _id: 'new' });
        await tx.collection('other').insertOne({ _id: 'x' });
        await tx.setCheckpoint('p', '2');
        await tx.setCheckpoint('q', '2');
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await first.listCollections()).toEqual(['c']);
    await first.close();

    const second = await EmbeddedReadStore.open({ file });
    expect(await second.collection('c').find({})).toEqual([{ _id: 'keep', n: 1 }]);
    expect(await second.listCollections()).toEqual(['c']);
    expect((await second.getCheckpoint('p'))?.position).toBe('1');
    expect(await second.getCheckpoint('q')).toBeNull();
    await second.close();
  });

  it('renames and drops survive a reopen', async () => {
    const file = tempFile();
    const first = await EmbeddedReadStore.open({ file });
    await first.collection('live').insertOne({ _id: 'old' });
    await first.collection('rebuild').insertOne({ _id: 'new' });
    await first.collection('gone').insertOne({ _id: 'x' });
    await first.renameCollection('rebuild', 'live');
    await first.dropCollection('gone');
    await first.close();

    const second = await EmbeddedReadStore.open({ file });
    expect(await second.listCollections()).toEqual(['live']);
    expect(await second.collection('live').find({})).toEqual([{ _id: 'new' }]);
    await second.close();
  });

  it('holds the file: a second store on it fails to open until the first is closed', async () => {
    const file = tempFile();
    const first = await EmbeddedReadStore.open({ file });
    await first.collection('c').insertOne({ _id: 'a' });
    await expect(EmbeddedReadStore.open({ file, busyTimeoutMs: 50 })).rejects.toThrow(/already open/);
    // Another process cannot even read it.
    const probe = `
      const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new Database(process.argv[1], { timeout: 50 });
      try { db.prepare('SELECT count(*) AS n FROM documents').get(); console.log('read'); } catch (e) { console.log(e.code); }`;
    expect(execFileSync(process.execPath, ['-e', probe, file], { encoding: 'utf8' }).trim()).toBe('SQLITE_BUSY');
    await first.close();
    const second = await EmbeddedReadStore.open({ file, busyTimeoutMs: 50 });
    expect(await second.collection('c').find({})).toEqual([{ _id: 'a' }]);
    await second.close();
  });

  it('applies tens of thousands of upserts per second in units of 500 (sanity count, not a benchmark)', async () => {
    const store = await EmbeddedReadStore.open({ file: tempFile() });
    const ops = 20_000;
    const started = process.hrtime.bigint();
    for (let batch = 0; batch < ops / 500; batch++) {
      await store.transaction(async (tx) => {
        const c = tx.collection('stats');
        for (let i = 0; i < 500; i++) {
          const n = batch * 500 + i;
          await c.updateOne(
            { _id: `mentor-${n % 2000}` },
            { $set: { lastEvent: n }, $inc: { events: 1 }, $push: { recent: n % 7 }, $setOnInsert: { since: n } },
            { upsert: true },
          );
        }
        await tx.setCheckpoint('stats', String(batch));
      });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`embedded read store: ${Math.round(ops / seconds)} upserts/s (file, units of 500)`);
    const c = store.collection('stats');
    expect(await c.countDocuments()).toBe(2000);
    expect(await c.findOne({ _id: 'mentor-0' })).toEqual({
      _id: 'mentor-0',
      since: 0,
      lastEvent: 18_000,
      events: 10,
      recent: [0, 5, 3, 1, 6, 4, 2, 0, 5, 3],
    });
    await store.close();
  });
});

// PRAGMA quick_check reads every page: 24 s at the start of a 100,000-student school whose file was not in the page
// cache. It runs when the previous process left its WAL behind (a crash, a kill, a power loss), not after a clean close.
describe('EmbeddedReadStore: the check at open', () => {
  const quickChecks = (spy: jest.SpyInstance) => spy.mock.calls.filter(([sql]) => String(sql).includes('quick_check')).length;

  it('a file closed cleanly is opened without reading every page; one left by a crash is checked', async () => {
    const file = tempFile();
    const store = await EmbeddedReadStore.open({ file });
    await store.collection('students').insertOne({ _id: 's-1', name: 'Ada' });
    // A crash image: the file and its WAL as they are while the store is open.
    const crashed = join(dirname(file), 'crashed.sqlite');
    copyFileSync(file, crashed);
    copyFileSync(`${file}-wal`, `${crashed}-wal`);
    await store.close();
    expect(existsSync(`${file}-wal`)).toBe(false); // SQLite removes the WAL at a clean close

    const spy = jest.spyOn(Database.prototype, 'pragma');
    try {
      writeFileSync(`${file}-wal`, ''); // an empty WAL, as a read-only connection leaves: nothing to recover
      const reopened = await EmbeddedReadStore.open({ file });
      expect(quickChecks(spy)).toBe(0);
      expect(await reopened.collection('students').findOne({ _id: 's-1' })).toEqual({ _id: 's-1', name: 'Ada' });
      await reopened.close();

      const recovered = await EmbeddedReadStore.open({ file: crashed });
      expect(quickChecks(spy)).toBe(1);
      expect(await recovered.collection('students').findOne({ _id: 's-1' })).toEqual({ _id: 's-1', name: 'Ada' });
      await recovered.close();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('EmbeddedReadStore units of work', () => {
  let store: EmbeddedReadStore;
  beforeEach(async () => {
    store = await EmbeddedReadStore.open({ file: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('refuses a write outside the unit to a document the open unit has changed', async () => {
    await store.collection('c').insertOne({ _id: 'a', n: 0 });
    await store.collection('c').insertOne({ _id: 'b', n: 0 });
    let outside: Promise<unknown> | undefined;
    await store.transaction(async (tx) => {
      await tx.collection('c').updateOne({ _id: 'a' }, { $inc: { n: 1 } });
      await tx.setCheckpoint('p', '1');
      await expect(store.collection('c').updateOne({ _id: 'a' }, { $inc: { n: 10 } })).rejects.toBeInstanceOf(WriteConflictError);
      await expect(store.setCheckpoint('p', '9')).rejects.toBeInstanceOf(WriteConflictError);
      await expect(store.dropCollection('c')).rejects.toBeInstanceOf(WriteConflictError);
      // Other documents are free.
      outside = store.collection('c').updateOne({ _id: 'b' }, { $inc: { n: 10 } });
      await outside;
    });
    expect(await store.collection('c').find({}, { sort: { _id: 1 } })).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 10 },
    ]);
  });

  it('keeps a collection created by a rolled-back unit when a write outside the unit committed to it', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.collection('fresh').insertOne({ _id: 'inside' });
        await store.collection('fresh').insertOne({ _id: 'outside' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await store.listCollections()).toEqual(['fresh']);
    expect(await store.collection('fresh').find({})).toEqual([{ _id: 'outside' }]);
    await expect(
      store.transaction(async (tx) => {
        await tx.collection('gone').insertOne({ _id: 'inside' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await store.listCollections()).toEqual(['fresh']);
  });

  it('undoes a failing call completely, inside a unit too', async () => {
    const c = store.collection('c');
    await c.createIndex({ k: 1 }, { unique: true });
    await c.insertOne({ _id: 'a', k: 1 });
    await c.insertOne({ _id: 'b', k: 2 });
    await c.insertOne({ _id: 'c', k: 3 });
    await store.transaction(async (tx) => {
      // The third document collides: updateMany changes nothing at all.
      await expect(tx.collection('c').updateMany({}, { $inc: { k: 1 } })).rejects.toBeInstanceOf(DuplicateKeyError);
      await tx.collection('c').updateOne({ _id: 'c' }, { $set: { k: 30 } });
    });
    expect(await c.find({}, { sort: { _id: 1 } })).toEqual([
      { _id: 'a', k: 1 },
      { _id: 'b', k: 2 },
      { _id: 'c', k: 30 },
    ]);
    await c.insertOne({ _id: 'd', k: 3 });
  });

  it('rejects update documents without operators and conflicting paths, like MongoDB', async () => {
    const c = store.collection('c');
    await c.insertOne({ _id: 'a', n: 1 });
    await expect(c.updateOne({ _id: 'a' }, { n: 2 })).rejects.toThrow(/atomic operators/);
    await expect(c.updateOne({ _id: 'a' }, {})).rejects.toThrow(/atomic operators/);
    await expect(c.updateOne({ _id: 'a' }, { $set: { n: 2 }, $inc: { n: 1 } })).rejects.toThrow(/conflict/);
    await expect(c.updateOne({ _id: 'a' }, { $set: { _id: 'b' } })).rejects.toThrow(/_id/);
    expect(await c.find({})).toEqual([{ _id: 'a', n: 1 }]);
  });

  it('updates array elements through the positional operator', async () => {
    const c = store.collection('c');
    await c.insertOne({ _id: 'a', items: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 1 }] });
    expect(await c.updateOne({ _id: 'a', 'items.sku': 'y' }, { $inc: { 'items.$.qty': 2 } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
      upsertedId: null,
    });
    expect(await c.findOne({ _id: 'a' })).toEqual({ _id: 'a', items: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 3 }] });
  });

  it('rejects operations after close with ReadStoreUnavailableError', async () => {
    const other = await EmbeddedReadStore.open({ file: ':memory:' });
    await other.close();
    await expect(other.collection('c').find({})).rejects.toBeInstanceOf(ReadStoreUnavailableError);
    await expect(other.transaction(async () => 1)).rejects.toBeInstanceOf(ReadStoreUnavailableError);
  });
});

describe('EmbeddedReadStore key columns (indexed paths kept as columns, computed at each write)', () => {
  const ids = (docs: Doc[]) => docs.map((doc) => doc._id);
  const byId = (docs: Doc[]) => ids(docs).sort();

  it('opens a file of the expression-index layout: columns added and filled, indexes rebuilt on them, reads and writes as before', async () => {
    // Written by the store of commit c276d3d (indexes on json_extract(doc, …) / coalesce(doc -> …)): see
    // fixtures/read-models-expression-indexes.sqlite; people with a unique, a plain, a descending compound, a
    // multikey and a dotted index, and an empty collection with a compound index.
    const file = tempFile();
    copyFileSync(join(__dirname, 'fixtures', 'read-models-expression-indexes.sqlite'), file);
    const store = await EmbeddedReadStore.open({ file });
    const people = store.collection('people');
    expect(await people.find({}, { sort: { _id: 1 } })).toEqual([
      { _id: 'p1', email: 'a@x', status: 'active', score: 3, tags: ['t1'], addr: { city: 'Paris' } },
      { _id: 'p2', email: 'b@x', status: 'active', score: 2.5, tags: [], addr: { city: 'Lyon' } },
      { _id: 'p3', email: 'c@x', status: true, score: '3', addr: null },
      { _id: 'p4', status: 'active', score: 10, addr: { city: 'Paris', zip: '75001' } },
      { _id: 'p5', email: 'e@x', status: { nested: 1 }, score: null },
    ]);
    expect(await store.getCheckpoint('people-projection')).toMatchObject({ position: '5/5' });
    // Insertion order (p2 was rewritten by a unit of a collection with a unique index: deleted and inserted again).
    expect(ids(await people.find({ status: 'active' }))).toEqual(['p1', 'p4', 'p2']);
    expect(await people.countDocuments({ status: 'active' })).toBe(3);
    expect(ids(await people.find({ status: true }))).toEqual(['p3']);
    expect(ids(await people.find({ 'addr.city': 'Paris' }))).toEqual(['p1', 'p4']);
    expect(ids(await people.find({ score: { $gte: 2.5 } }))).toEqual(['p1', 'p4', 'p2']);
    expect(ids(await people.find({}, { sort: { score: -1, _id: 1 }, limit: 3 }))).toEqual(['p3', 'p4', 'p1']);
    expect(ids(await people.find({ tags: 't1' }))).toEqual(['p1']);
    expect(ids(await people.find({ email: 'e@x' }))).toEqual(['p5']);
    await expect(people.insertOne({ _id: 'p6', email: 'a@x' })).rejects.toBeInstanceOf(DuplicateKeyError);
    await store.close();

    const indexSql = () => {
      const db = new Database(file);
      try {
        return db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as Array<{ name: string; sql: string }>;
      } finally {
        db.close();
      }
    };
    const migrated = indexSql();
    expect(migrated).toHaveLength(6);
    for (const { sql } of migrated) expect(sql).not.toMatch(/json_extract|doc ->|coalesce/);

    // Reopened: nothing left to migrate (same indexes, checked below); writes keep the columns in step with the documents.
    const again = await EmbeddedReadStore.open({ file });
    await again.transaction(async (tx) => {
      await tx.collection('people').updateOne({ _id: 'p1' }, { $set: { status: 'paused', email: 'z@x' } });
      await tx.collection('people').updateOne({ _id: 'p4' }, { $set: { note: 'unchanged keys' } });
    });
    await again.collection('people').insertOne({ _id: 'p6', email: 'a@x', status: 'active', score: 4 });
    expect(ids(await again.collection('people').find({ status: 'active' }))).toEqual(['p2', 'p4', 'p6']);
    expect(ids(await again.collection('people').find({ status: 'paused' }))).toEqual(['p1']);
    expect(ids(await again.collection('people').find({}, { sort: { score: -1, _id: 1 }, limit: 3 }))).toEqual(['p3', 'p4', 'p6']);
    expect(ids(await again.collection('empty').find({ kind: 'x' }))).toEqual([]);
    await again.close();
    expect(indexSql()).toEqual(migrated);
  });

  const VALUES: unknown[] = [0, 1, 2, 2.5, -1, 1e21, '1', '', 'a', 'b', 'B', 'é', 'true', true, false, null, undefined, { x: 1 }, { y: 'a' }];
  const FILTERS = (): Filter[] => {
    const out: Filter[] = [];
    const scalars = VALUES.filter((v) => v === null || typeof v !== 'object');
    for (const v of scalars) {
      if (v === undefined) continue;
      out.push({ f: v }, { f: { $in: [v, 'a', 2] } }, { g: v, f: { $gte: 0 } }, { $or: [{ f: v }, { g: 'b' }] });
      if (typeof v === 'number' || typeof v === 'string') {
        for (const op of ['$gt', '$gte', '$lt', '$lte']) out.push({ f: { [op]: v } }, { g: { [op]: v } });
      }
    }
    out.push({ u: 'u3' }, { u: { $in: ['u1', 'u7', 5] } }, { u: 5 }, { f: { $in: [true, 1, '1'] } }, { f: { x: 1 } }, {});
    // Substrings (LIKE on the key column, a superset finished in JavaScript): case, numbers, booleans held as BLOBs.
    for (const literal of ['a', 'A', 'b', '1', 'tru', 'x', '2.5']) {
      out.push({ f: { $regex: literal } }, { f: { $regex: literal, $options: 'i' } }, { $or: [{ f: { $regex: literal } }, { g: { $regex: literal } }] }, { u: { $regex: literal } });
    }
    return out;
  };

  /** The same filters on an indexed and an unindexed copy: SQL on the key columns must select exactly what JavaScript (MongoDB semantics) does. */
  async function sameAsUnindexed(store: ReadStore): Promise<void> {
    for (const [n, filter] of FILTERS().entries()) {
      const indexed = await store.collection('indexed').find(filter);
      const plain = await store.collection('plain').find(filter);
      expect({ filter, ids: byId(indexed) }).toEqual({ filter, ids: byId(plain) });
      expect({ filter, count: await store.collection('indexed').countDocuments(filter) }).toEqual({ filter, count: plain.length });
      const sorts = [{ f: 1, _id: 1 }, { f: -1, _id: 1 }, { g: 1, f: -1, _id: -1 }] as const;
      for (const sort of [sorts[n % 3]]) {
        for (const limit of [3, 0]) {
          const a = await store.collection('indexed').find(filter, { sort, limit });
          // The reference sorts everything (a streamed page of the unindexed copy orders by json_extract, where a
          // boolean sorts among the numbers: it may miss one that MongoDB puts on the page; the key columns do not).
          const b = (await store.collection('plain').find(filter, { sort })).slice(0, limit || undefined);
          expect({ filter, sort, limit, ids: ids(a) }).toEqual({ filter, sort, limit, ids: ids(b) });
        }
      }
    }
  }

  it.each([
    ['default cache', undefined],
    ['no cache (commits do not know the committed versions)', 0],
  ])('selects exactly what MongoDB semantics select for strings, numbers, booleans, null, missing, objects (%s)', async (_label, cacheBytes) => {
    const store = await EmbeddedReadStore.open({ file: ':memory:', cacheBytes });
    await store.collection('indexed').createIndex({ f: 1 });
    await store.collection('indexed').createIndex({ g: 1, f: -1 });
    await store.collection('indexed').createIndex({ u: 1 }, { unique: true });
    const doc = (i: number, shift: number): Doc => {
      const out: Doc = { _id: `d${String(i).padStart(3, '0')}` };
      const f = VALUES[(i + shift) % VALUES.length];
      const g = VALUES[(i * 7 + shift) % VALUES.length];
      if (f !== undefined) out.f = f;
      if (g !== undefined) out.g = g;
      out.u = i % 10 === 5 ? 5 + i : `u${i}`;
      return out;
    };
    for (let i = 0; i < 80; i++) {
      await store.collection('indexed').insertOne(doc(i, 0));
      await store.collection('plain').insertOne(doc(i, 0));
    }
    await sameAsUnindexed(store);
    // Updates in units: some change the indexed values, some leave them (then only the JSON text is rewritten).
    await store.transaction(async (tx) => {
      for (let i = 0; i < 80; i++) {
        const next = doc(i, i % 3 === 0 ? 0 : 5);
        for (const name of ['indexed', 'plain']) {
          const { _id, ...rest } = next;
          await tx.collection(name).replaceOne({ _id }, { ...rest, round: 1 });
          if (i % 4 === 0) await tx.collection(name).updateOne({ _id }, { $set: { f: 'a' }, $inc: { n: 1 } });
          if (i % 8 === 0) await tx.collection(name).updateOne({ _id }, { $inc: { n: 1 } });
        }
      }
      for (const name of ['indexed', 'plain']) await tx.collection(name).updateOne({ _id: 'new' }, { $set: { f: 2, u: 'new' } }, { upsert: true });
    });
    await sameAsUnindexed(store);
    // An array on an indexed path: the path is multikey from then on, and SQL leaves it to JavaScript.
    for (const name of ['indexed', 'plain']) await store.collection(name).updateOne({ _id: 'd001' }, { $set: { f: [1, 'a', true] } });
    await sameAsUnindexed(store);
    await store.close();
  });

  it('a keyset page (`$or` after the cursor, sorted on an indexed path) walks the index in order instead of sorting what follows', async () => {
    const store = await EmbeddedReadStore.open({ file: ':memory:' });
    const c = store.collection('s');
    await c.createIndex({ name: 1, _id: 1 });
    for (let i = 0; i < 200; i++) await c.insertOne({ _id: `s${String(i).padStart(3, '0')}`, name: `Student ${(i * 37) % 200}` });
    const db = (store as unknown as { db: Database.Database }).db;
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    const after = { $or: [{ name: { $gt: 'Student 150' } }, { name: 'Student 150', _id: { $gt: 's999' } }] };
    const page = await c.find(after, { sort: { name: 1, _id: 1 }, limit: 3 });
    expect(page.map((doc) => doc.name)).toEqual(['Student 151', 'Student 152', 'Student 153']);
    const sql = prepared.find((text) => text.includes('ORDER BY'))!;
    const plan = (prepare(`EXPLAIN QUERY PLAN ${sql}`).all('a', 'a', 'a') as Array<{ detail: string }>).map((row) => row.detail).join('; ');
    expect(plan).not.toMatch(/TEMP B-TREE/);
    await store.close();
  });

  it('a document the unit found missing and a writer outside then created is seen by the unit', async () => {
    const store = await EmbeddedReadStore.open({ file: ':memory:' });
    await store.collection('c').createIndex({ k: 1 });
    await store.transaction(async (tx) => {
      expect(await tx.collection('c').findOne({ _id: 'a' })).toBeNull();
      await store.collection('c').insertOne({ _id: 'a', k: 1 });
      expect(await tx.collection('c').findOne({ _id: 'a' })).toEqual({ _id: 'a', k: 1 });
      await expect(tx.collection('c').insertOne({ _id: 'a', k: 2 })).rejects.toBeInstanceOf(DuplicateKeyError);
      await tx.collection('c').updateOne({ _id: 'a' }, { $set: { k: 3 } });
    });
    expect(await store.collection('c').find({ k: 3 })).toEqual([{ _id: 'a', k: 3 }]);
    expect(await store.collection('c').find({ k: 1 })).toEqual([]);
    await store.close();
  });
});

// A rebuild's switch used to DROP the old tables in its own transaction: with secure_delete every page of the old
// collection was zeroed there and then (0.3 s for the dashboards of 10,000 students, 2.5 s at 100,000), with the
// API stopped. The old table is now renamed aside in the switch and emptied afterwards in short slices.
describe('EmbeddedReadStore: old tables of replaced or dropped collections', () => {
  const tablesOf = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    } finally {
      db.close();
    }
  };
  const fill = async (store: ReadStore, name: string, count: number, tag: string) => {
    await store.collection(name).createIndex({ tag: 1 });
    await store.transaction(async (tx) => {
      for (let i = 0; i < count; i++) await tx.collection(name).insertOne({ _id: `${tag}-${i}`, tag, text: 'x'.repeat(200) });
    });
  };

  it('a switch puts the new collection in place at once and leaves the old documents to be emptied after it', async () => {
    const file = tempFile();
    const store = await EmbeddedReadStore.open({ file });
    await fill(store, 'students', 20_000, 'old');
    await fill(store, 'students__next', 3, 'new');
    await store.replaceCollections([{ from: 'students__next', to: 'students' }]);

    // Readers see the new collection the moment the switch resolves, its index included.
    expect((await store.collection('students').find({}, { sort: { _id: 1 } })).map((d) => d._id)).toEqual(['new-0', 'new-1', 'new-2']);
    expect(await store.collection('students').countDocuments({ tag: 'old' })).toBe(0);
    expect(await store.listCollections()).toEqual(['students']);
    // The old table is still being emptied: 20,000 rows are more than one slice of a few ms deletes.
    expect(store.trashTablesLeft).toBe(1);

    await store.trashEmptied();
    expect(store.trashTablesLeft).toBe(0);
    await store.close();
    expect(tablesOf(file).filter((t) => t.startsWith('c_'))).toEqual(['c_students']);
    expect(tablesOf(file).filter((t) => t.startsWith('trash_'))).toEqual([]);
  });

  it('empties old tables at a fraction of the event loop unless someone waits for it', async () => {
    const file = tempFile();
    const store = await EmbeddedReadStore.open({ file, trashRestMs: 60_000 });
    await fill(store, 'students', 20_000, 'old');
    await fill(store, 'students__next', 1, 'new');
    await store.replaceCollections([{ from: 'students__next', to: 'students' }]);
    // Left alone, one slice runs, then the drain rests (a minute here). Flat out, 20,000 rows take well under a second.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(store.trashTablesLeft).toBe(1);
    // Someone waits (an erasure's purge): no rest until it is done.
    await store.trashEmptied();
    expect(store.trashTablesLeft).toBe(0);
    await store.close();
    expect(tablesOf(file).filter((t) => t.startsWith('trash_'))).toEqual([]);
  });

  it('copies the zeroed pages into the file as it empties, a slice at a time: the WAL never holds them all', async () => {
    const file = tempFile();
    // No automatic checkpoint at all: whatever copies the WAL into the file during the emptying is the emptying's own.
    const store = await EmbeddedReadStore.open({ file, walAutocheckpointPages: 1_000_000 });
    const pages = () => (store as unknown as { db: Database.Database }).db.pragma('page_count', { simple: true }) as number;
    const before = pages();
    await fill(store, 'students', 60_000, 'old');
    const tablePages = pages() - before;
    await fill(store, 'students__next', 1, 'new');
    await store.replaceCollections([{ from: 'students__next', to: 'students' }]);
    (store as unknown as { db: Database.Database }).db.pragma('wal_checkpoint(TRUNCATE)');
    expect(statSync(`${file}-wal`).size).toBe(0);
    await store.trashEmptied();
    // Every page of the old table was zeroed (secure_delete) and went through the WAL; the WAL file grew to one slice's
    // pages at most, not to the table's (without the checkpoints it held them all: about 4 KiB per page).
    const walPages = statSync(`${file}-wal`).size / 4096;
    expect(tablePages).toBeGreaterThan(2000);
    expect(walPages).toBeLessThan(tablePages / 2);
    await store.close();
  });

  it('dropCollection and renameCollection over an existing collection set the old table aside too', async () => {
    const file = tempFile();
    const store = await EmbeddedReadStore.open({ file });
    await fill(store, 'a', 500, 'a');
    await fill(store, 'b', 500, 'b');
    await fill(store, 'c', 5, 'c');
    await store.dropCollection('a');
    await store.renameCollection('c', 'b');
    expect(await store.collection('a').countDocuments({})).toBe(0);
    expect(await store.collection('b').countDocuments({ tag: 'c' })).toBe(5);
    expect(await store.collection('b').countDocuments({ tag: 'b' })).toBe(0);
    await store.trashEmptied();
    await store.close();
    expect(tablesOf(file).filter((t) => !t.startsWith('c_') && t !== 'checkpoints' && t !== 'collections')).toEqual([]);
  });

  it('an old table left by a process that stopped before emptying it is emptied after the next start', async () => {
    const file = tempFile();
    const store = await EmbeddedReadStore.open({ file });
    await fill(store, 'students', 20_000, 'old');
    await fill(store, 'students__next', 1, 'new');
    await store.replaceCollections([{ from: 'students__next', to: 'students' }]);
    await store.close(); // before the old table is emptied
    expect(tablesOf(file).filter((t) => t.startsWith('trash_'))).toHaveLength(1);

    const reopened = await EmbeddedReadStore.open({ file });
    expect(reopened.trashTablesLeft).toBe(1);
    expect(await reopened.collection('students').find({})).toEqual([{ _id: 'new-0', tag: 'new', text: 'x'.repeat(200) }]);
    await reopened.trashEmptied();
    await reopened.close();
    expect(tablesOf(file).filter((t) => t.startsWith('trash_'))).toEqual([]);
  });

  it('purgeFreedPages (after an erasure) empties the old tables first: no old document stays in the file', async () => {
    const file = tempFile();
    const store = await EmbeddedReadStore.open({ file });
    await store.collection('people').insertOne({ _id: 'p1', name: 'Zanzibar Quetzalcoatl' });
    await store.collection('people__next').insertOne({ _id: 'p1', name: '[erased]' });
    await store.replaceCollections([{ from: 'people__next', to: 'people' }]);
    await store.purgeFreedPages();
    await store.close();
    const bytes = Buffer.concat([file, `${file}-wal`].filter(existsSync).map((f) => require('node:fs').readFileSync(f) as Buffer));
    expect(bytes.includes(Buffer.from('Zanzibar Quetzalcoatl'))).toBe(false);
  });
});
