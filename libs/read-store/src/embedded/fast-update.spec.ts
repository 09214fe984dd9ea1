import { update as mingoUpdate } from 'mingo';
import { applyFast, applyFastCopy, compileFast } from './fast-update';

type Plain = Record<string, unknown>;

/** Applies `update` with the direct implementation. */
function fast(doc: Plain, update: Record<string, Plain>): Plain {
  const ops = compileFast(Object.entries(update));
  if (!ops) throw new Error('not a fast update');
  const copy = structuredClone(doc);
  applyFast(copy, ops);
  return copy;
}

/** Applies `update` with mingo's updater, the reference for the cases both handle. */
function reference(doc: Plain, update: Record<string, Plain>): Plain {
  const copy = structuredClone(doc);
  mingoUpdate(copy, update, undefined, undefined, { cloneMode: 'deep' });
  return copy;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

const DOC: Plain = { _id: 'a', n: 1, name: 'x', tags: ['t1'], nested: { a: { b: 1 }, list: [1, 2] }, items: [{ k: 1 }] };

describe('fast update operators', () => {
  it.each<[string, Record<string, Plain>]>([
    ['$set top-level and new nested paths', { $set: { name: 'y', 'nested.a.c': 2, 'brand.new.path': true, obj: { deep: [1, { x: 1 }] } } }],
    ['$set an equal value', { $set: { n: 1, 'nested.a.b': 1 } }],
    ['$inc existing, missing and nested', { $inc: { n: 2, missing: 5, 'nested.a.b': -1, 'fresh.count': 1 } }],
    ['$unset existing, missing and below a scalar', { $unset: { name: '', nope: '', 'n.deeper': '', 'nested.a.b': '' } }],
    ['$push onto existing and missing arrays', { $push: { tags: 't2', 'nested.list': { v: 3 }, newList: 'first' } }],
    ['$addToSet present and absent values', { $addToSet: { tags: 't1', 'nested.list': 3, fresh: 'v' } }],
    ['several operators', { $set: { name: 'z' }, $inc: { n: 1 }, $push: { tags: 't3' }, $unset: { items: '' } }],
  ])('%s: same document as mingo', (_label, update) => {
    expect(fast(DOC, update)).toEqual(reference(DOC, update));
  });

  it.each<[string, Record<string, Plain>]>([
    ['$set top-level and nested paths', { $set: { name: 'y', 'nested.a.c': 2, 'nested.a.b': 5, 'brand.new.path': true } }],
    ['$inc and $unset nested', { $inc: { 'nested.a.b': 2, fresh: 1 }, $unset: { 'nested.list': '', 'n.deeper': '' } }],
    ['$push and $addToSet twice onto the same array', { $push: { tags: 't2', 'nested.list': 3 }, $addToSet: { tags: 't3', newList: 1 } }],
  ])('applyFastCopy (%s): the same document as applyFast, the input untouched, untouched subtrees shared', (_label, update) => {
    const ops = compileFast(Object.entries(update))!;
    const input = deepFreeze(structuredClone(DOC));
    const next = applyFastCopy(input, ops); // a frozen object changed in place would throw (strict mode)
    expect(next).toEqual(fast(DOC, update));
    expect(input).toEqual(DOC);
    expect(next.items).toBe(input.items);
    // Everything the update created or changed is the copy's own: a second update may not reach the input.
    const again = applyFastCopy(deepFreeze(next), ops);
    expect(again).toEqual(fast(fast(DOC, update), update));
  });

  it('applyFastCopy throws the same shape errors and leaves the input alone', () => {
    const input = deepFreeze(structuredClone({ ...DOC, nothing: null }));
    expect(() => applyFastCopy(input, compileFast([['$set', { 'nested.a.b': 9 }], ['$inc', { name: 1 }]])!)).toThrow(/non-numeric/);
    expect(input).toEqual({ ...DOC, nothing: null });
  });

  it.each<[string, Record<string, Plain>]>([
    ['$inc on a string', { $inc: { name: 1 } }],
    ['$inc on null', { $inc: { nothing: 1 } }],
    ['$push on a scalar', { $push: { n: 1 } }],
    ['$addToSet on an object', { $addToSet: { nested: 1 } }],
    ['$set through a scalar', { $set: { 'n.x': 1 } }],
    ['$set through an array', { $set: { 'items.k': 1 } }],
  ])('%s throws like MongoDB (mingo would skip it silently)', (_label, update) => {
    expect(() => fast({ ...DOC, nothing: null }, update)).toThrow();
  });

  it.each<[string, Record<string, Plain>]>([
    ['numeric path segments', { $set: { 'items.0.k': 2 } }],
    ['positional paths', { $set: { 'items.$.k': 2 } }],
    ['$each modifiers', { $push: { tags: { $each: ['a', 'b'] } } }],
    ['other operators', { $max: { n: 5 } }],
    ['_id', { $set: { _id: 'b' } }],
    ['$inc by a non-number', { $inc: { n: '1' } }],
  ])('leaves %s to mingo', (_label, update) => {
    expect(compileFast(Object.entries(update))).toBeUndefined();
  });
});
