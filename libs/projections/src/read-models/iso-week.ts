// ISO-8601 weeks in UTC ("2026-W10": the week starting on Monday 2 March 2026), the unit analytics
// group by. Pure functions of their arguments: projections have no clock.

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const WEEK = /^(\d{4})-W(\d{2})$/;

/** Monday 00:00 UTC of the week that contains `ms`. */
function mondayOf(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
  return (day - (((day + 3) % 7) + 7) % 7) * DAY_MS;
}

/** The ISO week (`YYYY-Www`) of an instant or a date (`YYYY-MM-DD`, read as UTC); null when unparsable. */
export function isoWeekOf(instantOrDate: string | null | undefined): string | null {
  if (typeof instantOrDate !== 'string') return null;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(instantOrDate) ? `${instantOrDate}T00:00:00Z` : instantOrDate);
  if (Number.isNaN(ms)) return null;
  const monday = mondayOf(ms);
  // The ISO year is the year of the week's Thursday.
  const thursday = new Date(monday + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / WEEK_MS) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday 00:00 UTC of an ISO week, in milliseconds; NaN when `week` is not `YYYY-Www`. */
export function isoWeekStartMs(week: string): number {
  const match = WEEK.exec(week);
  if (!match) return Number.NaN;
  const year = Number(match[1]);
  const number = Number(match[2]);
  // 4 January is always in week 1.
  const weekOne = mondayOf(Date.UTC(year, 0, 4));
  const start = weekOne + (number - 1) * WEEK_MS;
  return isoWeekOf(new Date(start).toISOString()) === week ? start : Number.NaN;
}

export function isIsoWeek(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(isoWeekStartMs(value));
}

/** Every ISO week from `from` to `to` inclusive, in order (empty when `from` is after `to`). */
export function isoWeeksBetween(from: string, to: string): string[] {
  const start = isoWeekStartMs(from);
  const end = isoWeekStartMs(to);
  const out: string[] = [];
  if (Number.isNaN(start) || Number.isNaN(end)) return out;
  for (let ms = start; ms <= end; ms += WEEK_MS) out.push(isoWeekOf(new Date(ms).toISOString())!);
  return out;
}

/** The week `n` weeks after (or before, when negative) `week`. */
export function addIsoWeeks(week: string, n: number): string {
  const start = isoWeekStartMs(week);
  if (Number.isNaN(start)) throw new RangeError(`not an ISO week: ${week}`);
  return isoWeekOf(new Date(start + n * WEEK_MS).toISOString())!;
}
