// What the student's rules need, one type per training status so that illegal states cannot exist.
import { Actor } from '../shared/actor';
import { FollowUpReason, SessionCancelled, StudentEnrolled } from './student.events';

export type SessionStatus = 'booked' | 'held' | 'missed' | 'cancelled';

export interface SessionRecord {
  sessionId: string;
  kind: 'discovery' | 'regular';
  mentorId: string;
  start: string;
  end: string;
  durationMinutes: number;
  /** The mentor's calendar slot this session holds (changes with a reschedule). */
  slotId: string;
  status: SessionStatus;
  /** Set when cancelled. */
  cancellation: { reason: SessionCancelled['data']['reason']; late: boolean } | null;
  /** Set when a substantial delay was recorded. */
  delayMinutes: number | null;
}

/** The current mentor relationship; a change of mentor starts a new one (new first contact, new discovery session). */
export interface Mentorship {
  mentorId: string;
  /** The caseload reservation on the mentor's stream that this mentorship consumed (R9). */
  reservationId: string;
  since: string;
  firstContactAt: string | null;
  discoverySessionId: string | null;
  firstHeldSessionId: string | null;
}

/** The first session held in a mentorship, whose recording the team reviews (R13). Kept after a change of mentor. */
export interface FirstSessionReview {
  sessionId: string;
  mentorId: string;
  recordingUrl: string | null;
  feedback: string | null;
}

export interface FollowUp {
  followUpId: string;
  reason: FollowUpReason;
  note: string | null;
  requestedBy: Actor;
  status: 'open' | 'resolved';
  resolution: string | null;
}

/** Everything known about an enrolled student, whatever the status. */
export interface StudentFile {
  enrolment: StudentEnrolled['data'];
  sessions: Record<string, SessionRecord>;
  firstSessions: Record<string, FirstSessionReview>;
  followUps: Record<string, FollowUp>;
  comments: Record<string, { text: string; authorId: string }>;
  pendingChangeRequest: { requestId: string; reason: string } | null;
  /** Every request id ever answered (changed or declined), so a retried request is recognised. */
  closedChangeRequests: string[];
  /** Mondays (YYYY-MM-DD) already recorded as weeks without a held session. */
  weeksWithoutSession: string[];
  /**
   * Every reservation id (caseload or calendar) this stream has seen: consumed by a fact, or lapsed. A
   * reservation is consumed at most once and never after it lapsed (docs/adr/0002: why no release can free
   * a slot somebody relies on).
   */
  reservations: Record<string, 'consumed' | 'lapsed'>;
  /** Set once the student's personal data was erased: only facts that need none may still be recorded. */
  erasedAt: string | null;
}

export type StudentState =
  | { status: 'not_enrolled' }
  | { status: 'awaiting_mentor'; file: StudentFile }
  | { status: 'active'; file: StudentFile; mentorship: Mentorship }
  | { status: 'paused'; file: StudentFile; mentorship: Mentorship; pausedAt: string }
  | { status: 'completed'; file: StudentFile; mentorship: Mentorship; completedAt: string }
  | { status: 'withdrawn'; file: StudentFile; mentorship: Mentorship | null; withdrawnAt: string };

export type EnrolledStudentState = Exclude<StudentState, { status: 'not_enrolled' }>;

export const initialStudentState: StudentState = { status: 'not_enrolled' };

/** The mentorship of a state, if the student has (or last had) a mentor. */
export function mentorshipOf(state: StudentState): Mentorship | null {
  return state.status === 'not_enrolled' || state.status === 'awaiting_mentor' ? null : state.mentorship;
}
