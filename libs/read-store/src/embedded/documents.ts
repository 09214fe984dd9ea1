// Plain-data helpers for the embedded read store: copying, comparing and seeding JSON documents,
// and computing unique-index keys. Kept apart from the store so they can be reasoned about (and
// tested) without SQLite.
import { randomUUID } from 'node:crypto';
import type { Doc, Filter } from '../read-store.port';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Deep-copies a value into what SQLite will hold (JSON), so that a document never looks different
 * before and after a restart: objects with `toJSON` (Date) are converted, non-finite numbers become
 * null, and `undefined` becomes null in objects and arrays alike, which is what the MongoDB driver
 * stores for `undefined` by default (`ignoreUndefined: false`).
 */
export function cloneJson<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): Json | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new TypeError('BigInt values cannot be stored in the read store (not JSON)');
  }
  if (Array.isArray(value)) {
    const out: Json[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copy(value[i]);
      out[i] = item === undefined ? null : item;
    }
    return out;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return copy(toJSON.call(value));
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value as object)) {
    const field = (value as Record<string, unknown>)[key];
    // Functions and symbols are dropped, as the driver drops them.
    if (typeof field === 'function' || typeof field === 'symbol') continue;
    const item = copy(field) ?? null;
    // A plain assignment to `__proto__` would change the prototype instead of adding a field.
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    } else {
      out[key] = item;
    }
  }
  return out;
}

/**
 * Structural equality with MongoDB's notion of "unchanged": field order matters for embedded
 * documents (BSON compares bytes), so `{a:1,b:2}` replaced by `{b:2,a:1}` counts as modified.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    if (!sameJson((a as Record<string, unknown>)[ka[i]], (b as Record<string, unknown>)[kb[i]])) return false;
  }
  return true;
}

/** True for a plain object whose first key is an operator (`{ $gt: 1 }`), as MongoDB decides. */
function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const first = Object.keys(value)[0];
  return first !== undefined && first.startsWith('$');
}

/** Sets `path` (dotted) in `doc`, creating intermediate objects. */
export function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = target[parts[i]];
    if (next === null || typeof next !== 'object') {
      const created: Record<string, unknown> = {};
      target[parts[i]] = created;
      target = created;
    } else {
      target = next as Record<string, unknown>;
    }
  }
  target[parts[parts.length - 1]] = value;
}

/**
 * The document an upsert starts from when nothing matched, as MongoDB builds it: the filter's
 * equality conditions (`field: value`, `field: { $eq: value }`, also inside a top-level `$and`),
 * dotted paths expanded; `_id` first. Conditions such as `$gt` or `$in` contribute nothing.
 */
export function seedFromFilter(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  const visit = (conditions: Filter): void => {
    for (const [key, condition] of Object.entries(conditions)) {
      if (key === '$and' && Array.isArray(condition)) {
        for (const part of condition) visit(part as Filter);
        continue;
      }
      if (key.startsWith('$')) continue;
      if (isOperatorObject(condition)) {
        if ('$eq' in condition) setPath(seed, key, cloneJson(condition.$eq));
        continue;
      }
      if (condition instanceof RegExp) continue;
      setPath(seed, key, cloneJson(condition));
    }
  };
  visit(filter);
  return seed;
}

/** The `_id` a filter pins by equality (`{ _id: x }` or `{ _id: { $eq: x } }`), else undefined. */
export function idFromFilter(filter: Filter): unknown {
  if (!Object.prototype.hasOwnProperty.call(filter, '_id')) return undefined;
  const condition = filter._id;
  if (isOperatorObject(condition)) {
    return Object.keys(condition).length === 1 && '$eq' in condition ? condition.$eq : undefined;
  }
  return condition;
}

/** A new string `_id` when neither the filter nor the update supplies one. */
export function newId(): string {
  return randomUUID();
}

/** Ensures `_id` is first, like MongoDB stores it. */
export function withIdFirst(doc: Record<string, unknown>, id: string): Doc {
  // Already so (an upsert seeded from `{ _id }`, most replacements): the same object, not a copy.
  for (const first in doc) {
    if (first === '_id' && doc._id === id) return doc as Doc;
    break;
  }
  const { _id: _ignored, ...rest } = doc;
  return { _id: id, ...rest } as Doc;
}

/**
 * Unique-index keys of a document: one JSON tuple per combination of indexed values (array
 * fields contribute each element, like a multikey index); a missing field indexes as null, so
 * two documents without the field collide, as in MongoDB.
 */
export function indexKeys(doc: Doc, fields: string[]): string[] {
  let tuples: unknown[][] = [[]];
  for (const field of fields) {
    const values = valuesAt(doc, field.split('.'), 0);
    const distinct = values.length === 0 ? [null] : values;
    const next: unknown[][] = [];
    for (const tuple of tuples) for (const value of distinct) next.push([...tuple, value]);
    tuples = next;
  }
  const keys = new Set<string>();
  for (const tuple of tuples) keys.add(JSON.stringify(tuple));
  return [...keys];
}

function valuesAt(value: unknown, parts: string[], index: number): unknown[] {
  if (index === parts.length) {
    if (value === undefined) return [null];
    if (Array.isArray(value)) return value.length === 0 ? [[]] : value;
    return [value];
  }
  if (Array.isArray(value) && !/^\d+$/.test(parts[index])) {
    return value.flatMap((item) => valuesAt(item, parts, index));
  }
  if (value === null || typeof value !== 'object') return [null];
  return valuesAt((value as Record<string, unknown>)[parts[index]], parts, index + 1);
}

/** MongoDB's default index name: `field_1_other_-1`. */
export function indexName(keys: Record<string, 1 | -1>): string {
  return Object.entries(keys)
    .map(([field, direction]) => `${field}_${direction}`)
    .join('_');
}
