// Facts recorded in a student's stream (`student-<studentId>`). Plain JSON; absent values are `null`, never missing.
import { FundingProfileKind } from '../policy';
import { Actor } from '../shared/actor';
import { DomainEvent } from '../shared/decider';
import { FundingProfile } from './funding';

/** What a mentor needs to contact the student (R10 e-mail). */
export interface StudentContact {
  name: string;
  email: string;
  trainingPath: string;
}

/** The practical side of the profile (R6), as the assignment e-mail presents it. */
export interface ProfileSummary {
  kind: FundingProfileKind;
  funderId: string | null;
  funder: string | null;
  cohort: string | null;
  endDate: string | null;
  sessionMinutes: number;
  attendanceObligatory: boolean;
}

export type StudentEnrolled = DomainEvent<
  'StudentEnrolled',
  {
    studentId: string;
    name: string;
    email: string;
    trainingPath: string;
    /** Sensitive (R7): readable by the student, the assigned mentor and the mentorship team only. */
    registeredDisability: boolean;
    startDate: string;
    funding: FundingProfile;
    /** Fixed at enrolment from the policy (R4, R15): the contract the student signed. */
    attendanceObligatory: boolean;
    enrolledAt: string;
  }
>;

export type StudentAssigned = DomainEvent<
  'StudentAssigned',
  {
    studentId: string;
    mentorId: string;
    /** The caseload reservation on the mentor's stream this assignment consumes (docs/adr/0002); v1: legacy id. */
    reservationId: string;
    assignedAt: string;
    assignedBy: Actor;
    student: StudentContact;
    profile: ProfileSummary;
  }
>;

export type MentorChangeRequested = DomainEvent<
  'MentorChangeRequested',
  { requestId: string; studentId: string; currentMentorId: string; reason: string; requestedBy: Actor; requestedAt: string }
>;

export type MentorChangeRequestDeclined = DomainEvent<
  'MentorChangeRequestDeclined',
  { requestId: string; studentId: string; reason: string; declinedBy: Actor; declinedAt: string }
>;

export type MentorChanged = DomainEvent<
  'MentorChanged',
  {
    studentId: string;
    fromMentorId: string;
    toMentorId: string;
    /** The caseload reservation on the new mentor this change consumes. */
    reservationId: string;
    /** The previous mentor's reservation, given back by the reservations process. */
    previousReservationId: string;
    reason: string;
    decidedBy: Actor;
    /** The student's request this change answers, if any (R8). */
    requestId: string | null;
    changedAt: string;
    /** For the new mentor's assignment e-mail (R10, "transfers"). */
    student: StudentContact;
    profile: ProfileSummary;
  }
>;

export type FirstContactRecorded = DomainEvent<'FirstContactRecorded', { studentId: string; mentorId: string; contactedAt: string }>;

export type InternalCommentAdded = DomainEvent<
  'InternalCommentAdded',
  {
    commentId: string;
    studentId: string;
    text: string;
    /** Always `internal`: visible to mentors and staff, never to the student (R11). */
    visibility: 'internal';
    author: Actor;
    addedAt: string;
  }
>;

export const FOLLOW_UP_REASONS = ['unresponsive_student', 'missed_sessions', 'other'] as const;
export type FollowUpReason = (typeof FOLLOW_UP_REASONS)[number];

export type FollowUpRequested = DomainEvent<
  'FollowUpRequested',
  {
    followUpId: string;
    studentId: string;
    mentorId: string | null;
    reason: FollowUpReason;
    note: string | null;
    requestedBy: Actor;
    requestedAt: string;
  }
>;

export type FollowUpResolved = DomainEvent<
  'FollowUpResolved',
  { followUpId: string; studentId: string; resolution: string; resolvedBy: Actor; resolvedAt: string }
>;

export type TrainingPaused = DomainEvent<'TrainingPaused', { studentId: string; reason: string | null; pausedAt: string }>;
export type TrainingResumed = DomainEvent<'TrainingResumed', { studentId: string; resumedAt: string }>;
/** `reservationId`: the ended mentorship's caseload reservation, given back by the reservations process. */
export type TrainingCompleted = DomainEvent<'TrainingCompleted', { studentId: string; mentorId: string; reservationId: string; completedAt: string }>;
export type TrainingWithdrawn = DomainEvent<
  'TrainingWithdrawn',
  { studentId: string; mentorId: string | null; reservationId: string | null; reason: string; withdrawnBy: Actor; withdrawnAt: string }
>;

interface BookedSessionData {
  sessionId: string;
  studentId: string;
  mentorId: string;
  start: string;
  end: string;
  durationMinutes: number;
  /** The slot reserved on the mentor's calendar that this booking consumes; v1: the session id. */
  slotId: string;
  bookedAt: string;
}

export type DiscoverySessionBooked = DomainEvent<'DiscoverySessionBooked', BookedSessionData>;
export type SessionBooked = DomainEvent<'SessionBooked', BookedSessionData>;

export type SessionRescheduled = DomainEvent<
  'SessionRescheduled',
  {
    sessionId: string;
    studentId: string;
    mentorId: string;
    previousStart: string;
    previousEnd: string;
    start: string;
    end: string;
    /** The new time's slot on the mentor's calendar; the previous one is given back by the reservations process. */
    slotId: string;
    previousSlotId: string;
    rescheduledAt: string;
  }
>;

/** Reasons a client may give when cancelling. */
export const CANCELLATION_REASONS = ['student_more_than_24h', 'student_less_than_24h', 'mentor', 'other'] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];
/** Reasons the domain itself cancels booked sessions for (mentor change, pause, end of training). */
export type AutomaticCancellationReason = 'mentor_changed' | 'training_paused' | 'training_ended';

export type SessionCancelled = DomainEvent<
  'SessionCancelled',
  {
    sessionId: string;
    studentId: string;
    mentorId: string;
    start: string;
    end: string;
    /** The calendar slot the reservations process gives back. */
    slotId: string;
    reason: CancellationReason | AutomaticCancellationReason;
    text: string | null;
    /** Derived from the times, never taken from the client: a student cancelling inside the threshold (R15). */
    late: boolean;
    cancelledAt: string;
  }
>;

export type SessionHeld = DomainEvent<
  'SessionHeld',
  {
    sessionId: string;
    studentId: string;
    mentorId: string;
    start: string;
    end: string;
    discovery: boolean;
    /** The first session held by this mentor with this student: its recording goes to the team (R13). */
    firstOfMentorship: boolean;
    heldAt: string;
  }
>;

export type SessionMissed = DomainEvent<
  'SessionMissed',
  { sessionId: string; studentId: string; mentorId: string; start: string; reason: 'no_show'; recordedAt: string }
>;

export type SubstantialDelayRecorded = DomainEvent<
  'SubstantialDelayRecorded',
  { sessionId: string; studentId: string; mentorId: string; start: string; delayMinutes: number; recordedAt: string }
>;

export type FirstSessionRecordingSubmitted = DomainEvent<
  'FirstSessionRecordingSubmitted',
  { studentId: string; sessionId: string; mentorId: string; recordingUrl: string; submittedAt: string }
>;

export type FirstSessionFeedbackGiven = DomainEvent<
  'FirstSessionFeedbackGiven',
  { studentId: string; sessionId: string; mentorId: string; feedback: string; givenBy: Actor; givenAt: string }
>;

export const ATTENDANCE_FACT_KINDS = ['no_show', 'late_cancellation', 'substantial_delay', 'week_without_session'] as const;
export type AttendanceFactKind = (typeof ATTENDANCE_FACT_KINDS)[number];

export type AttendanceFactRecorded = DomainEvent<
  'AttendanceFactRecorded',
  {
    studentId: string;
    kind: AttendanceFactKind;
    sessionId: string | null;
    /** Monday (YYYY-MM-DD) of the week, for `week_without_session`. */
    weekStart: string | null;
    profile: FundingProfileKind;
    funderId: string;
    funder: string;
    cohort: string | null;
    mentorId: string | null;
    /** When the fact happened (session start, or the week's Monday at 00:00Z). */
    occurredAt: string;
    recordedAt: string;
  }
>;

export type AttendanceAlertRaised = DomainEvent<
  'AttendanceAlertRaised',
  {
    studentId: string;
    kind: AttendanceFactKind;
    sessionId: string | null;
    weekStart: string | null;
    funderId: string;
    funder: string;
    cohort: string | null;
    mentorId: string | null;
    raisedAt: string;
  }
>;

/**
 * A reservation on a mentor's stream (caseload) or calendar that no fact on this stream consumed: voided here
 * first, so that no request can consume it any more, and only then released (docs/adr/0002).
 */
export type ReservationLapsed = DomainEvent<
  'ReservationLapsed',
  { studentId: string; kind: 'caseload' | 'calendar'; mentorId: string; reservationId: string; lapsedAt: string }
>;

/**
 * The student's personal data was erased (GDPR Art. 17): their data key is destroyed, so their name, e-mail,
 * disability flag, tutor's contact and every free text about them read as placeholders everywhere, while the facts
 * (assignments, sessions, attendance, with dates and actors) stay. `reason` is about the erasure (who asked, on
 * which ground) and is recorded in clear for the auditor: it must name no person.
 */
export type StudentPersonalDataErased = DomainEvent<
  'StudentPersonalDataErased',
  { studentId: string; reason: string; erasedBy: Actor; erasedAt: string }
>;

export type StudentEvent =
  | StudentEnrolled
  | StudentAssigned
  | MentorChangeRequested
  | MentorChangeRequestDeclined
  | MentorChanged
  | FirstContactRecorded
  | InternalCommentAdded
  | FollowUpRequested
  | FollowUpResolved
  | TrainingPaused
  | TrainingResumed
  | TrainingCompleted
  | TrainingWithdrawn
  | DiscoverySessionBooked
  | SessionBooked
  | SessionRescheduled
  | SessionCancelled
  | SessionHeld
  | SessionMissed
  | SubstantialDelayRecorded
  | FirstSessionRecordingSubmitted
  | FirstSessionFeedbackGiven
  | AttendanceFactRecorded
  | AttendanceAlertRaised
  | ReservationLapsed
  | StudentPersonalDataErased;

export type StudentEventType = StudentEvent['type'];

/** The stream of one student. */
export function studentStreamId(studentId: string): string {
  return `student-${studentId}`;
}
