// Query-string parameters of the read side, checked by hand (they are few and optional): anything
// malformed is a 400 problem naming the parameter, never a lookup.
import { addIsoWeeks, isIsoWeek, isoWeekOf } from '@mentoring/projections';
import type { Actor } from '@mentoring/event-store';
import { Problem } from '../../http/problem';

export function invalid(field: string, detail: string): Problem {
  return new Problem(400, 'invalid_query', 'Bad Request', detail, { field });
}

/** A whole number in [min, max], or the default when absent (`?limit=` with no value is not absent: 400). */
export function intParam(value: string | undefined, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw invalid(field, `${field} must be a whole number from ${min} to ${max}.`);
  return Number(value);
}

/** A number in [min, max], or the default when absent. */
export function numberParam(value: string | undefined, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < min || n > max) throw invalid(field, `${field} must be a number from ${min} to ${max}.`);
  return n;
}

/** An ISO week (`2026-W10`) or a date (`2026-03-02`, meaning its week), or the default. */
export function weekParam(value: string | undefined, field: string, fallback: string): string {
  if (value === undefined || value === '') return fallback;
  if (isIsoWeek(value)) return value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return isoWeekOf(value)!;
  throw invalid(field, `${field} must be an ISO week (2026-W10) or a date (2026-03-02).`);
}

export const MAX_WEEKS = 104;

/** `from`..`to` as ISO weeks: by default the 12 weeks up to the week of `now`; at most {@link MAX_WEEKS}. */
export function weekRange(from: string | undefined, to: string | undefined, now: Date): { from: string; to: string } {
  const end = weekParam(to, 'to', isoWeekOf(now.toISOString())!);
  const start = weekParam(from, 'from', addIsoWeeks(end, -11));
  if (start > end) throw invalid('from', 'from must not be after to.');
  if (addIsoWeeks(start, MAX_WEEKS - 1) < end) throw invalid('to', `a report covers at most ${MAX_WEEKS} weeks.`);
  return { from: start, to: end };
}

const ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/** An optional id-like filter (funder, cohort, profile): safe characters only. */
export function idParam(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!ID.test(value)) throw invalid(field, `${field} must be 1–100 letters, digits, '.', ':', '-' or '_'.`);
  return value;
}

export const PROFILES = ['apprenticeship', 'employee', 'social_programme', 'self_funded'] as const;

export function profileParam(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(PROFILES as readonly string[]).includes(value)) throw invalid('profile', `profile must be one of ${PROFILES.join(', ')}.`);
  return value;
}

/** 403 for a role that may never ask this question. */
export function requireRole(actor: Actor, roles: readonly string[], what: string): void {
  if (!roles.includes(actor.role)) {
    throw new Problem(403, 'role_not_allowed', 'Forbidden', `A ${actor.role} may not read ${what}.`, { role: actor.role });
  }
}

export const STAFF_ROLES = ['staff', 'admin'] as const;
export const ANALYTICS_ROLES = ['analyst', 'staff', 'admin'] as const;
