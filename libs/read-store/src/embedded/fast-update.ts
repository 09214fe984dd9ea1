// A direct implementation of the update operators that projections use on every event (`$set`, `$inc`,
// `$unset`, `$push`, `$addToSet` with plain values on plain dotted paths). mingo's operator functions
// rebuild their path parameters on each call and cost about 10 µs per operator, which alone would cap a
// projection rebuild below the required 50k updates/s. Anything outside the plain cases (modifiers such
// as `$each`, numeric or positional path segments, arrays or scalars in the way) is left to mingo, so
// the semantics stay mingo's (MongoDB's) there.
import { sameJson } from './documents';

type Plain = Record<string, unknown>;

/** One operator with its paths split once at parse time. */
export interface FastOp {
  op: '$set' | '$inc' | '$unset' | '$push' | '$addToSet';
  fields: Array<{ parts: string[]; value: unknown }>;
}

const FAST_OPERATORS = new Set(['$set', '$inc', '$unset', '$push', '$addToSet']);

function isPlainObject(value: unknown): value is Plain {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Projections use a handful of distinct paths over and over: splitting and checking them once pays.
const PATH_CACHE_LIMIT = 10_000;
const pathCache = new Map<string, string[] | null>();

/** Whether a path can take the fast route: no empty, numeric, `$` or prototype segments, not `_id`. */
function plainPath(path: string): string[] | undefined {
  let parts = pathCache.get(path);
  if (parts === undefined) {
    parts = splitPlain(path);
    if (pathCache.size >= PATH_CACHE_LIMIT) pathCache.clear();
    pathCache.set(path, parts);
  }
  return parts ?? undefined;
}

function splitPlain(path: string): string[] | null {
  const parts = path.split('.');
  if (parts[0] === '_id') return null;
  for (const part of parts) {
    if (part === '' || part === '__proto__' || part.includes('$') || /^\d+$/.test(part)) return null;
  }
  return parts;
}

/**
 * The fast form of `ops`, or undefined when any operator, path or value needs mingo. `$inc` with a
 * non-number and `$push`/`$addToSet` with a modifier object (`{ $each: … }`) go to mingo, which reports
 * or applies them.
 */
export function compileFast(ops: Array<[string, Plain]>): FastOp[] | undefined {
  const out: FastOp[] = [];
  for (const [op, expr] of ops) {
    if (!FAST_OPERATORS.has(op)) return undefined;
    const fields: FastOp['fields'] = [];
    for (const path in expr) {
      const value = expr[path];
      const parts = plainPath(path);
      if (!parts) return undefined;
      if (op === '$inc' && typeof value !== 'number') return undefined;
      if ((op === '$push' || op === '$addToSet') && isPlainObject(value) && Object.keys(value).some((key) => key.startsWith('$'))) {
        return undefined;
      }
      fields.push({ parts, value });
    }
    out.push({ op: op as FastOp['op'], fields });
  }
  return out;
}

/** The object holding the last segment of `parts`, created on the way if `create`; null to bail out. */
function parentOf(doc: Plain, parts: string[], create: boolean): Plain | null | undefined {
  let target = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = target[parts[i]];
    if (next === undefined) {
      if (!create) return undefined;
      const created: Plain = {};
      target[parts[i]] = created;
      target = created;
    } else if (isPlainObject(next)) {
      target = next;
    } else {
      return null;
    }
  }
  return target;
}

/**
 * Applies `ops` to `doc` in place. Returns false when it met a shape it leaves to mingo; `doc` may
 * then be half-changed, and the caller starts again from a fresh copy.
 */
export function applyFast(doc: Plain, ops: FastOp[]): boolean {
  for (const { op, fields } of ops) {
    for (const { parts, value } of fields) {
      const parent = parentOf(doc, parts, op !== '$unset');
      if (parent === null) return false;
      if (parent === undefined) continue; // $unset below a missing field: nothing to do.
      const key = parts[parts.length - 1];
      const current = parent[key];
      switch (op) {
        case '$set':
          parent[key] = value;
          break;
        case '$unset':
          if (current !== undefined) delete parent[key];
          break;
        case '$inc':
          if (current === undefined) parent[key] = value;
          else if (typeof current === 'number') parent[key] = current + (value as number);
          else return false;
          break;
        case '$push':
        case '$addToSet':
          if (current === undefined) parent[key] = [value];
          else if (!Array.isArray(current)) return false;
          else if (op === '$push' || !current.some((item) => sameJson(item, value))) current.push(value);
          break;
      }
    }
  }
  return true;
}
