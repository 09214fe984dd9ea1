// What SQLite decides for the embedded read store: a filter becomes a SQL condition that selects a superset
// of the matching documents (never fewer), which the store then finishes with the exact MongoDB semantics of
// fast-query.ts and mingo. Index expressions (`json_extract(doc, '$."field"')`) are written by the same
// functions as the conditions, so that SQLite's planner recognises them. A condition is translated only where
// SQL cannot lose a document MongoDB would match:
// - comparisons on a path that an index covers and on which no document has held an array (the store tracks
//   arrays on indexed paths at every write, like MongoDB's multikey flag): `json_extract(...) = ?`, `IN`, ranges;
// - string equality anywhere: the document's JSON text contains the JSON-quoted string (`instr`);
// - a `$regex` that is a plain ASCII literal: the document's JSON text contains it (`LIKE`, ASCII
//   case-insensitive, so a superset of both `i` and case-sensitive matches);
// - `_id` conditions on the `id` column; `$and` of translatable parts; `$or` when every branch translates.
// Everything else is left out of the SQL (it selects every document) and decided in JavaScript.
import type { Doc, Filter } from '../read-store.port';

export interface SqlCondition {
  sql: string;
  params: unknown[];
  /** The condition selects exactly the matching documents (no JavaScript test needed). */
  exact: boolean;
}

const TRUE: SqlCondition = { sql: '1', params: [], exact: true };
/** A part of the filter SQL does not decide: it selects everything, and JavaScript must test. */
const UNDECIDED: SqlCondition = { sql: '1', params: [], exact: false };

/** `'$."a"."b"'` as a SQL string literal, or undefined for a path SQL should not address. */
export function jsonPath(path: string): string | undefined {
  const segments = path.split('.');
  if (segments.some((s) => s === '' || s.startsWith('$') || s.includes('"') || s.includes('\\'))) return undefined;
  return `'$${segments.map((s) => `."${s.replace(/'/g, "''")}"`).join('')}'`;
}

/** The indexed expression of a field (the same text in indexes and conditions). */
export function fieldExpr(path: string): string | undefined {
  const p = jsonPath(path);
  return p === undefined ? undefined : `json_extract(doc, ${p})`;
}

/** The unique-index key of a field: its JSON text, `'null'` when missing or null (MongoDB indexes both as null). */
export function uniqueExpr(path: string): string | undefined {
  const p = jsonPath(path);
  return p === undefined ? undefined : `coalesce(doc -> ${p}, 'null')`;
}

/** The JavaScript side of {@link uniqueExpr} for one document. */
export function uniqueKeyOf(doc: Doc, path: string): string {
  let current: unknown = doc;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return 'null';
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined || current === null ? 'null' : JSON.stringify(current);
}

/** Whether an array lies anywhere on `path` in `doc` (the path's value included): MongoDB's multikey case. */
export function arrayOnPath(doc: Doc, path: string): boolean {
  let current: unknown = doc;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) return true;
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<string, unknown>)[segment];
  }
  return Array.isArray(current);
}

/** SQL (`json_type(...) = 'array'` on every prefix) that finds a document with an array on `path`. */
export function arrayOnPathSql(path: string): string | undefined {
  const segments = path.split('.');
  const parts: string[] = [];
  for (let i = 1; i <= segments.length; i++) {
    const p = jsonPath(segments.slice(0, i).join('.'));
    if (p === undefined) return undefined;
    parts.push(`json_type(doc, ${p}) = 'array'`);
  }
  return parts.join(' OR ');
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * String order in SQLite is UTF-8 bytes, in JavaScript UTF-16 code units; they agree when one side has no code
 * unit from 0xD800 up, so a string range is translated only for such operands.
 */
const lowPlane = (s: string): boolean => !/[\ud800-\uffff]/.test(s);

const RANGE: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

function sqlValue(v: unknown): unknown {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

/** The ASCII literal a `$regex` matches (as a substring), or undefined when it is not a plain literal. */
function regexLiteral(condition: Record<string, unknown>): string | undefined {
  let source: unknown = condition.$regex;
  let flags = typeof condition.$options === 'string' ? condition.$options : '';
  if (source instanceof RegExp) {
    flags += source.flags;
    source = source.source;
  }
  if (typeof source !== 'string' || !/^[gimsy]*$/.test(flags)) return undefined;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[++i];
      if (next === undefined || !/[.*+?^${}()|[\]\\/-]/.test(next)) return undefined;
      if (next === '\\') return undefined; // a backslash is escaped in the document's JSON text
      out += next;
    } else if (/[.*+?^${}()|[\]]/.test(c)) {
      return undefined;
    } else {
      out += c;
    }
  }
  // Printable ASCII other than `"` and `\`, which JSON writes as they are.
  if (out.length === 0 || !/^[\x20-\x7e]*$/.test(out) || out.includes('"')) return undefined;
  return out;
}

function likePattern(literal: string): string {
  return `%${literal.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Paths on which `json_extract` comparisons are exact supersets: indexed, never held an array. */
export type ScalarPaths = (path: string) => boolean;

/** A SQL condition selecting a superset of the documents matching `filter`. */
export function translateFilter(filter: Filter | undefined, scalar: ScalarPaths): SqlCondition {
  if (!filter) return TRUE;
  if (!isPlainObject(filter)) return UNDECIDED;
  const parts: SqlCondition[] = [];
  for (const key of Object.keys(filter)) {
    const condition = (filter as Record<string, unknown>)[key];
    let part: SqlCondition = UNDECIDED;
    if (key === '$and' && Array.isArray(condition) && condition.length > 0) {
      part = and(condition.map((branch) => translateFilter(branch as Filter, scalar)));
    } else if (key === '$or' && Array.isArray(condition) && condition.length > 0) {
      const branches = condition.map((branch) => translateFilter(branch as Filter, scalar));
      if (branches.every((b) => b.sql !== '1')) {
        part = { sql: `(${branches.map((b) => b.sql).join(' OR ')})`, params: branches.flatMap((b) => b.params), exact: branches.every((b) => b.exact) };
      }
    } else if (!key.startsWith('$')) {
      part = field(key, condition, scalar);
    }
    parts.push(part);
  }
  return and(parts);
}

function and(parts: SqlCondition[]): SqlCondition {
  const exact = parts.every((p) => p.exact);
  const useful = parts.filter((p) => p.sql !== '1');
  if (useful.length === 0) return exact ? TRUE : UNDECIDED;
  if (useful.length === 1) return { ...useful[0], exact };
  return { sql: useful.map((p) => `(${p.sql})`).join(' AND '), params: useful.flatMap((p) => p.params), exact };
}

/** SQL that the value at `path` has the JSON type of `value` (which makes a comparison on it exact). */
function typeIs(path: string, value: unknown): string {
  const type = `json_type(doc, ${jsonPath(path)})`;
  if (typeof value === 'string') return `${type} = 'text'`;
  if (typeof value === 'boolean') return `${type} = '${value ? 'true' : 'false'}'`;
  return `${type} IN ('integer', 'real')`;
}

function field(path: string, condition: unknown, scalar: ScalarPaths): SqlCondition {
  const isId = path === '_id';
  const expr = isId ? 'id' : scalar(path) ? fieldExpr(path) : undefined;
  const operators = isPlainObject(condition) && Object.keys(condition).length > 0 && Object.keys(condition).every((k) => k.startsWith('$'));
  const ops: Record<string, unknown> = operators ? (condition as Record<string, unknown>) : { $eq: condition };
  if (condition instanceof RegExp) return regexPart({ $regex: condition });
  const parts: SqlCondition[] = [];
  // The `_id` column holds strings only; elsewhere the JSON type is checked too, which makes the comparison exact.
  const typed = (sql: string, value: unknown): string => (isId ? sql : `${sql} AND ${typeIs(path, value)}`);
  for (const op of Object.keys(ops)) {
    const operand = ops[op];
    if (op === '$eq') {
      if (expr && (typeof operand === 'string' || isFiniteNumber(operand) || typeof operand === 'boolean') && (!isId || typeof operand === 'string')) {
        parts.push({ sql: typed(`${expr} = ?`, operand), params: [sqlValue(operand)], exact: true });
      } else if (typeof operand === 'string') {
        parts.push({ sql: 'instr(doc, ?) > 0', params: [JSON.stringify(operand)], exact: false });
      } else {
        parts.push(UNDECIDED);
      }
    } else if (op === '$in' && Array.isArray(operand) && operand.length > 0) {
      if (expr && operand.every((v) => typeof v === 'string' || (!isId && (isFiniteNumber(v) || typeof v === 'boolean')))) {
        const strings = operand.every((v) => typeof v === 'string');
        const sql = `${expr} IN (${operand.map(() => '?').join(', ')})`;
        parts.push({ sql: strings ? typed(sql, '') : sql, params: operand.map(sqlValue), exact: strings });
      } else if (operand.every((v) => typeof v === 'string')) {
        parts.push({ sql: `(${operand.map(() => 'instr(doc, ?) > 0').join(' OR ')})`, params: operand.map((v) => JSON.stringify(v)), exact: false });
      } else {
        parts.push(UNDECIDED);
      }
    } else if (op in RANGE) {
      if (expr && ((typeof operand === 'string' && lowPlane(operand)) || (isFiniteNumber(operand) && !isId))) {
        parts.push({ sql: typed(`${expr} ${RANGE[op]} ?`, operand), params: [operand], exact: true });
      } else {
        parts.push(UNDECIDED);
      }
    } else if (op === '$regex') {
      parts.push(regexPart(ops));
    } else if (op !== '$options' || !('$regex' in ops)) {
      parts.push(UNDECIDED);
    }
  }
  return and(parts);
}

function regexPart(condition: Record<string, unknown>): SqlCondition {
  const literal = regexLiteral(condition);
  return literal === undefined ? UNDECIDED : { sql: "doc LIKE ? ESCAPE '\\'", params: [likePattern(literal)], exact: false };
}

/** A sort value SQL orders as MongoDB does (null/missing, then numbers, then strings), else undefined. */
export function sortValueResolver(path: string): ((doc: Doc) => boolean) | undefined {
  if (path === '_id') return () => true;
  if (jsonPath(path) === undefined) return undefined;
  const segments = path.split('.');
  return (doc) => {
    let current: unknown = doc;
    for (const segment of segments) {
      if (current === undefined || current === null) return true;
      if (!isPlainObject(current)) return typeof current !== 'object' || current === null ? true : false;
      current = current[segment];
    }
    return current === undefined || current === null || typeof current === 'string' || isFiniteNumber(current);
  };
}
