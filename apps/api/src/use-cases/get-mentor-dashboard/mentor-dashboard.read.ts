// A mentor's dashboard, read from the dashboards read model at an instant: their students with profile,
// status and next session, and what the mentor still has to do. "Next" and "past" are decided here, from
// the time of the question, because a projection has no clock.
import {
  BookedSession,
  DASHBOARD_MENTOR_STUDENTS,
  DASHBOARD_STUDENTS,
  DashboardMentorStudentDoc,
  DashboardStudentDoc,
  MENTOR_CASELOADS,
  MentorCaseloadDoc,
} from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import { Page, wholePage } from '../read-side-support/keyset';
import { compare } from '../read-side-support/stats';

export type PendingAction =
  | { kind: 'no_first_contact' }
  | { kind: 'discovery_session_not_booked' }
  | { kind: 'first_session_recording_not_submitted'; sessionId: string; heldAt: string | null }
  | { kind: 'session_outcome_not_recorded'; sessionId: string; start: string; end: string };

export type PendingActionKind = PendingAction['kind'];
export const PENDING_ACTION_KINDS: readonly PendingActionKind[] = [
  'no_first_contact',
  'discovery_session_not_booked',
  'first_session_recording_not_submitted',
  'session_outcome_not_recorded',
];

export interface NextSession {
  sessionId: string;
  kind: 'discovery' | 'regular';
  start: string;
  end: string;
}

export interface MentorDashboardStudent {
  studentId: string;
  name: string | null;
  email: string | null;
  trainingPath: string | null;
  profileKind: string | null;
  /** R7: the assigned mentor may read it. */
  registeredDisability: boolean;
  status: string;
  mentorSince: string | null;
  firstContactAt: string | null;
  discoveryHeldAt: string | null;
  nextSession: NextSession | null;
  openFollowUps: number;
  pendingActions: PendingAction[];
}

/** A student no longer (or not) in the mentor's caseload, for whom the mentor still owes something. */
export interface FormerStudentActions {
  studentId: string;
  name: string | null;
  status: string;
  currentMentorId: string | null;
  pendingActions: PendingAction[];
}

export interface MentorDashboardView {
  mentorId: string;
  name: string | null;
  capacity: number | null;
  caseloadSize: number | null;
  /** Derived: capacity minus the students held, never stored (R9). */
  remainingCapacity: number | null;
  unavailable: boolean | null;
  /** The instant the dashboard was computed for. */
  asOf: string;
  /** The whole list (bounded by the mentor's caseload): `nextCursor` is always null. */
  students: Page<MentorDashboardStudent>;
  /** The whole list (bounded by what the mentor still owes): `nextCursor` is always null. */
  otherPendingActions: Page<FormerStudentActions>;
  pendingActionCounts: Record<PendingActionKind, number>;
}

const FIELDS = { studentId: 1, profileKind: 1, status: 1, student: 1, mentoring: 1 } as const;

function ownSessions(doc: DashboardStudentDoc, mentorId: string): BookedSession[] {
  return doc.mentoring.bookedSessions.filter((s) => s.mentorId === mentorId);
}

/** What `mentorId` still has to do for this student at `nowMs`. */
export function pendingActionsOf(doc: DashboardStudentDoc, mentorId: string, nowMs: number): PendingAction[] {
  const out: PendingAction[] = [];
  const m = doc.mentoring.mentorship;
  if (doc.status === 'active' && m && m.mentorId === mentorId) {
    if (m.firstContactAt === null) out.push({ kind: 'no_first_contact' });
    if (m.discoverySessionId === null && m.discoveryHeldAt === null) out.push({ kind: 'discovery_session_not_booked' });
  }
  for (const review of doc.mentoring.firstSessionReviews) {
    if (review.mentorId === mentorId && review.recordingSubmittedAt === null) {
      out.push({ kind: 'first_session_recording_not_submitted', sessionId: review.sessionId, heldAt: review.heldAt });
    }
  }
  for (const s of ownSessions(doc, mentorId)) {
    if (Date.parse(s.end) <= nowMs) out.push({ kind: 'session_outcome_not_recorded', sessionId: s.sessionId, start: s.start, end: s.end });
  }
  return out;
}

/** The earliest session of this mentor with this student that has not started at `nowMs`. */
export function nextSessionOf(doc: DashboardStudentDoc, mentorId: string, nowMs: number): NextSession | null {
  let next: BookedSession | null = null;
  for (const s of ownSessions(doc, mentorId)) {
    if (Date.parse(s.start) > nowMs && (next === null || s.start < next.start)) next = s;
  }
  return next ? { sessionId: next.sessionId, kind: next.kind, start: next.start, end: next.end } : null;
}

/** The students whose `dashboardMentorIds` name the mentor: through the links' index, then by `_id`. */
async function mentorsStudents(store: ReadStore, mentorId: string): Promise<DashboardStudentDoc[]> {
  const links = await store.collection<DashboardMentorStudentDoc>(DASHBOARD_MENTOR_STUDENTS).find({ mentorId }, { projection: { studentId: 1 } });
  if (links.length === 0) return [];
  // The condition again: a student unlinked by a commit between the two reads is not shown.
  const filter = { _id: { $in: links.map((l) => l.studentId) }, dashboardMentorIds: mentorId };
  return store.collection<DashboardStudentDoc>(DASHBOARD_STUDENTS).find(filter, { projection: FIELDS });
}

/** The dashboard of `mentorId` at `now`, or null when no such mentor is known. */
export async function readMentorDashboard(store: ReadStore, mentorId: string, now: Date): Promise<MentorDashboardView | null> {
  const nowMs = now.getTime();
  const [mentor, docs] = await Promise.all([
    store.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).findOne({ _id: mentorId }, { projection: { name: 1, capacity: 1, caseloadSize: 1, unavailable: 1 } }),
    mentorsStudents(store, mentorId),
  ]);
  if (!mentor && docs.length === 0) return null;

  const students: MentorDashboardStudent[] = [];
  const others: FormerStudentActions[] = [];
  const counts = Object.fromEntries(PENDING_ACTION_KINDS.map((k) => [k, 0])) as Record<PendingActionKind, number>;
  for (const doc of docs) {
    const pendingActions = pendingActionsOf(doc, mentorId, nowMs);
    for (const action of pendingActions) counts[action.kind] += 1;
    const { student, mentoring } = doc;
    const current = mentoring.mentorId === mentorId && (doc.status === 'active' || doc.status === 'paused');
    if (!current) {
      if (pendingActions.length > 0) others.push({ studentId: doc.studentId, name: student.name, status: doc.status, currentMentorId: mentoring.mentorId, pendingActions });
      continue;
    }
    students.push({
      studentId: doc.studentId,
      name: student.name,
      email: student.email,
      trainingPath: student.trainingPath,
      profileKind: doc.profileKind,
      registeredDisability: student.registeredDisability,
      status: doc.status,
      mentorSince: mentoring.mentorship?.since ?? null,
      firstContactAt: mentoring.mentorship?.firstContactAt ?? null,
      discoveryHeldAt: mentoring.mentorship?.discoveryHeldAt ?? null,
      nextSession: nextSessionOf(doc, mentorId, nowMs),
      openFollowUps: mentoring.openFollowUpIds.length,
      pendingActions,
    });
  }
  const bySince = (a: { mentorSince: string | null; studentId: string }, b: { mentorSince: string | null; studentId: string }) =>
    compare(a.mentorSince, b.mentorSince) || compare(a.studentId, b.studentId);
  students.sort(bySince);
  others.sort((a, b) => compare(a.studentId, b.studentId));
  return {
    mentorId,
    name: mentor?.name ?? null,
    capacity: mentor?.capacity ?? null,
    caseloadSize: mentor?.caseloadSize ?? null,
    remainingCapacity: mentor ? Math.max(0, mentor.capacity - mentor.caseloadSize) : null,
    unavailable: mentor?.unavailable ?? null,
    asOf: now.toISOString(),
    students: wholePage(students),
    otherPendingActions: wholePage(others),
    pendingActionCounts: counts,
  };
}
