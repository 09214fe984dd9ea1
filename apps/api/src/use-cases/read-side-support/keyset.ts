// Keyset (cursor) pagination for the lists: items are ordered by one sort key then `_id`, and a page
// starts strictly after the last item of the previous one. Inserts and updates made between two pages
// therefore never make an item of the sort order appear twice or be skipped (unless its key changes).
// The cursor is opaque to clients: base64url JSON of the sort it was made for, the key and the id.
import { createHash } from 'node:crypto';
import type { Filter } from '@mentoring/read-store';
import { Problem } from '../../http/problem';

export type SortKey = string | number;

export interface SortSpec {
  /** As given: `name` or `-name`. */
  raw: string;
  field: string;
  dir: 1 | -1;
}

export interface Page<T> {
  items: T[];
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
}

export interface CursorPosition {
  key: SortKey;
  id: string;
}

/** `field` (ascending) or `-field` (descending); the DTO has checked it against its list of sorts. */
export function parseSort(raw: string | undefined, fallback: string): SortSpec {
  const value = raw ?? fallback;
  return value.startsWith('-') ? { raw: value, field: value.slice(1), dir: -1 } : { raw: value, field: value, dir: 1 };
}

/**
 * The ascending sort of a list that belongs to one party (an overseer's apprentices, a funder's students): its
 * cursors name the list and a digest of the party, so a cursor made for one party is refused for another (the
 * query filters by the party anyway).
 */
export function partySort(list: string, field: string, party: string): SortSpec {
  return { raw: `${list}:${createHash('sha256').update(party).digest('base64url').slice(0, 22)}`, field, dir: 1 };
}

export function sortValues(fields: readonly string[]): string[] {
  return fields.flatMap((f) => [f, `-${f}`]);
}

const badCursor = () => new Problem(400, 'invalid_cursor', 'Bad Request', 'cursor must be a nextCursor returned by this list, with the same sort.', { field: 'cursor' });

export function encodeCursor(sort: SortSpec, position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ s: sort.raw, k: position.key, i: position.id })).toString('base64url');
}

/**
 * The position a cursor stands for; 400 `invalid_cursor` when it is not one of ours or was made for another sort.
 * `maxLength`: the longest cursor the list makes (its keys' length).
 */
export function decodeCursor(cursor: string | undefined, sort: SortSpec, maxLength = 1000): CursorPosition | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (cursor.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const { s, k, i } = (parsed ?? {}) as Record<string, unknown>;
  if (s !== sort.raw || typeof i !== 'string' || !(typeof k === 'string' || (typeof k === 'number' && Number.isFinite(k)))) throw badCursor();
  return { key: k, id: i };
}

/** The read-store filter for "after `position` in `sort` order". */
export function afterFilter(sort: SortSpec, position: CursorPosition): Filter {
  const op = sort.dir === 1 ? '$gt' : '$lt';
  return { $or: [{ [sort.field]: { [op]: position.key } }, { [sort.field]: position.key, _id: { [op]: position.id } }] };
}

/** Compares two items in `sort` order (key, then id), for lists ordered in memory. */
export function compareKeyed(dir: 1 | -1, a: CursorPosition, b: CursorPosition): number {
  if (a.key !== b.key) return (a.key < b.key ? -1 : 1) * dir;
  if (a.id !== b.id) return (a.id < b.id ? -1 : 1) * dir;
  return 0;
}

/** A page from `limit + 1` fetched rows: the extra row only tells that there is a next page. */
export function toPage<D, T>(rows: D[], limit: number, sort: SortSpec, positionOf: (row: D) => CursorPosition, view: (row: D) => T): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return { items: shown.map(view), nextCursor: more ? encodeCursor(sort, positionOf(shown[shown.length - 1])) : null };
}

/** A case-insensitive substring match: every regular-expression metacharacter of `text` is escaped. */
export function containsText(text: string): { $regex: string; $options: string } {
  return { $regex: text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' };
}

/** A list answered whole, never paged (bounded by nature, e.g. a mentor's caseload): `nextCursor` is null. */
export function wholePage<T>(items: T[]): Page<T> {
  return { items, nextCursor: null };
}
