// Medians and percentiles for the analytics queries, computed when asked from per-student values (the
// read models store values, never aggregates that could not be recombined).

/**
 * The `p`-quantile (0 ≤ p ≤ 1) of `values`, by linear interpolation between the closest ranks (the
 * common "type 7" definition: the median of an even count is the mean of the two middle values).
 * Null for no values.
 */
export function quantile(values: readonly number[], p: number): number | null {
  return quantileOfSorted([...values].sort((a, b) => a - b), p);
}

/** {@link quantile} of values already in ascending order. */
function quantileOfSorted(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** Rounded to `digits` decimals; null stays null. */
export function round(value: number | null, digits = 2): number | null {
  if (value === null) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface DurationSummary {
  count: number;
  medianHours: number | null;
  p90Hours: number | null;
  /** The median and p90 of fewer than ANALYTICS_MIN_GROUP people are withheld (one person's wait is theirs). */
  suppressed: boolean;
}

/**
 * Count, median and 90th percentile of durations given in minutes, in hours; the median and p90 withheld
 * (null, `suppressed`) when fewer than `minGroup` people are counted.
 */
export function durationSummary(minutes: readonly number[], minGroup = 1): DurationSummary {
  if (minutes.length > 0 && minutes.length < minGroup) return { count: minutes.length, medianHours: null, p90Hours: null, suppressed: true };
  // Sorted once for both (the analytics buckets keep their durations in order: the sort is then one pass).
  const sorted = [...minutes].sort((a, b) => a - b);
  const median = quantileOfSorted(sorted, 0.5);
  const p90 = quantileOfSorted(sorted, 0.9);
  return { count: minutes.length, medianHours: median === null ? null : round(median / 60), p90Hours: p90 === null ? null : round(p90 / 60), suppressed: false };
}

/** held / (held + missed + late-cancelled), or null when no session counted (R15). */
export function attendanceRate(held: number, noShows: number, lateCancellations: number): number | null {
  const sessions = held + noShows + lateCancellations;
  return sessions === 0 ? null : round(held / sessions, 4);
}

/** Code-unit order of two strings (ISO instants and ids sort right), without the cost of `localeCompare`. */
export function compare(a: string | null, b: string | null): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
