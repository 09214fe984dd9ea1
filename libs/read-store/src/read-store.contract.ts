// The behaviour every ReadStore adapter must show, with the documents MongoDB itself returns. Collection
// and checkpoint names carry a random per-run prefix (and each test has its own collections), so the
// suite also runs against a shared MongoDB server and cleans up after itself.
import { randomUUID } from 'node:crypto';
import { DuplicateKeyError, type Doc, type ReadStore, type ReadStoreTransaction } from './read-store.port';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PEOPLE: Doc[] = [
  { _id: 'p1', name: 'Ada', group: 'a', score: 10, tags: ['math', 'logic'], address: { city: 'London', zip: 'N1' }, active: true },
  { _id: 'p2', name: 'Bob', group: 'b', score: 20, tags: ['art'], address: { city: 'Paris', zip: '75001' }, active: false },
  { _id: 'p3', name: 'Cyd', group: 'a', score: 30, tags: ['math'], address: { city: 'Paris', zip: '75002' }, active: true },
  { _id: 'p4', name: 'Dee', group: 'b', score: 20, tags: [], address: { city: 'Berlin', zip: '10115' }, active: true },
];
const [P1, P2, P3, P4] = PEOPLE;

/** Leaves out `fields` from a fixture (what an exclusion projection returns). */
function without(doc: Doc, ...fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc };
  for (const field of fields) delete out[field];
  return out;
}

/**
 * Registers the ReadStore contract suite for one adapter. `makeStore` is called once for the suite;
 * the store is closed at the end.
 */
export function readStoreContract(name: string, makeStore: () => Promise<ReadStore>): void {
  describe(`ReadStore contract: ${name}`, () => {
    const prefix = `rs${randomUUID().slice(0, 8)}_`;
    let store: ReadStore;
    let seq = 0;
    const checkpointNames: string[] = [];

    /** A collection name of this run, unique to the calling test. */
    const fresh = (base: string) => `${prefix}${++seq}_${base}`;
    const checkpointName = (base: string) => {
      const cp = `${prefix}${++seq}_${base}`;
      checkpointNames.push(cp);
      return cp;
    };

    /** A new collection holding the four people. */
    async function people(base = 'people') {
      const collectionName = fresh(base);
      const collection = store.collection(collectionName);
      for (const person of PEOPLE) await collection.insertOne(structuredClone(person));
      return Object.assign(collection, { collectionName });
    }

    beforeAll(async () => {
      store = await makeStore();
    });

    afterAll(async () => {
      if (!store) return;
      for (const collection of await store.listCollections()) {
        if (collection.startsWith(prefix)) await store.dropCollection(collection);
      }
      for (const cp of checkpointNames) await store.deleteCheckpoint(cp);
      await store.close();
    });

    describe('find', () => {
      it('filters by equality', async () => {
        const c = await people();
        expect(await c.find({ group: 'a' }, { sort: { _id: 1 } })).toEqual([P1, P3]);
        expect(await c.find({ group: 'a', active: true, score: 30 })).toEqual([P3]);
        expect(await c.find({ group: 'zzz' })).toEqual([]);
      });

      it('finds by _id, alone or with other conditions', async () => {
        const c = await people();
        expect(await c.find({ _id: 'p2' })).toEqual([P2]);
        expect(await c.find({ _id: { $eq: 'p2' } })).toEqual([P2]);
        expect(await c.find({ _id: 'missing' })).toEqual([]);
        expect(await c.find({ _id: 'p2', group: 'a' })).toEqual([]);
        expect(await c.find({ _id: { $in: ['p3', 'p1', 'p2', 'nope'] }, active: true }, { sort: { _id: 1 } })).toEqual([P1, P3]);
      });

      it('filters with $in, $gt/$lt and $or', async () => {
        const c = await people();
        expect(await c.find({ name: { $in: ['Bob', 'Dee', 'Zed'] } }, { sort: { _id: 1 } })).toEqual([P2, P4]);
        expect(await c.find({ score: { $gt: 10, $lt: 30 } }, { sort: { _id: 1 } })).toEqual([P2, P4]);
        expect(await c.find({ score: { $gte: 30 } })).toEqual([P3]);
        expect(await c.find({ $or: [{ group: 'b', active: true }, { score: 30 }] }, { sort: { _id: 1 } })).toEqual([P3, P4]);
      });

      it('filters on dotted paths and on array contents', async () => {
        const c = await people();
        expect(await c.find({ 'address.city': 'Paris' }, { sort: { _id: 1 } })).toEqual([P2, P3]);
        expect(await c.find({ tags: 'math' }, { sort: { _id: 1 } })).toEqual([P1, P3]);
        expect(await c.find({ tags: { $size: 0 } })).toEqual([P4]);
      });

      it('sorts on several keys, then skips and limits', async () => {
        const c = await people();
        expect(await c.find({}, { sort: { score: -1, name: 1 } })).toEqual([P3, P2, P4, P1]);
        expect(await c.find({}, { sort: { group: 1, score: -1, _id: 1 } })).toEqual([P3, P1, P2, P4]);
        expect(await c.find({}, { sort: { _id: 1 }, skip: 1, limit: 2 })).toEqual([P2, P3]);
        expect(await c.find({}, { sort: { _id: 1 }, skip: 3 })).toEqual([P4]);
        expect(await c.find({}, { sort: { _id: -1 }, limit: 1 })).toEqual([P4]);
      });

      it('projects with inclusion (dotted too) and exclusion', async () => {
        const c = await people();
        expect(await c.find({ group: 'a' }, { sort: { _id: 1 }, projection: { name: 1, 'address.city': 1 } })).toEqual([
          { _id: 'p1', name: 'Ada', address: { city: 'London' } },
          { _id: 'p3', name: 'Cyd', address: { city: 'Paris' } },
        ]);
        expect(await c.find({ group: 'b' }, { sort: { _id: 1 }, projection: { _id: 0, name: 1 } })).toEqual([{ name: 'Bob' }, { name: 'Dee' }]);
        expect(await c.find({ group: 'b' }, { sort: { _id: 1 }, projection: { tags: 0, address: 0 } })).toEqual([
          without(P2, 'tags', 'address'),
          without(P4, 'tags', 'address'),
        ]);
        // Sorting uses fields the projection leaves out.
        expect(await c.find({}, { sort: { score: 1, _id: 1 }, limit: 2, projection: { name: 1 } })).toEqual([
          { _id: 'p1', name: 'Ada' },
          { _id: 'p2', name: 'Bob' },
        ]);
      });

      it('returns copies: changing a result or an inserted object does not change the store', async () => {
        const collectionName = fresh('copies');
        const c = store.collection(collectionName);
        const original = structuredClone(P1);
        await c.insertOne(original);
        original.name = 'changed after insert';
        (original.tags as string[]).push('changed');
        const [found] = await c.find({ _id: 'p1' });
        found.name = 'changed result';
        (found.address as Record<string, unknown>).city = 'Nowhere';
        const one = await c.findOne({ _id: 'p1' });
        (one!.tags as string[]).length = 0;
        expect(await c.find({})).toEqual([P1]);
        const [aggregated] = await c.aggregate<Doc>([{ $match: { _id: 'p1' } }]);
        (aggregated.tags as string[]).push('x');
        expect(await c.findOne({ _id: 'p1' })).toEqual(P1);
      });

      it('stores undefined as null, as the MongoDB driver does by default', async () => {
        const c = store.collection(fresh('undefined'));
        await c.insertOne({ _id: 'u', a: undefined, nested: { b: undefined }, list: [1, undefined] });
        await c.updateOne({ _id: 'u' }, { $set: { c: undefined } });
        expect(await c.findOne({ _id: 'u' })).toEqual({ _id: 'u', a: null, nested: { b: null }, list: [1, null], c: null });
        expect(await c.countDocuments({ a: null })).toBe(1);
        expect(await c.countDocuments({ missing: null })).toBe(1);
      });

      it('finds nothing in a collection that does not exist', async () => {
        const c = store.collection(fresh('missing'));
        expect(await c.find({})).toEqual([]);
        expect(await c.findOne({ _id: 'x' })).toBeNull();
        expect(await c.countDocuments()).toBe(0);
      });
    });

    describe('findOne and countDocuments', () => {
      it('findOne returns the first document in sort order, projected, or null', async () => {
        const c = await people();
        expect(await c.findOne({ _id: 'p3' })).toEqual(P3);
        expect(await c.findOne({ group: 'b' }, { sort: { score: -1, _id: -1 } })).toEqual(P4);
        expect(await c.findOne({ group: 'a' }, { sort: { score: 1 }, skip: 1, projection: { name: 1, score: 1 } })).toEqual({
          _id: 'p3',
          name: 'Cyd',
          score: 30,
        });
        expect(await c.findOne({ group: 'zzz' })).toBeNull();
      });

      it('countDocuments counts matches', async () => {
        const c = await people();
        expect(await c.countDocuments()).toBe(4);
        expect(await c.countDocuments({})).toBe(4);
        expect(await c.countDocuments({ active: true })).toBe(3);
        expect(await c.countDocuments({ 'address.city': 'Paris', score: { $gt: 20 } })).toBe(1);
        expect(await c.countDocuments({ _id: 'p4' })).toBe(1);
      });
    });

    describe('insertOne and replaceOne', () => {
      it('insertOne rejects a duplicate _id with DuplicateKeyError and keeps the first document', async () => {
        const c = await people();
        await expect(c.insertOne({ _id: 'p1', name: 'Other' })).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await c.findOne({ _id: 'p1' })).toEqual(P1);
        expect(await c.countDocuments()).toBe(4);
      });

      it('replaceOne replaces the whole document and reports MongoDB counts', async () => {
        const c = await people();
        expect(await c.replaceOne({ _id: 'p2' }, { _id: 'p2', name: 'Bobby', group: 'c' })).toEqual({
          matchedCount: 1,
          modifiedCount: 1,
          upsertedId: null,
        });
        expect(await c.findOne({ _id: 'p2' })).toEqual({ _id: 'p2', name: 'Bobby', group: 'c' });
        // Matched by another field; the replacement may repeat the _id.
        expect(await c.replaceOne({ name: 'Cyd' }, { _id: 'p3', name: 'Cyd', group: 'z' })).toEqual({
          matchedCount: 1,
          modifiedCount: 1,
          upsertedId: null,
        });
        expect(await c.findOne({ _id: 'p3' })).toEqual({ _id: 'p3', name: 'Cyd', group: 'z' });
        // Replacing with an identical document modifies nothing.
        expect(await c.replaceOne({ _id: 'p1' }, structuredClone(P1))).toEqual({ matchedCount: 1, modifiedCount: 0, upsertedId: null });
        expect(await c.replaceOne({ _id: 'nope' }, { _id: 'nope', name: 'X' })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
        expect(await c.countDocuments()).toBe(4);
      });

      it('replaceOne with upsert inserts the replacement when nothing matches', async () => {
        const c = await people();
        expect(await c.replaceOne({ _id: 'p9' }, { _id: 'p9', name: 'Nia' }, { upsert: true })).toEqual({
          matchedCount: 0,
          modifiedCount: 0,
          upsertedId: 'p9',
        });
        expect(await c.findOne({ _id: 'p9' })).toEqual({ _id: 'p9', name: 'Nia' });
        expect(await c.replaceOne({ _id: 'p9' }, { _id: 'p9', name: 'Nia 2' }, { upsert: true })).toEqual({
          matchedCount: 1,
          modifiedCount: 1,
          upsertedId: null,
        });
        expect(await c.findOne({ _id: 'p9' })).toEqual({ _id: 'p9', name: 'Nia 2' });
      });
    });

    describe('update operators (updateOne)', () => {
      it('$set sets top-level and dotted fields; setting equal values modifies nothing', async () => {
        const c = await people();
        expect(await c.updateOne({ _id: 'p1' }, { $set: { name: 'Ada L.', 'address.zip': 'N2', 'stats.logins': 1 } })).toEqual({
          matchedCount: 1,
          modifiedCount: 1,
          upsertedId: null,
        });
        const expected = { ...P1, name: 'Ada L.', address: { city: 'London', zip: 'N2' }, stats: { logins: 1 } };
        expect(await c.findOne({ _id: 'p1' })).toEqual(expected);
        expect(await c.updateOne({ _id: 'p1' }, { $set: { name: 'Ada L.', 'address.city': 'London' } })).toEqual({
          matchedCount: 1,
          modifiedCount: 0,
          upsertedId: null,
        });
        expect(await c.findOne({ _id: 'p1' })).toEqual(expected);
      });

      it('$inc adds to numbers and creates missing fields', async () => {
        const c = await people();
        expect(await c.updateOne({ _id: 'p2' }, { $inc: { score: 5, visits: 1, 'stats.total': -2 } })).toEqual({
          matchedCount: 1,
          modifiedCount: 1,
          upsertedId: null,
        });
        expect(await c.findOne({ _id: 'p2' })).toEqual({ ...P2, score: 25, visits: 1, stats: { total: -2 } });
      });

      it('$push appends (also with $each) and creates the array', async () => {
        const c = await people();
        await c.updateOne({ _id: 'p1' }, { $push: { tags: 'history' } });
        await c.updateOne({ _id: 'p1' }, { $push: { tags: { $each: ['art', 'math'] } } });
        await c.updateOne({ _id: 'p1' }, { $push: { events: { at: 1, what: 'joined' } } });
        expect(await c.findOne({ _id: 'p1' })).toEqual({
          ...P1,
          tags: ['math', 'logic', 'history', 'art', 'math'],
          events: [{ at: 1, what: 'joined' }],
        });
      });

      it('$addToSet adds only missing values', async () => {
        const c = await people();
        expect(await c.updateOne({ _id: 'p1' }, { $addToSet: { tags: 'math' } })).toEqual({ matchedCount: 1, modifiedCount: 0, upsertedId: null });
        expect(await c.updateOne({ _id: 'p1' }, { $addToSet: { tags: 'chess' } })).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
        expect(await c.updateOne({ _id: 'p1' }, { $addToSet: { tags: 'chess' } })).toEqual({ matchedCount: 1, modifiedCount: 0, upsertedId: null });
        expect(await c.findOne({ _id: 'p1' })).toEqual({ ...P1, tags: ['math', 'logic', 'chess'] });
      });

      it('$pull removes matching values (by value or condition)', async () => {
        const c = await people();
        await c.updateOne({ _id: 'p1' }, { $set: { marks: [3, 5, 8, 1] } });
        expect(await c.updateOne({ _id: 'p1' }, { $pull: { tags: 'math', marks: { $gte: 5 } } })).toEqual({
          matchedCount: 1,
          modifiedCount: 1,
          upsertedId: null,
        });
        expect(await c.findOne({ _id: 'p1' })).toEqual({ ...P1, tags: ['logic'], marks: [3, 1] });
        expect(await c.updateOne({ _id: 'p1' }, { $pull: { tags: 'absent' } })).toEqual({ matchedCount: 1, modifiedCount: 0, upsertedId: null });
      });

      it('$unset removes fields; unsetting a missing field modifies nothing', async () => {
        const c = await people();
        expect(await c.updateOne({ _id: 'p1' }, { $unset: { address: '', active: '' } })).toEqual({
          matchedCount: 1,
          modifiedCount: 1,
          upsertedId: null,
        });
        expect(await c.findOne({ _id: 'p1' })).toEqual(without(P1, 'address', 'active'));
        expect(await c.updateOne({ _id: 'p1' }, { $unset: { nickname: '' } })).toEqual({ matchedCount: 1, modifiedCount: 0, upsertedId: null });
      });

      it('applies several operators at once, to the first matching document only', async () => {
        const c = await people();
        expect(await c.updateOne({ _id: 'p4' }, { $set: { active: false }, $inc: { score: 1 }, $push: { tags: 'new' }, $unset: { address: '' } })).toEqual({
          matchedCount: 1,
          modifiedCount: 1,
          upsertedId: null,
        });
        expect(await c.findOne({ _id: 'p4' })).toEqual({ _id: 'p4', name: 'Dee', group: 'b', score: 21, tags: ['new'], active: false });
        expect(await c.updateOne({ group: 'a' }, { $set: { flagged: true } })).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
        expect(await c.countDocuments({ flagged: true })).toBe(1);
        expect(await c.updateOne({ group: 'zzz' }, { $set: { flagged: true } })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
      });
    });

    describe('upserts', () => {
      it('$setOnInsert applies on insert only', async () => {
        const c = store.collection(fresh('upsert'));
        const update = (name: string) => ({ $set: { name }, $setOnInsert: { createdAt: '2026-01-01', visits: 0 } });
        expect(await c.updateOne({ _id: 'n1' }, update('Nell'), { upsert: true })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: 'n1' });
        expect(await c.findOne({ _id: 'n1' })).toEqual({ _id: 'n1', name: 'Nell', createdAt: '2026-01-01', visits: 0 });
        await c.updateOne({ _id: 'n1' }, { $inc: { visits: 3 } });
        expect(await c.updateOne({ _id: 'n1' }, update('Nell'), { upsert: true })).toEqual({ matchedCount: 1, modifiedCount: 0, upsertedId: null });
        expect(await c.updateOne({ _id: 'n1' }, update('Nora'), { upsert: true })).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
        expect(await c.findOne({ _id: 'n1' })).toEqual({ _id: 'n1', name: 'Nora', createdAt: '2026-01-01', visits: 3 });
        expect(await c.updateOne({ _id: 'n1' }, { $setOnInsert: { createdAt: '2030-01-01' } }, { upsert: true })).toEqual({
          matchedCount: 1,
          modifiedCount: 0,
          upsertedId: null,
        });
      });

      it('builds the inserted document from the filter equality fields', async () => {
        const c = store.collection(fresh('upsert'));
        const filter = { _id: 'u1', kind: 'mentor', 'profile.level': 2, status: { $eq: 'active' }, age: { $gt: 5 } };
        expect(await c.updateOne(filter, { $set: { name: 'Uma' }, $inc: { count: 1 }, $push: { log: 'created' } }, { upsert: true })).toEqual({
          matchedCount: 0,
          modifiedCount: 0,
          upsertedId: 'u1',
        });
        expect(await c.findOne({ _id: 'u1' })).toEqual({
          _id: 'u1',
          kind: 'mentor',
          profile: { level: 2 },
          status: 'active',
          name: 'Uma',
          count: 1,
          log: ['created'],
        });
      });

      it('gives a string _id when the filter has none', async () => {
        const c = store.collection(fresh('upsert'));
        const result = await c.updateOne({ email: 'x@example.org' }, { $set: { name: 'Xan' } }, { upsert: true });
        expect(result).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: expect.any(String) });
        expect(await c.find({})).toEqual([{ _id: result.upsertedId, email: 'x@example.org', name: 'Xan' }]);
        const replaced = await c.replaceOne({ email: 'y@example.org' }, { email: 'y@example.org', name: 'Yul' } as unknown as Doc, { upsert: true });
        expect(replaced).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: expect.any(String) });
        expect(await c.findOne({ email: 'y@example.org' })).toEqual({ _id: replaced.upsertedId, email: 'y@example.org', name: 'Yul' });
      });
    });

    describe('updateMany and deletes', () => {
      it('updateMany reports matched and modified counts separately', async () => {
        const c = await people();
        expect(await c.updateMany({ group: 'b' }, { $set: { active: true } })).toEqual({ matchedCount: 2, modifiedCount: 1, upsertedId: null });
        expect(await c.find({ group: 'b' }, { sort: { _id: 1 } })).toEqual([{ ...P2, active: true }, P4]);
        expect(await c.updateMany({}, { $inc: { score: 1 } })).toEqual({ matchedCount: 4, modifiedCount: 4, upsertedId: null });
        expect((await c.find({}, { sort: { _id: 1 } })).map((doc) => doc.score)).toEqual([11, 21, 31, 21]);
        expect(await c.updateMany({ group: 'zzz' }, { $set: { x: 1 } })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: null });
      });

      it('updateMany with upsert inserts one document when nothing matches', async () => {
        const c = await people();
        expect(await c.updateMany({ _id: 'm1', group: 'm' }, { $set: { x: 1 } }, { upsert: true })).toEqual({
          matchedCount: 0,
          modifiedCount: 0,
          upsertedId: 'm1',
        });
        expect(await c.findOne({ _id: 'm1' })).toEqual({ _id: 'm1', group: 'm', x: 1 });
        expect(await c.updateMany({ group: 'a' }, { $set: { x: 1 } }, { upsert: true })).toEqual({ matchedCount: 2, modifiedCount: 2, upsertedId: null });
      });

      it('deleteOne deletes at most one document; deleteMany all matches', async () => {
        const c = await people();
        expect(await c.deleteOne({ group: 'a' })).toEqual({ deletedCount: 1 });
        expect(await c.countDocuments({ group: 'a' })).toBe(1);
        expect(await c.deleteOne({ _id: 'nope' })).toEqual({ deletedCount: 0 });
        expect(await c.deleteOne({ _id: 'p2' })).toEqual({ deletedCount: 1 });
        expect(await c.deleteMany({ group: 'b' })).toEqual({ deletedCount: 1 });
        expect(await c.find({})).toHaveLength(1);
        expect(await c.deleteMany()).toEqual({ deletedCount: 1 });
        expect(await c.countDocuments()).toBe(0);
        expect(await store.collection(fresh('missing')).deleteMany({})).toEqual({ deletedCount: 0 });
      });
    });

    describe('aggregate', () => {
      it('$match, $group ($sum, $avg, $max, $push) and $sort', async () => {
        const c = await people();
        const groups = await c.aggregate<{ _id: string; names: string[] }>([
          { $match: { active: true } },
          { $sort: { _id: 1 } },
          {
            $group: {
              _id: '$group',
              count: { $sum: 1 },
              total: { $sum: '$score' },
              avg: { $avg: '$score' },
              max: { $max: '$score' },
              names: { $push: '$name' },
            },
          },
          { $sort: { _id: 1 } },
        ]);
        // $push keeps input order on one server, but MongoDB does not promise it: compare as sets.
        for (const group of groups) group.names.sort();
        expect(groups).toEqual([
          { _id: 'a', count: 2, total: 40, avg: 20, max: 30, names: ['Ada', 'Cyd'] },
          { _id: 'b', count: 1, total: 20, avg: 20, max: 20, names: ['Dee'] },
        ]);
      });

      it('$project (with a computed field) and $limit', async () => {
        const c = await people();
        expect(
          await c.aggregate([{ $sort: { score: -1, _id: 1 } }, { $project: { _id: 0, name: 1, city: '$address.city' } }, { $limit: 2 }]),
        ).toEqual([
          { name: 'Cyd', city: 'Paris' },
          { name: 'Bob', city: 'Paris' },
        ]);
      });

      it('$count, and no document when nothing is counted', async () => {
        const c = await people();
        expect(await c.aggregate([{ $match: { 'address.city': 'Paris' } }, { $count: 'n' }])).toEqual([{ n: 2 }]);
        expect(await c.aggregate([{ $match: { 'address.city': 'Rome' } }, { $count: 'n' }])).toEqual([]);
        expect(await c.aggregate([{ $count: 'all' }])).toEqual([{ all: 4 }]);
        expect(await store.collection(fresh('missing')).aggregate([{ $count: 'n' }])).toEqual([]);
      });
    });

    describe('indexes', () => {
      it('createIndex returns MongoDB index names and is idempotent', async () => {
        const c = store.collection(fresh('indexed'));
        expect(await c.createIndex({ group: 1, score: -1 })).toBe('group_1_score_-1');
        expect(await c.createIndex({ group: 1, score: -1 })).toBe('group_1_score_-1');
        expect(await c.createIndex({ code: 1 }, { unique: true, name: 'by_code' })).toBe('by_code');
        // A non-unique index allows equal values.
        await c.insertOne({ _id: 'a', group: 'g', score: 1, code: 'A' });
        await c.insertOne({ _id: 'b', group: 'g', score: 1, code: 'B' });
        expect(await c.countDocuments({ group: 'g' })).toBe(2);
      });

      it('a unique index rejects duplicates from insert, update, upsert and replace', async () => {
        const c = store.collection(fresh('unique'));
        expect(await c.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
        await c.insertOne({ _id: 'a', email: 'a@x' });
        await c.insertOne({ _id: 'b', email: 'b@x' });
        await expect(c.insertOne({ _id: 'c', email: 'a@x' })).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(c.updateOne({ _id: 'b' }, { $set: { email: 'a@x' } })).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(c.updateOne({ _id: 'c' }, { $set: { email: 'a@x' } }, { upsert: true })).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(c.replaceOne({ _id: 'b' }, { _id: 'b', email: 'a@x' })).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await c.find({}, { sort: { _id: 1 } })).toEqual([
          { _id: 'a', email: 'a@x' },
          { _id: 'b', email: 'b@x' },
        ]);
        // The value is free again once its holder changes.
        await c.updateOne({ _id: 'a' }, { $set: { email: 'a2@x' } });
        await c.insertOne({ _id: 'c', email: 'a@x' });
        // A missing field indexes as null: only one document may lack it.
        await c.insertOne({ _id: 'd' });
        await expect(c.insertOne({ _id: 'e' })).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await c.countDocuments()).toBe(4);
      });

      it('building a unique index over duplicates fails with DuplicateKeyError', async () => {
        const c = await people();
        await expect(c.createIndex({ group: 1 }, { unique: true })).rejects.toBeInstanceOf(DuplicateKeyError);
        // The index was not created: duplicates are still accepted.
        await c.insertOne({ _id: 'p5', group: 'a' });
        expect(await c.countDocuments({ group: 'a' })).toBe(3);
      });
    });

    describe('transactions', () => {
      it('commits documents and checkpoint together; the unit reads its own writes', async () => {
        const name = fresh('tx');
        const cp = checkpointName('tx');
        await store.collection(name).insertOne({ _id: 'existing', n: 0 });
        const result = await store.transaction(async (tx) => {
          const c = tx.collection(name);
          await c.insertOne({ _id: 't1', n: 1 });
          await c.updateOne({ _id: 't1' }, { $inc: { n: 1 } });
          await c.updateOne({ _id: 't2' }, { $set: { n: 5 } }, { upsert: true });
          await c.deleteOne({ _id: 'existing' });
          expect(await c.findOne({ _id: 't1' })).toEqual({ _id: 't1', n: 2 });
          expect(await c.countDocuments()).toBe(2);
          await tx.setCheckpoint(cp, '42');
          return 'done';
        });
        expect(result).toBe('done');
        expect(await store.collection(name).find({}, { sort: { _id: 1 } })).toEqual([
          { _id: 't1', n: 2 },
          { _id: 't2', n: 5 },
        ]);
        expect(await store.getCheckpoint(cp)).toEqual({ name: cp, position: '42', updatedAt: expect.stringMatching(ISO_INSTANT) });
      });

      it('rolls back documents and checkpoint when the unit throws', async () => {
        const name = fresh('tx');
        const cp = checkpointName('tx');
        const c = store.collection(name);
        await c.insertOne({ _id: 'r1', n: 1, tags: ['a'] });
        await c.insertOne({ _id: 'r2', n: 2 });
        await store.setCheckpoint(cp, '10');
        const before = await store.getCheckpoint(cp);
        await expect(
          store.transaction(async (tx) => {
            const t = tx.collection(name);
            await t.updateOne({ _id: 'r1' }, { $inc: { n: 98 }, $push: { tags: 'b' } });
            await t.insertOne({ _id: 'r3', n: 3 });
            await t.deleteOne({ _id: 'r2' });
            await t.updateOne({ _id: 'r4' }, { $set: { n: 4 } }, { upsert: true });
            await tx.setCheckpoint(cp, '20');
            expect(await t.countDocuments()).toBe(3);
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await c.find({}, { sort: { _id: 1 } })).toEqual([
          { _id: 'r1', n: 1, tags: ['a'] },
          { _id: 'r2', n: 2 },
        ]);
        expect(await store.getCheckpoint(cp)).toEqual(before);
      });

      it('a duplicate key inside a unit rejects the unit with DuplicateKeyError and writes nothing', async () => {
        const name = fresh('tx');
        await expect(
          store.transaction(async (tx) => {
            await tx.collection(name).insertOne({ _id: 'd1' });
            await tx.collection(name).insertOne({ _id: 'd1' });
          }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await store.collection(name).find({})).toEqual([]);
      });

      it('runs concurrent units of work each atomically (in no promised order); a failed unit does not block the others', async () => {
        const name = fresh('tx');
        const unit = (id: string, fail = false) =>
          store.transaction(async (tx) => {
            await tx.collection(name).insertOne({ _id: `${id}1` });
            await sleep(20);
            await tx.collection(name).insertOne({ _id: `${id}2` });
            if (fail) throw new Error(`fail ${id}`);
            return id;
          });
        const results = await Promise.allSettled([unit('a'), unit('b', true), unit('c')]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await store.collection(name).find({}, { sort: { _id: 1 } })).toEqual([{ _id: 'a1' }, { _id: 'a2' }, { _id: 'c1' }, { _id: 'c2' }]);
      });

      it('isolates a unit: its writes are seen outside only once it has committed', async () => {
        const name = fresh('tx');
        const cp = checkpointName('tx');
        const outside = store.collection(name);
        await store.transaction(async (tx) => {
          await tx.collection(name).insertOne({ _id: 'i1' });
          await tx.setCheckpoint(cp, '7');
          expect(await outside.findOne({ _id: 'i1' })).toBeNull();
          expect(await store.getCheckpoint(cp)).toBeNull();
        });
        expect(await outside.findOne({ _id: 'i1' })).toEqual({ _id: 'i1' });
        expect((await store.getCheckpoint(cp))?.position).toBe('7');
      });

      it('concurrent units writing the same document: each commits all its writes once, or rejects with a transient error and writes nothing', async () => {
        const name = fresh('tx');
        await store.collection(name).insertOne({ _id: 'counter', n: 0 });
        const unit = (id: string) =>
          store.transaction(async (tx) => {
            const c = tx.collection(name);
            await c.insertOne({ _id: id });
            await c.updateOne({ _id: 'counter' }, { $inc: { n: 1 } });
            await sleep(5);
          });
        const ids = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
        const results = await Promise.allSettled(ids.map(unit));
        const committed = ids.filter((_, i) => results[i].status === 'fulfilled');
        for (const r of results) {
          // What a subscriber treats as transient (it resubscribes from its checkpoint).
          if (r.status === 'rejected') expect(['write_conflict', 'read_store_unavailable']).toContain((r.reason as { code?: string }).code);
        }
        expect(committed.length).toBeGreaterThan(0);
        expect(await store.collection(name).find({ _id: { $ne: 'counter' } }, { sort: { _id: 1 } })).toEqual(committed.map((_id) => ({ _id })));
        expect(await store.collection(name).findOne({ _id: 'counter' })).toEqual({ _id: 'counter', n: committed.length });
      });

      it('a unit handle cannot write once its unit has finished', async () => {
        const name = fresh('tx');
        let leaked: ReadStoreTransaction | undefined;
        await store.transaction(async (tx) => {
          leaked = tx;
        });
        await expect(leaked!.collection(name).insertOne({ _id: 'late' })).rejects.toThrow();
        expect(await store.collection(name).countDocuments()).toBe(0);
      });
    });

    describe('compare-and-set (what subscriber leases rely on)', () => {
      const EXPIRED = '2000-01-01T00:00:00.000Z';

      it('of concurrent updates conditioned on the same values, exactly one matches', async () => {
        const c = store.collection(fresh('cas'));
        await c.insertOne({ _id: 'lease', owner: 'a', token: 1, expiresAt: EXPIRED });
        const contenders = ['b', 'c', 'd', 'e'];
        const results = await Promise.all(
          contenders.map((owner) => c.updateOne({ _id: 'lease', owner: 'a', token: 1, expiresAt: EXPIRED }, { $set: { owner, token: 2 } })),
        );
        expect(results.map((r) => r.matchedCount).sort()).toEqual([0, 0, 0, 1]);
        const winner = contenders[results.findIndex((r) => r.matchedCount === 1)];
        expect(await c.findOne({ _id: 'lease' })).toEqual({ _id: 'lease', owner: winner, token: 2, expiresAt: EXPIRED });
        // Of concurrent inserts of the same _id, one succeeds, the others are refused.
        const inserts = await Promise.allSettled(contenders.map((owner) => c.insertOne({ _id: 'other', owner })));
        expect(inserts.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of inserts) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DuplicateKeyError);
      });

      it('a unit of work whose conditional update matches nothing can refuse to commit its writes and checkpoint (fencing)', async () => {
        const leasesName = fresh('cas');
        const name = fresh('fenced');
        const cp = checkpointName('fenced');
        await store.collection(leasesName).insertOne({ _id: 'lease', owner: 'a', token: 1, commits: 0 });
        const fencedUnit = (owner: string, token: number, write: string) =>
          store.transaction(async (tx) => {
            await tx.collection(name).insertOne({ _id: write });
            await tx.setCheckpoint(cp, write);
            const result = await tx.collection(leasesName).updateOne({ _id: 'lease', owner, token }, { $inc: { commits: 1 } });
            if (result.matchedCount !== 1) throw new Error('lease lost');
          });
        await fencedUnit('a', 1, 'a1');
        // Taken over: the old owner's unit commits nothing, the new owner's commits.
        expect((await store.collection(leasesName).updateOne({ _id: 'lease', owner: 'a', token: 1 }, { $set: { owner: 'b', token: 2, commits: 0 } })).matchedCount).toBe(1);
        await expect(fencedUnit('a', 1, 'a1-late')).rejects.toThrow('lease lost');
        expect((await store.getCheckpoint(cp))?.position).toBe('a1');
        await fencedUnit('b', 2, 'b2');
        expect(await store.collection(name).find({}, { sort: { _id: 1 } })).toEqual([{ _id: 'a1' }, { _id: 'b2' }]);
        expect((await store.getCheckpoint(cp))?.position).toBe('b2');
        expect(await store.collection(leasesName).findOne({ _id: 'lease' })).toEqual({ _id: 'lease', owner: 'b', token: 2, commits: 1 });
      });
    });

    describe('checkpoints', () => {
      it('get, set, overwrite and delete', async () => {
        const cp = checkpointName('cp');
        expect(await store.getCheckpoint(cp)).toBeNull();
        await store.setCheckpoint(cp, '1/1');
        const first = await store.getCheckpoint(cp);
        expect(first).toEqual({ name: cp, position: '1/1', updatedAt: expect.stringMatching(ISO_INSTANT) });
        await store.setCheckpoint(cp, '7/7');
        expect(await store.getCheckpoint(cp)).toEqual({ name: cp, position: '7/7', updatedAt: expect.stringMatching(ISO_INSTANT) });
        await store.deleteCheckpoint(cp);
        expect(await store.getCheckpoint(cp)).toBeNull();
        await expect(store.deleteCheckpoint(cp)).resolves.toBeUndefined();
      });
    });

    describe('collections', () => {
      it('listCollections lists collections with documents or indexes', async () => {
        const withDocs = fresh('listed');
        const withIndex = fresh('listed');
        await store.collection(withDocs).insertOne({ _id: 'x' });
        await store.collection(withIndex).createIndex({ a: 1 });
        const mine = (await store.listCollections()).filter((n) => n === withDocs || n === withIndex);
        expect(mine).toEqual([withDocs, withIndex].sort());
      });

      it('renameCollection replaces the target, indexes included', async () => {
        const from = fresh('blue');
        const to = fresh('green');
        const source = store.collection(from);
        await source.createIndex({ email: 1 }, { unique: true });
        await source.insertOne({ _id: 'n1', email: 'a@x' });
        await source.insertOne({ _id: 'n2', email: 'b@x' });
        await store.collection(to).insertOne({ _id: 'old', email: 'old@x' });
        await store.renameCollection(from, to);
        const target = store.collection(to);
        expect(await target.find({}, { sort: { _id: 1 } })).toEqual([
          { _id: 'n1', email: 'a@x' },
          { _id: 'n2', email: 'b@x' },
        ]);
        const names = await store.listCollections();
        expect(names).toContain(to);
        expect(names).not.toContain(from);
        expect(await source.countDocuments()).toBe(0);
        await expect(target.insertOne({ _id: 'n3', email: 'a@x' })).rejects.toBeInstanceOf(DuplicateKeyError);
        // Renaming to a name that does not exist yet also works.
        const third = fresh('third');
        await store.renameCollection(to, third);
        expect(await store.collection(third).countDocuments()).toBe(2);
        await expect(store.renameCollection(fresh('absent'), fresh('target'))).rejects.toThrow();
      });

      describe('replaceCollections (the rebuild switch)', () => {
        /** Fills a collection with `count` documents `{ _id, v: version }`. */
        async function fill(name: string, version: string, count: number) {
          const c = store.collection(name);
          for (let i = 0; i < count; i++) await c.insertOne({ _id: `${version}${i}`, v: version });
          return c;
        }

        it('replaces every target by its source, indexes included, drops a target whose source is missing, and moves the checkpoint', async () => {
          const [a, b, c] = [fresh('live_a'), fresh('live_b'), fresh('live_c')];
          const [nextA, nextB, nextC] = [`${a}__next`, `${b}__next`, `${c}__next`];
          const [cp, nextCp] = [checkpointName('live'), checkpointName('next')];
          await fill(a, 'old', 2);
          await fill(b, 'old', 1);
          await fill(c, 'old', 1);
          await store.collection(nextA).createIndex({ email: 1 }, { unique: true });
          await store.collection(nextA).insertOne({ _id: 'n1', email: 'a@x' });
          await fill(nextB, 'new', 3);
          await store.setCheckpoint(cp, '5');
          await store.setCheckpoint(nextCp, '9');

          await store.replaceCollections(
            [
              { from: nextA, to: a },
              { from: nextB, to: b },
              { from: nextC, to: c },
            ],
            { from: nextCp, to: cp },
          );

          expect(await store.collection(a).find({})).toEqual([{ _id: 'n1', email: 'a@x' }]);
          await expect(store.collection(a).insertOne({ _id: 'n2', email: 'a@x' })).rejects.toBeInstanceOf(DuplicateKeyError);
          expect(await store.collection(b).find({}, { sort: { _id: 1 } })).toEqual([0, 1, 2].map((i) => ({ _id: `new${i}`, v: 'new' })));
          expect(await store.collection(c).countDocuments()).toBe(0);
          const names = await store.listCollections();
          expect(names.filter((n) => [a, b, c, nextA, nextB, nextC].includes(n))).toEqual([a, b].sort());
          expect(await store.getCheckpoint(cp)).toEqual({ name: cp, position: '9', updatedAt: expect.stringMatching(ISO_INSTANT) });
          expect(await store.getCheckpoint(nextCp)).toBeNull();

          // The source names are free again: the next rebuild writes and drops them without touching the live ones.
          expect(await store.collection(nextA).countDocuments()).toBe(0);
          await store.collection(nextA).insertOne({ _id: 'again', email: 'a@x' });
          await store.dropCollection(nextA);
          await store.dropCollection(nextB);
          expect(await store.collection(a).find({})).toEqual([{ _id: 'n1', email: 'a@x' }]);
          expect(await store.collection(b).countDocuments()).toBe(3);

          // A second switch of the same names, without a checkpoint: the target checkpoint stays.
          await fill(nextA, 'third', 1);
          await store.replaceCollections([{ from: nextA, to: a }]);
          expect(await store.collection(a).find({})).toEqual([{ _id: 'third0', v: 'third' }]);
          expect((await store.getCheckpoint(cp))?.position).toBe('9');

          // A missing source checkpoint deletes the target's.
          await store.replaceCollections([], { from: checkpointName('absent'), to: cp });
          expect(await store.getCheckpoint(cp)).toBeNull();
        });

        it('rejects a name used twice, or both replaced and a replacement, and changes nothing', async () => {
          const [a, b, x] = [fresh('dup'), fresh('dup'), fresh('dup')];
          await fill(a, 'a', 1);
          await fill(b, 'b', 1);
          for (const pairs of [
            [{ from: a, to: x }, { from: b, to: x }],
            [{ from: a, to: b }, { from: b, to: x }],
            [{ from: a, to: x }, { from: a, to: b }],
            [{ from: a, to: a }],
          ]) {
            await expect(store.replaceCollections(pairs)).rejects.toThrow();
          }
          expect(await store.collection(a).find({})).toEqual([{ _id: 'a0', v: 'a' }]);
          expect(await store.collection(b).find({})).toEqual([{ _id: 'b0', v: 'b' }]);
        });

        it('readers during the switch see every collection and the checkpoint all old or all new, never a mix or a missing collection', async () => {
          const [a, b] = [fresh('sw_a'), fresh('sw_b')];
          const [nextA, nextB] = [`${a}__next`, `${b}__next`];
          const [cp, nextCp] = [checkpointName('sw'), checkpointName('sw_next')];
          await fill(a, 'old', 4);
          await fill(b, 'old', 3);
          await fill(nextA, 'new', 6);
          await fill(nextB, 'new', 5);
          await store.setCheckpoint(cp, 'old');
          await store.setCheckpoint(nextCp, 'new');

          /** What one read saw: the versions in it ('old', 'new', or 'mixed'/'missing'). */
          const versionOf = (docs: Doc[], oldCount: number, newCount: number) => {
            const versions = new Set(docs.map((d) => d.v));
            if (versions.size !== 1) return docs.length === 0 ? 'missing' : 'mixed';
            const [version] = versions;
            return docs.length === (version === 'old' ? oldCount : newCount) ? String(version) : 'partial';
          };
          const seen: string[] = [];
          /** What reads started once the switch had returned saw. */
          const seenAfter: string[] = [];
          let switched = false;
          const readers = async (id: number) => {
            let afterSwitch = 0;
            while (afterSwitch < 3) {
              const after = switched;
              if (after) afterSwitch++;
              const record = (what: string) => (after ? seenAfter : seen).push(what);
              if (id % 2 === 0) {
                // A unit of work reading both collections: one state for both.
                const [docsA, docsB] = await store.transaction(async (tx) => [await tx.collection(a).find({}), await tx.collection(b).find({})]);
                record(`unit ${versionOf(docsA, 4, 6)} ${versionOf(docsB, 3, 5)}`);
              } else {
                // Single operations: each sees one whole collection and the checkpoint is always there.
                record(`find ${versionOf(await store.collection(a).find({}), 4, 6)}`);
                record(`checkpoint ${(await store.getCheckpoint(cp))?.position ?? 'missing'}`);
              }
              await sleep(0);
            }
          };
          const running = [0, 1, 2, 3].map(readers);
          await sleep(5);
          await store.replaceCollections(
            [
              { from: nextA, to: a },
              { from: nextB, to: b },
            ],
            { from: nextCp, to: cp },
          );
          switched = true;
          await Promise.all(running);

          const allowed = new Set(['unit old old', 'unit new new', 'find old', 'find new', 'checkpoint old', 'checkpoint new']);
          expect(seen.filter((s) => !allowed.has(s))).toEqual([]);
          expect(seen).toEqual(expect.arrayContaining(['unit old old', 'find old', 'checkpoint old']));
          // Once the switch has returned, every reader sees the new state only.
          expect([...new Set(seenAfter)].sort()).toEqual(['checkpoint new', 'find new', 'unit new new']);
        });
      });

      it('dropCollection removes documents and indexes; dropping a missing collection is fine', async () => {
        const c = await people();
        await c.createIndex({ name: 1 }, { unique: true });
        await store.dropCollection(c.collectionName);
        expect(await store.listCollections()).not.toContain(c.collectionName);
        expect(await c.find({})).toEqual([]);
        await c.insertOne({ _id: 'x', name: 'Same' });
        await c.insertOne({ _id: 'y', name: 'Same' });
        expect(await c.countDocuments()).toBe(2);
        await expect(store.dropCollection(fresh('never'))).resolves.toBeUndefined();
      });
    });
  });
}
