// Direct implementations of the filters and sorts the lists use, which mingo evaluates in microseconds
// per document (a scan of 10,000 documents then costs tens of milliseconds). Each one answers exactly as
// mingo does, or declines: a filter outside the supported shapes is not compiled (mingo evaluates it), and
// a document on which a compiled filter could differ from mingo (an array or an object where a value is
// expected, a type other than the operand's) is handed to mingo; a sort declines unless every sort key
// holds strings only or finite numbers only. fast-query.spec.ts checks the answers against mingo.
import type { Doc, Filter } from '../read-store.port';

/** true or false when decided here, undefined when mingo must decide for this document. */
export type FastPredicate = (doc: Doc) => boolean | undefined;

type Scalar = string | number | boolean;

const DEFER = Symbol('defer');

const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The value at a dotted path when no array lies on the way (undefined when the path is missing or goes
 * through null), else DEFER: arrays along a path have MongoDB's matching rules, left to mingo.
 */
function resolver(path: string): ((doc: Doc) => unknown) | undefined {
  const segments = path.split('.');
  // Numeric segments (array positions), empty ones and prototype keys are left to mingo.
  if (segments.some((s) => s === '' || s.startsWith('$') || /^\d+$/.test(s) || s === '__proto__' || s === 'constructor' || s === 'prototype')) return undefined;
  if (segments.length === 1) {
    return (doc) => {
      const v = (doc as Record<string, unknown>)[path];
      return Array.isArray(v) ? DEFER : v;
    };
  }
  return (doc) => {
    let current: unknown = doc;
    for (const segment of segments) {
      if (current === undefined || current === null) return undefined;
      if (!isPlainObject(current)) return DEFER;
      current = current[segment];
    }
    return Array.isArray(current) ? DEFER : current;
  };
}

const COMPARISONS: Record<string, (a: string | number, b: string | number) => boolean> = {
  $gt: (a, b) => a > b,
  $gte: (a, b) => a >= b,
  $lt: (a, b) => a < b,
  $lte: (a, b) => a <= b,
};

type ValueTest = (value: unknown) => boolean | undefined;

/** A test of the value at a path, for a condition: a scalar (equality) or an object of operators. */
function valueTest(condition: unknown): ValueTest | undefined {
  if (isScalar(condition)) return equality(condition);
  if (!isPlainObject(condition)) return undefined;
  const keys = Object.keys(condition);
  if (keys.length === 0) return undefined;
  const tests: ValueTest[] = [];
  for (const key of keys) {
    const operand = condition[key];
    if (key === '$eq') {
      if (!isScalar(operand)) return undefined;
      tests.push(equality(operand));
    } else if (key in COMPARISONS) {
      if (typeof operand !== 'string' && !(typeof operand === 'number' && Number.isFinite(operand))) return undefined;
      const compare = COMPARISONS[key];
      tests.push((value) => {
        if (value === undefined || value === null) return false;
        if (typeof value !== typeof operand || (typeof value === 'number' && !Number.isFinite(value))) return undefined;
        return compare(value as string | number, operand);
      });
    } else if (key === '$regex') {
      const options = condition.$options;
      if (typeof operand !== 'string' || (options !== undefined && (typeof options !== 'string' || !/^[ims]*$/.test(options)))) return undefined;
      let re: RegExp;
      try {
        re = new RegExp(operand, options as string | undefined);
      } catch {
        return undefined; // mingo reports the invalid pattern
      }
      tests.push((value) => {
        if (value === undefined || value === null) return false;
        if (typeof value !== 'string') return undefined;
        return re.test(value);
      });
    } else if (key === '$in') {
      // Scalars only: `null` in the list (which matches a missing field), regular expressions and documents are mingo's.
      if (!Array.isArray(operand) || !operand.every(isScalar)) return undefined;
      const allowed = new Set<Scalar>(operand);
      tests.push((value) => {
        if (value === undefined || value === null) return false;
        if (!isScalar(value)) return undefined;
        return allowed.has(value);
      });
    } else if (key === '$options') {
      if (!('$regex' in condition)) return undefined;
    } else {
      return undefined;
    }
  }
  return (value) => {
    let decided: boolean | undefined = true;
    for (const test of tests) {
      const r = test(value);
      if (r === false) return false;
      if (r === undefined) decided = undefined;
    }
    return decided;
  };
}

function equality(expected: Scalar): ValueTest {
  return (value) => {
    if (value === expected) return true;
    if (value === undefined || value === null || isScalar(value)) return false;
    return undefined;
  };
}

/**
 * A predicate for `filter` when every part of it has a supported shape (field conditions on scalars with
 * `$eq`, `$gt`, `$gte`, `$lt`, `$lte`, `$in` of scalars, `$regex`/`$options`, dotted paths, `$and`, `$or`), else
 * undefined.
 */
export function compileFastFilter(filter: Filter): FastPredicate | undefined {
  if (!isPlainObject(filter)) return undefined;
  const parts: FastPredicate[] = [];
  for (const key of Object.keys(filter)) {
    const condition = (filter as Record<string, unknown>)[key];
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(condition) || condition.length === 0) return undefined;
      const branches: FastPredicate[] = [];
      for (const branch of condition) {
        const compiled = compileFastFilter(branch as Filter);
        if (!compiled) return undefined;
        branches.push(compiled);
      }
      parts.push(key === '$and' ? all(branches) : any(branches));
      continue;
    }
    if (key.startsWith('$')) return undefined;
    const resolve = resolver(key);
    const test = valueTest(condition);
    if (!resolve || !test) return undefined;
    parts.push((doc) => {
      const value = resolve(doc);
      return value === DEFER ? undefined : test(value);
    });
  }
  return parts.length === 1 ? parts[0] : all(parts);
}

function all(parts: FastPredicate[]): FastPredicate {
  return (doc) => {
    let decided: boolean | undefined = true;
    for (const part of parts) {
      const r = part(doc);
      if (r === false) return false;
      if (r === undefined) decided = undefined;
    }
    return decided;
  };
}

function any(parts: FastPredicate[]): FastPredicate {
  return (doc) => {
    let decided: boolean | undefined = false;
    for (const part of parts) {
      const r = part(doc);
      if (r === true) return true;
      if (r === undefined) decided = undefined;
    }
    return decided;
  };
}

/**
 * The first `k` documents (all when k is 0) in `sort` order, as mingo's `$sort` orders them (keys compared
 * in turn, ties in input order), when every sort key is a top-level field holding only strings or only
 * finite numbers in every document; else undefined (mingo sorts).
 */
export function sortFast(docs: Doc[], sort: Record<string, unknown>, k: number): Doc[] | undefined {
  const keys = Object.keys(sort);
  if (keys.length === 0) return undefined;
  const dirs: number[] = [];
  for (const key of keys) {
    const dir = sort[key];
    if ((dir !== 1 && dir !== -1) || key.includes('.') || key.startsWith('$') || key === '__proto__') return undefined;
    dirs.push(dir);
  }
  // The sort keys, read once (and checked: strings only or finite numbers only, per key).
  const columns: Array<Array<string | number>> = [];
  for (const key of keys) {
    const column: Array<string | number> = new Array(docs.length);
    let kind: 'string' | 'number' | undefined;
    for (let i = 0; i < docs.length; i++) {
      const v = (docs[i] as Record<string, unknown>)[key];
      if (typeof v === 'string') {
        if (kind === 'number') return undefined;
        kind = 'string';
      } else if (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0)) {
        if (kind === 'string') return undefined;
        kind = 'number';
      } else {
        return undefined;
      }
      column[i] = v;
    }
    columns.push(column);
  }
  /** Compares documents by position in `docs`; equal keys keep the input order. */
  const compare = (a: number, b: number): number => {
    for (let c = 0; c < columns.length; c++) {
      const x = columns[c][a];
      const y = columns[c][b];
      if (x !== y) return (x < y ? -1 : 1) * dirs[c];
    }
    return a - b;
  };
  if (k <= 0 || k * 4 >= docs.length) {
    const order = Array.from(docs.keys()).sort(compare);
    return (k > 0 ? order.slice(0, k) : order).map((i) => docs[i]);
  }
  // The k first, kept sorted (ties are ordered by position, so input order is kept).
  const top = new Int32Array(k + 1);
  let size = 0;
  for (let i = 0; i < docs.length; i++) {
    if (size === k && compare(i, top[k - 1]) > 0) continue;
    // Documents are held in insertion order, often time order: a newest-first sort puts each one first.
    let lo = 0;
    let hi = size > 0 && compare(i, top[0]) < 0 ? 0 : size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(i, top[mid]) < 0) hi = mid;
      else lo = mid + 1;
    }
    top.copyWithin(lo + 1, lo, size);
    top[lo] = i;
    if (size < k) size++;
  }
  return Array.from(top.subarray(0, size), (i) => docs[i]);
}
