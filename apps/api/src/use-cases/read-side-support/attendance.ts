// The attendance figures an overseer (R2) or a funder (R4) reads about a student: the counts of the
// dashboards read model and the rate of sessions attended (held / held + no-shows + late cancellations).
import type { DashboardAttendanceFact, DashboardStudentDoc } from '@mentoring/projections';
import { attendanceRate } from './stats';

export interface AttendanceView {
  held: number;
  noShows: number;
  lateCancellations: number;
  cancellations: number;
  substantialDelays: number;
  weeksWithoutSession: number;
  attendanceRate: number | null;
}

export function attendanceView(doc: Pick<DashboardStudentDoc, 'attendance'>): AttendanceView {
  const { held, noShows, lateCancellations, cancellations, substantialDelays, weeksWithoutSession } = doc.attendance;
  return { held, noShows, lateCancellations, cancellations, substantialDelays, weeksWithoutSession, attendanceRate: attendanceRate(held, noShows, lateCancellations) };
}

export function sumAttendance(views: readonly AttendanceView[]): AttendanceView {
  const sum = { held: 0, noShows: 0, lateCancellations: 0, cancellations: 0, substantialDelays: 0, weeksWithoutSession: 0 };
  for (const v of views) for (const key of Object.keys(sum) as Array<keyof typeof sum>) sum[key] += v[key];
  return { ...sum, attendanceRate: attendanceRate(sum.held, sum.noShows, sum.lateCancellations) };
}

export type AttendanceFactView = DashboardAttendanceFact;
