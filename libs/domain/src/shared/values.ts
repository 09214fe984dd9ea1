// Value checks shared by the deciders. Pure: instants are parsed from the strings the commands carry.
import { invalid } from './errors';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HTTP_URL = /^https?:\/\/[^\s/$.?#][^\s]*$/i;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** True for an ISO-8601 instant with an explicit offset (`2026-03-02T10:00:00Z`). */
export function isIsoInstant(value: unknown): value is string {
  return typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value));
}

/** True for a calendar date `YYYY-MM-DD` that exists. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

export function isEmail(value: unknown): value is string {
  return typeof value === 'string' && EMAIL.test(value);
}

export function isHttpUrl(value: unknown): value is string {
  return typeof value === 'string' && HTTP_URL.test(value);
}

export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

/** Refuses a missing or malformed instant, naming the field. */
export function requireInstant(value: unknown, field: string): string {
  if (!isIsoInstant(value)) throw invalid('invalid_instant', `${field} must be an ISO-8601 instant with an offset`, { field });
  return value;
}

/** Refuses a missing or malformed calendar date, naming the field. */
export function requireDate(value: unknown, field: string): string {
  if (!isIsoDate(value)) throw invalid('invalid_date', `${field} must be a date YYYY-MM-DD`, { field });
  return value;
}

/** Refuses an empty or missing text, naming the field. */
export function requireText(value: unknown, field: string): string {
  if (!isNonEmptyString(value)) throw invalid('missing_field', `${field} is required`, { field });
  return value;
}

/** Milliseconds since the epoch of an ISO instant (already validated). */
export function ms(instant: string): number {
  return Date.parse(instant);
}

/** The canonical UTC form of an instant, so equal instants compare equal as strings. */
export function normalizeInstant(instant: string): string {
  return new Date(Date.parse(instant)).toISOString();
}

export function addMinutes(instant: string, minutes: number): string {
  return new Date(Date.parse(instant) + minutes * MINUTE_MS).toISOString();
}

/** Half-open intervals [aStart, aEnd) and [bStart, bEnd) overlap. */
export function overlaps(aStart: string, aEnd: string, bStart: string, bEnd: string): boolean {
  return ms(aStart) < ms(bEnd) && ms(bStart) < ms(aEnd);
}

/** Structural equality of plain JSON values (key order does not matter). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ak = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * What a person's personal data reads as once it was erased (their data key destroyed). The same string the
 * event store's decryption yields for a sealed field whose key is gone.
 */
export const ERASED_PLACEHOLDER = '[erased]';
