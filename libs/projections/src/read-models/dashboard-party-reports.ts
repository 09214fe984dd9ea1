// What the reports of one party read a page of, kept by the dashboards projection in the same unit of work as
// the student document (issue 13, ADR 0008):
//
// - sort keys the stores order by binary comparison: a student's name normalised (NFKD, marks stripped, lower
//   case) and, for a funder's report, the cohort before it. Both stores then walk an index in the report's order;
//   `Intl.Collator` order cannot be indexed.
// - `dashboard_overseer_students`: one link per (overseer, apprentice) with the apprentice's name key. An
//   apprentice's overseers are its tutor (`tutor:<id>`), its employer and company (`organisation:<id>`, one link
//   when they are the same), and any of the three for staff (`any:<id>`), so each overseer's apprentices are one
//   keyset over one index, whatever the party's size.
// - `dashboard_funder_cohorts`: per (funder, profile, cohort), the students and the sums of their attendance
//   counts. The projection writes the difference of the student's contribution before and after each event
//   (analytics-buckets.ts does the same for the analytics), so a bucket always equals the sum over the current
//   student documents, and the report's totals and cohorts never read the students.
import type { Doc, ReadStoreTransaction } from '@mentoring/read-store';
import { applyBucketDeltas, bucketDeltas, type Contributions } from './analytics-buckets';
import type { AttendanceCounts, DashboardStudent } from './dashboards.projection';

export const DASHBOARD_OVERSEER_STUDENTS = 'dashboard_overseer_students';
export const DASHBOARD_FUNDER_COHORTS = 'dashboard_funder_cohorts';

/** Who oversees an apprentice through a link: its tutor, its employer or company, or any of them (staff's view). */
export type OverseerScope = 'tutor' | 'organisation' | 'any';

export function overseerKey(scope: OverseerScope, partyId: string): string {
  return `${scope}:${partyId}`;
}

export function overseerLinkId(overseer: string, studentId: string): string {
  return `${overseer}|${studentId}`;
}

export interface DashboardOverseerStudentDoc extends Doc {
  /** {@link overseerKey}. */
  overseer: string;
  studentId: string;
  /** {@link nameSortKey} of the apprentice's name: the list's order, then `_id` (the student's id after the overseer). */
  sortName: string;
}

/** The attendance counts summed per bucket (every one of {@link AttendanceCounts}). */
export const FUNDER_SUMS = ['held', 'noShows', 'lateCancellations', 'cancellations', 'substantialDelays', 'weeksWithoutSession'] as const satisfies ReadonlyArray<keyof AttendanceCounts>;

/** `dashboard_funder_cohorts`: `_id` is the JSON of [funderId, profileKind, cohort]. A count never incremented is missing (0). */
export type DashboardFunderCohortDoc = Doc & {
  funderId: string;
  profileKind: string | null;
  cohort: string | null;
  /** The funder's name as the first student counted in the bucket was enrolled with. */
  funder: string | null;
  students?: number;
} & Partial<AttendanceCounts>;

/** Sort keys are cut to this many UTF-16 code units (beyond, ties go by id): cursors stay short. */
const NAME_KEY_LENGTH = 200;
const COHORT_KEY_LENGTH = 150;
/** Between the cohort and the name in a funder's key: below every character a key holds. */
const COHORT_END = '\u0001';
const AFTER_COHORT_END = '\u0002';

/**
 * `text` with code points from U+D800 up written as U+D7FF and two characters below U+D800 that keep their order,
 * and U+0000–U+0001 as U+0002 ({@link COHORT_END} stays below every character). Such a key orders the same as
 * UTF-16 code units (JavaScript), UTF-8 bytes (SQLite, MongoDB) and code points, and the embedded store compares it
 * in SQL (it leaves ranges with higher code units to JavaScript).
 */
function keyText(text: string): string {
  let out = '';
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    if (cp >= 0xd800) out += `\ud7ff${String.fromCharCode(0x4e00 + (cp >> 12), 0x4e00 + (cp & 0xfff))}`;
    else if (cp < 2) out += AFTER_COHORT_END;
    else out += char;
  }
  return out;
}

/**
 * The order of names in the reports of one party: compatibility-decomposed (NFKD: `ﬁ` is `fi`, full-width letters
 * are letters), without combining marks (accents), lower-cased; compared by code point. `Émile` and `emile` tie
 * (then by id). No name sorts first.
 */
export function nameSortKey(name: string | null): string {
  const folded = (name ?? '').normalize('NFKD').toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
  return keyText(folded).slice(0, NAME_KEY_LENGTH);
}

/** The cohort's part of {@link funderSortKey}: no cohort sorts first. */
function cohortKey(cohort: string | null): string {
  return keyText(cohort ?? '').slice(0, COHORT_KEY_LENGTH);
}

/** A funder's report order: by cohort (code points; none first), then {@link nameSortKey}. */
export function funderSortKey(cohort: string | null, sortName: string): string {
  return `${cohortKey(cohort)}${COHORT_END}${sortName}`;
}

/** The range of {@link funderSortKey}s of one cohort (a superset when two cohorts share their first 150 characters). */
export function funderSortKeyRange(cohort: string): { $gte: string; $lt: string } {
  const prefix = cohortKey(cohort);
  return { $gte: `${prefix}${COHORT_END}`, $lt: `${prefix}${AFTER_COHORT_END}` };
}

type Student = Pick<DashboardStudent, 'studentId' | 'profileKind' | 'funderId' | 'cohort' | 'companyId' | 'employerId' | 'tutorId' | 'student' | 'attendance'>;

/** The links an apprentice's overseers find it by: overseer → name key. None for other profiles (R2). */
export function overseerLinksOf(s: Student | null): Map<string, string> {
  const links = new Map<string, string>();
  if (!s || s.profileKind !== 'apprenticeship') return links;
  const add = (scope: OverseerScope, partyId: string | null) => {
    if (partyId) links.set(overseerKey(scope, partyId), s.student.sortName);
  };
  add('tutor', s.tutorId);
  add('organisation', s.employerId);
  add('organisation', s.companyId);
  for (const partyId of [s.tutorId, s.employerId, s.companyId]) add('any', partyId);
  return links;
}

/** Writes the difference between two {@link overseerLinksOf}: links gone are deleted, new or renamed ones written. */
export async function linkOverseers(tx: ReadStoreTransaction, studentId: string, before: Map<string, string>, after: Map<string, string>): Promise<void> {
  if (before.size === 0 && after.size === 0) return;
  const links = tx.collection<DashboardOverseerStudentDoc>(DASHBOARD_OVERSEER_STUDENTS);
  for (const overseer of before.keys()) if (!after.has(overseer)) await links.deleteOne({ _id: overseerLinkId(overseer, studentId) });
  for (const [overseer, sortName] of after) {
    if (before.get(overseer) === sortName) continue;
    const _id = overseerLinkId(overseer, studentId);
    await links.replaceOne({ _id }, { _id, overseer, studentId, sortName }, { upsert: true });
  }
}

/** What a student adds to its funder's bucket (nothing for a self-funded student). */
export function funderContribution(s: Student | null): Contributions {
  const out: Contributions = new Map();
  if (!s || s.funderId === null) return out;
  const id = JSON.stringify([s.funderId, s.profileKind, s.cohort]);
  const counts: Record<string, number> = { students: 1 };
  for (const field of FUNDER_SUMS) if (s.attendance[field] !== 0) counts[field] = s.attendance[field];
  const key = { funderId: s.funderId, profileKind: s.profileKind, cohort: s.cohort, funder: s.student.funder };
  out.set(id, { collection: DASHBOARD_FUNDER_COHORTS, id, key, counts, lists: {} });
  return out;
}

/** Keeps the funders' buckets equal to the sums over the students: writes the difference of the student's contribution. */
export async function countForFunder(tx: ReadStoreTransaction, before: Student | null, after: Student | null): Promise<void> {
  const deltas = bucketDeltas(funderContribution(before), funderContribution(after));
  if (deltas.length > 0) await applyBucketDeltas(tx, deltas);
}
