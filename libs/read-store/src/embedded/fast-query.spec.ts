import { Query } from 'mingo';
import type { Doc, Filter } from '../read-store.port';
import { compileFastFilter, sortFast } from './fast-query';

/** Documents with the awkward cases: missing fields, nulls, arrays, objects, other types, nested paths. */
const DOCS: Doc[] = [
  { _id: 'a', name: 'Alice Martin', status: 'active', n: 3, funding: { kind: 'employee', employer: { id: 'e1' } }, tags: ['x'] },
  { _id: 'b', name: 'bob martin', status: 'paused', n: 10, funding: { kind: 'self_funded' }, tags: [] },
  { _id: 'c', name: 'Chloé', status: 'active', n: -1, funding: null },
  { _id: 'd', status: 'active', n: '3', funding: { kind: ['employee'] } },
  { _id: 'e', name: null, status: ['active', 'paused'], n: null, funding: [{ kind: 'employee' }] },
  { _id: 'f', name: 'Zed', status: 'completed', n: 3, funding: { kind: 'employee', employer: { id: 'e2' } }, nested: { a: { b: 'x' } } },
  { _id: 'g', name: { first: 'G' }, status: true, n: 2.5, funding: 'none' },
  { _id: 'h', name: 'Alice Martin', status: 'active', n: 3, funding: { kind: 'employee', employer: null } },
];

const FILTERS: Filter[] = [
  { status: 'active' },
  { status: 'active', n: 3 },
  { 'funding.kind': 'employee' },
  { 'funding.employer.id': 'e1' },
  { $and: [{ status: 'active' }, { 'funding.kind': 'employee' }] },
  { $or: [{ 'funding.employer.id': 'e2' }, { 'funding.kind': 'self_funded' }] },
  { name: { $regex: 'martin', $options: 'i' } },
  { name: { $regex: '^A' } },
  { $or: [{ name: { $regex: 'z', $options: 'i' } }, { status: { $regex: 'pau' } }] },
  { n: { $gt: 2 } },
  { n: { $gte: 3, $lt: 10 } },
  { n: { $lte: '3' } },
  { name: { $gt: 'Alice Martin' } },
  { $or: [{ name: { $gt: 'Alice Martin' } }, { name: 'Alice Martin', _id: { $gt: 'a' } }] },
  { $and: [{ status: 'active' }, { $or: [{ name: { $lt: 'B' } }, { name: 'B', _id: { $lt: 'z' } }] }] },
  { status: { $eq: 'paused' } },
  { status: true },
  { 'nested.a.b': 'x' },
  { 'nested.a': 'x' },
  { missing: 'x' },
  { 'funding.kind.deeper': 'x' },
  { status: { $in: ['active', 'completed'] } },
  { n: { $in: [3, 2.5] } },
  { n: { $in: ['3'] } },
  { status: { $in: [true] } },
  { status: { $in: [] } },
  { 'funding.kind': { $in: ['employee'] }, n: { $lt: 5 } },
  { 'funding.employer.id': { $in: ['e2', 'e9'] } },
];

describe('fast filters answer as mingo does', () => {
  for (const filter of FILTERS) {
    it(JSON.stringify(filter), () => {
      const fast = compileFastFilter(filter);
      expect(fast).toBeDefined();
      const query = new Query<Doc>(filter, {});
      for (const doc of DOCS) {
        const decided = fast!(doc);
        const answer = decided ?? query.test(doc);
        expect({ doc: doc._id, answer }).toEqual({ doc: doc._id, answer: query.test(doc) });
      }
    });
  }

  it('decides the plain cases itself (no mingo) and defers arrays along the path', () => {
    const fast = compileFastFilter({ $and: [{ status: 'active' }, { 'funding.kind': 'employee' }] })!;
    expect(fast(DOCS[0])).toBe(true);
    expect(fast(DOCS[1])).toBe(false);
    expect(fast(DOCS[3])).toBeUndefined(); // funding.kind is an array
    expect(fast(DOCS[4])).toBe(undefined); // status is an array
  });

  it('declines the shapes it does not know', () => {
    for (const filter of [{ status: { $in: ['a', null] } }, { status: { $in: [/a/] } }, { status: { $in: [['a']] } }, { status: { $in: 'a' } }, { status: null }, { $nor: [{ a: 1 }] }, { 'tags.0': 'x' }, { name: { $regex: /x/ } }, { name: { $regex: 'x', $options: 'g' } }, { status: { $ne: 'a' } }, { a: { b: 1 } }]) {
      expect(compileFastFilter(filter as Filter)).toBeUndefined();
    }
  });
});

describe('fast sorts order as mingo does', () => {
  const people: Doc[] = Array.from({ length: 200 }, (_, i) => ({
    _id: `id-${String((i * 37) % 200).padStart(3, '0')}`,
    name: ['Ava', 'bo', 'Ava', 'Émile', 'Zoe', 'ava'][i % 6],
    at: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}`,
    score: (i * 7) % 13,
  }));
  const mingoSorted = (docs: Doc[], sort: Record<string, 1 | -1>) => new Query<Doc>({}, {}).find<Doc>(docs).sort(sort).all();

  for (const sort of [{ name: 1, _id: 1 }, { name: -1, _id: -1 }, { at: -1, _id: -1 }, { score: 1 }, { score: -1, name: 1 }, { name: 1 }] as Array<Record<string, 1 | -1>>) {
    it(JSON.stringify(sort), () => {
      const expected = mingoSorted(people, sort).map((d) => d._id);
      expect(sortFast(people, sort, 0)!.map((d) => d._id)).toEqual(expected);
      for (const k of [1, 7, 51, 199, 200, 500]) expect(sortFast(people, sort, k)!.map((d) => d._id)).toEqual(expected.slice(0, k));
    });
  }

  it('declines mixed or missing values and dotted keys', () => {
    expect(sortFast([{ _id: 'a', v: 1 }, { _id: 'b', v: 'x' }], { v: 1 }, 0)).toBeUndefined();
    expect(sortFast([{ _id: 'a', v: 1 }, { _id: 'b' }], { v: 1 }, 0)).toBeUndefined();
    expect(sortFast([{ _id: 'a', v: null }], { v: 1 }, 0)).toBeUndefined();
    expect(sortFast([{ _id: 'a', v: [1] }], { v: 1 }, 0)).toBeUndefined();
    expect(sortFast([{ _id: 'a', v: { w: 1 } }], { 'v.w': 1 }, 0)).toBeUndefined();
  });
});
