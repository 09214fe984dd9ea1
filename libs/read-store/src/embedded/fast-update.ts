// A direct implementation of the update operators that projections use on every event (`$set`, `$inc`,
// `$unset`, `$push`, `$addToSet` with plain values on plain dotted paths). mingo's operator functions
// rebuild their path parameters on each call and cost about 10 µs per operator, which alone would cap a
// projection rebuild below the required 50k updates/s. Anything else (modifiers such as `$each`, numeric
// or positional path segments, other operators) is left to mingo. Where mingo silently skips a type
// mismatch that MongoDB rejects ($inc on a string, $push on a non-array), this path throws like MongoDB,
// so a projection bug does not pass on the embedded store and fail on MongoDB.
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

/** Mongo-like write error for an update that does not fit the document's shape. */
function shapeError(message: string): Error {
  return Object.assign(new Error(message), { code: 'update_type_mismatch' });
}

/**
 * The object holding the last segment of `parts`, with missing objects created on the way, or
 * undefined ($unset only) when the path does not exist. Like MongoDB (and unlike mingo, which skips
 * silently), a scalar, null or array in the way is an error for the writing operators. With `own` (a
 * copy being made), every object on the path that is not yet one of `own` is copied first and becomes one.
 */
function parentOf(doc: Plain, parts: string[], op: FastOp['op'], own: Set<object> | undefined): Plain | undefined {
  let target = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = target[parts[i]];
    if (isPlainObject(next)) {
      if (own && !own.has(next)) {
        const copy: Plain = { ...next };
        own.add(copy);
        target[parts[i]] = copy;
        target = copy;
      } else {
        target = next;
      }
    } else if (op === '$unset') {
      return undefined;
    } else if (next === undefined) {
      const created: Plain = {};
      own?.add(created);
      target[parts[i]] = created;
      target = created;
    } else {
      throw shapeError(
        `Cannot create field '${parts[i + 1]}' in element {${parts[i]}: ${JSON.stringify(next)}} (${op} on '${parts.join('.')}')`,
      );
    }
  }
  return target;
}

/**
 * Applies `ops` to `doc` in place, throwing MongoDB's errors for type mismatches ($inc on a
 * non-number, $push on a non-array, a path through a scalar). Callers pass a private copy, so a
 * throw midway leaves nothing half-changed that anyone can see.
 */
export function applyFast(doc: Plain, ops: FastOp[]): void {
  applyOps(doc, ops, undefined);
}

/**
 * {@link applyFast} without touching `doc` or anything in it: returns a new document that shares every subtree
 * the update does not reach with `doc` (the objects and arrays on the updated paths are copied, once each).
 * The store never changes a stored document in place, so sharing is safe, and an update costs the paths it
 * changes instead of a deep copy of the whole document (and the later comparison with the old one stops at
 * the shared subtrees).
 */
export function applyFastCopy(doc: Plain, ops: FastOp[]): Plain {
  const next: Plain = { ...doc };
  applyOps(next, ops, new Set<object>([next]));
  return next;
}

/** The operators over `doc`; with `own`, objects and arrays not in it are copied before they change. */
function applyOps(doc: Plain, ops: FastOp[], own: Set<object> | undefined): void {
  for (const { op, fields } of ops) {
    for (const { parts, value } of fields) {
      const parent = parentOf(doc, parts, op, own);
      if (parent === undefined) continue;
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
          else throw shapeError(`Cannot apply $inc to a value of non-numeric type: '${parts.join('.')}' is ${typeName(current)}`);
          break;
        case '$push':
        case '$addToSet':
          if (current === undefined) {
            const created = [value];
            own?.add(created);
            parent[key] = created;
          } else if (!Array.isArray(current)) {
            throw shapeError(`The field '${parts.join('.')}' must be an array but is of type ${typeName(current)}`);
          } else if (op === '$push' || !current.some((item) => sameJson(item, value))) {
            if (!own || own.has(current)) {
              current.push(value);
            } else {
              const copy = current.slice();
              copy.push(value);
              own.add(copy);
              parent[key] = copy;
            }
          }
          break;
      }
    }
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}
