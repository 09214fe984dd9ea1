// R2: an apprentice's employer (or the company that funds the apprenticeship) and tutor may read the
// progress and attendance of *their own* apprentices, and nothing else: no disability data (R7), no
// internal comments, no follow-up notes, no e-mail.
import {
  DASHBOARD_OVERSEER_STUDENTS,
  DASHBOARD_STUDENTS,
  DashboardOverseerStudentDoc,
  DashboardStudentDoc,
  MENTOR_CASELOADS,
  MentorCaseloadDoc,
  overseerKey,
} from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import { AttendanceFactView, attendanceView, AttendanceView } from '../read-side-support/attendance';
import { Page, partySort } from '../read-side-support/keyset';
import { FIRST_PARTY_PAGE, PartyPageRequest, readKeysetPage } from '../read-side-support/party-page';
import { compare } from '../read-side-support/stats';

/**
 * Who oversees: a tutor by `tutor.id`, an employer or company by `employer.id` / `company.id`; staff may
 * ask for any of the three (`asTutorToo`).
 */
export type Overseer = { tutorId: string } | { partyId: string; asTutorToo?: boolean };

export interface ApprenticeProgressView {
  studentId: string;
  name: string | null;
  trainingPath: string | null;
  status: string;
  startDate: string | null;
  endDate: string | null;
  companyId: string | null;
  employerId: string | null;
  tutorId: string | null;
  mentor: { mentorId: string; name: string | null } | null;
  progress: {
    mentorSince: string | null;
    firstContactAt: string | null;
    discoveryHeldAt: string | null;
    sessionsHeld: number;
    lastHeldSession: { start: string | null; kind: string } | null;
    nextSession: { start: string; end: string; kind: string } | null;
    /** Booked sessions whose end has passed without an outcome yet. */
    sessionsAwaitingOutcome: number;
  };
  attendance: AttendanceView;
  attendanceFacts: AttendanceFactView[];
}

/** `items`: a page of the overseer's apprentices, by normalised name then id. */
export interface OverseenApprenticesView extends Page<ApprenticeProgressView> {
  asOf: string;
}

const FIELDS = { studentId: 1, status: 1, profileKind: 1, companyId: 1, employerId: 1, tutorId: 1, student: 1, mentoring: 1, attendance: 1 } as const;

/** The overseer's links (dashboard-party-reports.ts): a tutor's, an employer's or company's, or any of the three's. */
function overseerOf(overseer: Overseer): string {
  if ('tutorId' in overseer) return overseerKey('tutor', overseer.tutorId);
  return overseerKey(overseer.asTutorToo ? 'any' : 'organisation', overseer.partyId);
}

/**
 * A page of the overseer's apprentices: `page.limit` links after the cursor through the index on (overseer, name key,
 * _id), then those students by id. 400 `invalid_cursor` for a cursor made for another overseer.
 */
export async function readOverseenApprentices(store: ReadStore, overseer: Overseer, now: Date, page: PartyPageRequest = FIRST_PARTY_PAGE): Promise<OverseenApprenticesView> {
  const key = overseerOf(overseer);
  const links = await readKeysetPage(
    store.collection<DashboardOverseerStudentDoc>(DASHBOARD_OVERSEER_STUDENTS),
    { overseer: key },
    partySort('apprentices', 'sortName', key),
    page,
    (link) => link.sortName,
  );
  const ids = links.items.map((link) => link.studentId);
  const found = ids.length === 0 ? [] : await store.collection<DashboardStudentDoc>(DASHBOARD_STUDENTS).find({ _id: { $in: ids } }, { projection: FIELDS });
  const byId = new Map(found.map((d) => [d._id, d]));
  const docs = ids.map((id) => byId.get(id)).filter((d): d is DashboardStudentDoc => d !== undefined);

  const mentorIds = [...new Set(docs.map((d) => d.mentoring.mentorId).filter((id): id is string => id !== null))];
  const mentors = new Map(
    mentorIds.length === 0
      ? []
      : (await store.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).find({ _id: { $in: mentorIds } }, { projection: { name: 1 } })).map((m) => [m._id, m.name] as const),
  );
  const nowMs = now.getTime();
  return {
    asOf: now.toISOString(),
    nextCursor: links.nextCursor,
    items: docs.map((d) => {
      const { student, mentoring } = d;
      const upcoming = mentoring.bookedSessions.filter((s) => Date.parse(s.start) > nowMs).sort((a, b) => compare(a.start, b.start))[0];
      const last = mentoring.lastHeldSession;
      return {
        studentId: d.studentId,
        name: student.name,
        trainingPath: student.trainingPath,
        status: d.status,
        startDate: student.startDate,
        endDate: student.endDate,
        companyId: d.companyId,
        employerId: d.employerId,
        tutorId: d.tutorId,
        mentor: mentoring.mentorId ? { mentorId: mentoring.mentorId, name: mentors.get(mentoring.mentorId) ?? null } : null,
        progress: {
          mentorSince: mentoring.mentorship?.since ?? null,
          firstContactAt: mentoring.mentorship?.firstContactAt ?? null,
          discoveryHeldAt: mentoring.mentorship?.discoveryHeldAt ?? null,
          sessionsHeld: d.attendance.held,
          lastHeldSession: last ? { start: last.start, kind: last.kind } : null,
          nextSession: upcoming ? { start: upcoming.start, end: upcoming.end, kind: upcoming.kind } : null,
          sessionsAwaitingOutcome: mentoring.bookedSessions.filter((s) => Date.parse(s.end) <= nowMs).length,
        },
        attendance: attendanceView(d),
        attendanceFacts: d.attendance.facts,
      };
    }),
  };
}
