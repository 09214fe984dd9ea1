// R4: a funder (company, employer or public organisation) reads the attendance of the students it funds,
// per student and per cohort. Names are shown (the funder holds the contract); e-mails and disability
// data are not (R7).
//
// The totals and cohorts come from the funder's buckets (one per profile and cohort, kept by the dashboards
// projection), the students a page at a time through the index on (funderId, cohort-then-name key, _id): an
// answer reads its page and the funder's few buckets, never every student the funder pays for (ADR 0008).
import { DASHBOARD_FUNDER_COHORTS, DASHBOARD_STUDENTS, DashboardFunderCohortDoc, DashboardStudentDoc, FUNDER_SUMS, funderSortKeyRange } from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import { AttendanceFactView, attendanceView, AttendanceView, sumAttendance } from '../read-side-support/attendance';
import { Page, partySort, wholePage } from '../read-side-support/keyset';
import { FIRST_PARTY_PAGE, PARTY_PAGE_MAX, PartyPageRequest, readKeysetPage } from '../read-side-support/party-page';
import { attendanceRate, compare } from '../read-side-support/stats';

export interface FunderStudentAttendanceView extends AttendanceView {
  studentId: string;
  name: string | null;
  profileKind: string | null;
  cohort: string | null;
  status: string;
  mentorId: string | null;
  facts: AttendanceFactView[];
}

export interface CohortAttendanceView extends AttendanceView {
  profileKind: string | null;
  /** The social programme's cohort; null groups a funder's apprentices or employees. */
  cohort: string | null;
  students: number;
}

export interface FunderAttendanceView {
  funderId: string;
  funder: string | null;
  asOf: string;
  /** Over all the students (of the cohort asked for), not only the page. */
  totals: AttendanceView & { students: number };
  /** All the cohorts (`nextCursor` is always null: a funder has few). */
  cohorts: Page<CohortAttendanceView>;
  /** A page of the students, by cohort then normalised name then id. */
  students: Page<FunderStudentAttendanceView>;
}

const FIELDS = { studentId: 1, profileKind: 1, cohort: 1, status: 1, student: 1, mentoring: 1, attendance: 1 } as const;

/** The funder's buckets with students (of one cohort), by profile then cohort. */
async function funderCohorts(store: ReadStore, funderId: string, cohort: string | undefined): Promise<DashboardFunderCohortDoc[]> {
  const buckets = await store.collection<DashboardFunderCohortDoc>(DASHBOARD_FUNDER_COHORTS).find({ funderId });
  return buckets
    .filter((b) => (b.students ?? 0) > 0 && (cohort === undefined || b.cohort === cohort))
    .sort((a, b) => compare(a.profileKind, b.profileKind) || compare(a.cohort, b.cohort));
}

function cohortView(bucket: DashboardFunderCohortDoc): CohortAttendanceView {
  const sums = Object.fromEntries(FUNDER_SUMS.map((field) => [field, bucket[field] ?? 0])) as Record<(typeof FUNDER_SUMS)[number], number>;
  return { profileKind: bucket.profileKind, cohort: bucket.cohort, students: bucket.students ?? 0, ...sums, attendanceRate: attendanceRate(sums.held, sums.noShows, sums.lateCancellations) };
}

/** A page of the students `funderId` funds (of one cohort), by cohort, normalised name, id; 400 `invalid_cursor` for another report's cursor. */
export async function readFunderStudents(store: ReadStore, funderId: string, cohort: string | undefined, page: PartyPageRequest): Promise<Page<FunderStudentAttendanceView>> {
  const filter = cohort === undefined ? { funderId } : { funderId, cohort, 'student.funderOrder': funderSortKeyRange(cohort) };
  const sort = partySort('funder-attendance', 'student.funderOrder', JSON.stringify([funderId, cohort ?? null]));
  const docs = await readKeysetPage(store.collection<DashboardStudentDoc>(DASHBOARD_STUDENTS), filter, sort, page, (d) => d.student.funderOrder, { projection: FIELDS });
  return {
    nextCursor: docs.nextCursor,
    items: docs.items.map((d) => ({
      studentId: d.studentId,
      name: d.student.name,
      profileKind: d.profileKind,
      cohort: d.cohort,
      status: d.status,
      mentorId: d.mentoring.mentorId,
      ...attendanceView(d),
      facts: d.attendance.facts,
    })),
  };
}

/** The attendance of what `funderId` funds (optionally one cohort), a page of its students, or null when it funds nobody. */
export async function readFunderAttendance(
  store: ReadStore,
  funderId: string,
  now: Date,
  cohort?: string,
  page: PartyPageRequest = FIRST_PARTY_PAGE,
): Promise<FunderAttendanceView | null> {
  const buckets = await funderCohorts(store, funderId, cohort);
  if (buckets.length === 0) return null;
  const students = await readFunderStudents(store, funderId, cohort, page);
  const cohorts = buckets.map(cohortView);
  return {
    funderId,
    funder: buckets.find((b) => b.funder)?.funder ?? null,
    asOf: now.toISOString(),
    totals: { students: cohorts.reduce((n, c) => n + c.students, 0), ...sumAttendance(cohorts) },
    cohorts: wholePage(cohorts),
    students,
  };
}

/**
 * Every student `funderId` funds (optionally one cohort), handed to `take` a page at a time (of the most a page
 * holds), in the report's order; false when the funder funds nobody. An export holds a page and its output.
 */
export async function forEachFunderStudentPage(
  store: ReadStore,
  funderId: string,
  cohort: string | undefined,
  take: (students: FunderStudentAttendanceView[]) => void,
): Promise<boolean> {
  if ((await funderCohorts(store, funderId, cohort)).length === 0) return false;
  let cursor: string | undefined;
  do {
    const page = await readFunderStudents(store, funderId, cohort, { limit: PARTY_PAGE_MAX, cursor });
    take(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return true;
}
