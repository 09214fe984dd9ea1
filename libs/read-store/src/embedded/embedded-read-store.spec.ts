import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStoreContract } from '../read-store.contract';
import { DuplicateKeyError, ReadStoreUnavailableError } from '../read-store.port';
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
