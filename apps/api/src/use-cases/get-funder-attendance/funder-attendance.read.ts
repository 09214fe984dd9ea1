// R4: a funder (company, employer or public organisation) reads the attendance of the students it funds,
// per student and per cohort. Names are shown (the funder holds the contract); e-mails and disability
// data are not (R7).
import { DASHBOARD_STUDENTS, DashboardStudentDoc } from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import { AttendanceFactView, attendanceView, AttendanceView, sumAttendance } from '../read-side-support/attendance';
import { Page, wholePage } from '../read-side-support/keyset';
import { compare, compareNames } from '../read-side-support/stats';

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
  totals: AttendanceView & { students: number };
  /** All the cohorts (`nextCursor` is always null). */
  cohorts: Page<CohortAttendanceView>;
  /** All the students, by cohort then name (`nextCursor` is always null). */
  students: Page<FunderStudentAttendanceView>;
}

const FIELDS = { studentId: 1, profileKind: 1, cohort: 1, status: 1, student: 1, mentoring: 1, attendance: 1 } as const;

/** The attendance of what `funderId` funds (optionally one cohort), or null when it funds nobody. */
export async function readFunderAttendance(store: ReadStore, funderId: string, now: Date, cohort?: string): Promise<FunderAttendanceView | null> {
  const filter: Record<string, unknown> = { funderId };
  if (cohort !== undefined) filter.cohort = cohort;
  const docs = await store.collection<DashboardStudentDoc>(DASHBOARD_STUDENTS).find(filter, { projection: FIELDS });
  if (docs.length === 0) return null;
  const students: FunderStudentAttendanceView[] = docs.map((d) => ({
    studentId: d.studentId,
    name: d.student.name,
    profileKind: d.profileKind,
    cohort: d.cohort,
    status: d.status,
    mentorId: d.mentoring.mentorId,
    ...attendanceView(d),
    facts: d.attendance.facts,
  }));
  students.sort((a, b) => compare(a.cohort, b.cohort) || compareNames(a.name, b.name) || compare(a.studentId, b.studentId));
  const groups = new Map<string, FunderStudentAttendanceView[]>();
  for (const s of students) {
    const key = JSON.stringify([s.profileKind, s.cohort]);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const cohorts = [...groups.values()]
    .map((members) => ({ profileKind: members[0].profileKind, cohort: members[0].cohort, students: members.length, ...sumAttendance(members) }))
    .sort((a, b) => compare(a.profileKind, b.profileKind) || compare(a.cohort, b.cohort));
  return {
    funderId,
    funder: docs.find((d) => d.student.funder)?.student.funder ?? null,
    asOf: now.toISOString(),
    totals: { students: students.length, ...sumAttendance(students) },
    cohorts: wholePage(cohorts),
    students: wholePage(students),
  };
}
