// The distribution of mentors' load (caseload / capacity, R9), from the analytics' count of mentors per (capacity,
// caseload size, unavailable): a few hundred documents however many mentors the school has.
import { ANALYTICS_MENTOR_LOADS, AnalyticsMentorLoadBucket } from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import { Page, wholePage } from '../read-side-support/keyset';
import { quantile, round } from '../read-side-support/stats';

export interface LoadBucket {
  /** `empty`, `under 25%`, `25-50%`, `50-75%`, `75-100%` (each excluding its upper bound), `full`. */
  bucket: string;
  mentors: number;
}

/** `items`: the mentors per load bucket, emptiest first (the whole table: `nextCursor` is always null). */
export interface MentorLoadView extends Page<LoadBucket> {
  generatedAt: string;
  mentors: number;
  unavailableMentors: number;
  totalCapacity: number;
  totalCaseload: number;
  /** totalCaseload / totalCapacity. */
  overallLoad: number | null;
  load: { mean: number | null; median: number | null; p90: number | null };
  atCapacity: number;
  caseloadSizes: Array<{ caseloadSize: number; mentors: number }>;
}

const BUCKETS: Array<[string, (load: number) => boolean]> = [
  ['empty', (l) => l === 0],
  ['under 25%', (l) => l > 0 && l < 0.25],
  ['25-50%', (l) => l >= 0.25 && l < 0.5],
  ['50-75%', (l) => l >= 0.5 && l < 0.75],
  ['75-100%', (l) => l >= 0.75 && l < 1],
  ['full', (l) => l >= 1],
];

export async function readMentorLoad(store: ReadStore, now: Date): Promise<MentorLoadView> {
  const buckets = await store
    .collection<AnalyticsMentorLoadBucket>(ANALYTICS_MENTOR_LOADS)
    .find({ mentors: { $gt: 0 } }, { projection: { capacity: 1, caseloadSize: 1, unavailable: 1, mentors: 1 } });
  // One entry per mentor, as the per-mentor documents gave them (the statistics below are of mentors).
  const docs = buckets.flatMap((b) => new Array<AnalyticsMentorLoadBucket>(b.mentors).fill(b));
  const loads = docs.map((d) => (d.capacity > 0 ? d.caseloadSize / d.capacity : d.caseloadSize > 0 ? 1 : 0));
  const totalCapacity = docs.reduce((n, d) => n + d.capacity, 0);
  const totalCaseload = docs.reduce((n, d) => n + d.caseloadSize, 0);
  const sizes = new Map<number, number>();
  for (const d of docs) sizes.set(d.caseloadSize, (sizes.get(d.caseloadSize) ?? 0) + 1);
  return {
    generatedAt: now.toISOString(),
    mentors: docs.length,
    unavailableMentors: docs.filter((d) => d.unavailable).length,
    totalCapacity,
    totalCaseload,
    overallLoad: totalCapacity === 0 ? null : round(totalCaseload / totalCapacity, 4),
    load: {
      mean: loads.length === 0 ? null : round(loads.reduce((a, b) => a + b, 0) / loads.length, 4),
      median: round(quantile(loads, 0.5), 4),
      p90: round(quantile(loads, 0.9), 4),
    },
    atCapacity: loads.filter((l) => l >= 1).length,
    ...wholePage(BUCKETS.map(([bucket, test]) => ({ bucket, mentors: loads.filter(test).length }))),
    caseloadSizes: [...sizes.entries()].sort((a, b) => a[0] - b[0]).map(([caseloadSize, mentors]) => ({ caseloadSize, mentors })),
  };
}
