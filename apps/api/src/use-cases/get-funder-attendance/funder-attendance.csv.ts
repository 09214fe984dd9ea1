// The funder's attendance as CSV (R4): every student, one line each, written a page at a time.
import type { ReadStore } from '@mentoring/read-store';
import { toCsv } from '../../shared/csv';
import { forEachFunderStudentPage, FunderStudentAttendanceView } from './funder-attendance.read';

const COLUMNS: ReadonlyArray<readonly [string, (s: FunderStudentAttendanceView) => string | number | null]> = [
  ['studentId', (s) => s.studentId],
  ['name', (s) => s.name],
  ['profile', (s) => s.profileKind],
  ['cohort', (s) => s.cohort],
  ['status', (s) => s.status],
  ['held', (s) => s.held],
  ['noShows', (s) => s.noShows],
  ['lateCancellations', (s) => s.lateCancellations],
  ['cancellations', (s) => s.cancellations],
  ['substantialDelays', (s) => s.substantialDelays],
  ['weeksWithoutSession', (s) => s.weeksWithoutSession],
  ['attendanceRate', (s) => s.attendanceRate],
];

/** The whole report as CSV (header, then the students in the report's order), or null when the funder funds nobody. */
export async function readFunderAttendanceCsv(store: ReadStore, funderId: string, cohort: string | undefined): Promise<string | null> {
  const header = toCsv(COLUMNS, []);
  const chunks = [header];
  const found = await forEachFunderStudentPage(store, funderId, cohort, (students) => chunks.push(toCsv(COLUMNS, students).slice(header.length)));
  return found ? chunks.join('') : null;
}
