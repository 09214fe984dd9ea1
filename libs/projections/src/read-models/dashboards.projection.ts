// Read models for the dashboards: one document per student (what the mentor, the mentorship team and the
// overseers of the training see about it) and one document per item the mentorship team has to handle
// (follow-ups, change-of-mentor requests, first-session recordings awaiting feedback, attendance alerts).
//
// Both follow the student's stream only. Every event this projection handles moves the student document's
// `revision`, and the items an event opens or closes are written in the same unit of work, so the student
// document's revision guards them too: an event already applied changes nothing anywhere.
//
// The documents hold no clock-dependent facts: "the next session" and "sessions whose outcome is not
// recorded" depend on the time of the question, so the booked sessions are stored with their start and
// end, and the query decides what is past.
import type { RecordedEvent } from '@mentoring/event-store';
import type { ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import type { Projection } from '../projection';
import type { StreamDoc } from './apply-once';
import { Data, flag, funderKeyOf, partyId, partyName, record, text } from './event-data';

export const DASHBOARD_STUDENTS = 'dashboard_students';
export const DASHBOARD_TEAM_ITEMS = 'dashboard_team_items';

export type DashboardStudentStatus = 'waiting_for_mentor' | 'active' | 'paused' | 'completed' | 'withdrawn';

/** A session booked and not yet held, missed or cancelled. */
export interface BookedSession {
  sessionId: string;
  kind: 'discovery' | 'regular';
  mentorId: string | null;
  start: string;
  end: string;
  bookedAt: string | null;
}

/** The current mentor relationship; a change of mentor starts a new one (new first contact, new discovery session). */
export interface DashboardMentorship {
  mentorId: string;
  since: string;
  firstContactAt: string | null;
  /** The discovery session booked in this mentorship (null when none, or when it was cancelled or missed). */
  discoverySessionId: string | null;
  /** Start of the discovery session once held. */
  discoveryHeldAt: string | null;
  /** The first session held in this mentorship, whose recording the team reviews (R13). */
  firstHeldSessionId: string | null;
}

/** R13: the first session held with a mentor, its recording and the team's feedback. */
export interface FirstSessionReview {
  sessionId: string;
  mentorId: string | null;
  heldAt: string | null;
  recordingSubmittedAt: string | null;
  feedbackGivenAt: string | null;
}

/** Counted from the session events, whatever the profile (R14, R15). */
export interface AttendanceCounts {
  held: number;
  noShows: number;
  /** Cancelled by the student inside the threshold: counts as missed (R15). */
  lateCancellations: number;
  /** Every other cancellation (in time, by the mentor, automatic). */
  cancellations: number;
  substantialDelays: number;
  /** From `AttendanceFactRecorded` (obligatory attendance only). */
  weeksWithoutSession: number;
}

/** R4/R15: an attendance fact as recorded for the funder. */
export interface DashboardAttendanceFact {
  kind: string;
  sessionId: string | null;
  weekStart: string | null;
  occurredAt: string | null;
  recordedAt: string | null;
}

export interface LastHeldSession {
  sessionId: string;
  kind: 'discovery' | 'regular';
  mentorId: string | null;
  start: string | null;
}

/** What the dashboards know about one student (the document without its `_id` and `revision`). */
export type DashboardStudent = {
  studentId: string;
  name: string | null;
  email: string | null;
  trainingPath: string | null;
  /** Sensitive (R7): served to the student, the assigned mentor and the mentorship team only. */
  registeredDisability: boolean;
  profileKind: string | null;
  startDate: string | null;
  endDate: string | null;
  attendanceObligatory: boolean;
  /** Who pays (R4): company (apprenticeship), employer (employee), public funder (social programme). */
  funderId: string | null;
  funder: string | null;
  cohort: string | null;
  /** Parties of the funding profile, matched against the subject of an overseer's token (R2). */
  companyId: string | null;
  employerId: string | null;
  tutorId: string | null;
  publicFunderId: string | null;
  status: DashboardStudentStatus;
  enrolledAt: string | null;
  /** Since when the student waits for a mentor; null once assigned or gone. */
  waitingSince: string | null;
  mentorId: string | null;
  mentorship: DashboardMentorship | null;
  bookedSessions: BookedSession[];
  lastHeldSession: LastHeldSession | null;
  firstSessionReviews: FirstSessionReview[];
  attendance: AttendanceCounts;
  attendanceFacts: DashboardAttendanceFact[];
  openFollowUpIds: string[];
  pendingChangeRequestId: string | null;
  /**
   * Mentors whose dashboard shows this student: the current mentor while the training runs, and any
   * mentor who still owes something (an outcome for a booked session, the first-session recording),
   * also after a change of mentor or the end of the training. Sorted.
   */
  dashboardMentorIds: string[];
  updatedAt: string;
};

export type DashboardStudentDoc = StreamDoc & DashboardStudent;

export type TeamItemKind = 'follow_up' | 'mentor_change_request' | 'recording_review' | 'attendance_alert';

type TeamItemBase = {
  _id: string;
  /** Stream revision of the last event that changed the item. */
  revision: number;
  kind: TeamItemKind;
  studentId: string;
  mentorId: string | null;
  /** Whether the team still has to act on it. Attendance alerts have no acknowledgement: always open. */
  open: boolean;
  /** When it was raised: the team sees the oldest first (or, for alerts, the most recent). */
  since: string;
  closedAt: string | null;
  /** How it was closed: `resolved`, `declined`, `mentor_changed`, `training_ended`, `feedback_given`. */
  closedBy: string | null;
};

export type FollowUpItem = TeamItemBase & {
  kind: 'follow_up';
  followUpId: string;
  reason: string | null;
  note: string | null;
  requestedBy: { id: string | null; role: string | null };
  resolution: string | null;
};

export type MentorChangeRequestItem = TeamItemBase & {
  kind: 'mentor_change_request';
  requestId: string;
  reason: string | null;
  requestedBy: { id: string | null; role: string | null };
};

export type RecordingReviewItem = TeamItemBase & {
  kind: 'recording_review';
  sessionId: string;
  recordingUrl: string | null;
};

export type AttendanceAlertItem = TeamItemBase & {
  kind: 'attendance_alert';
  alertKind: string | null;
  sessionId: string | null;
  weekStart: string | null;
  funderId: string | null;
  funder: string | null;
  cohort: string | null;
};

export type TeamItemDoc = FollowUpItem | MentorChangeRequestItem | RecordingReviewItem | AttendanceAlertItem;

const NO_ATTENDANCE: AttendanceCounts = { held: 0, noShows: 0, lateCancellations: 0, cancellations: 0, substantialDelays: 0, weeksWithoutSession: 0 };

export function followUpItemId(studentId: string, followUpId: string): string {
  return `follow_up:${studentId}:${followUpId}`;
}
export function changeRequestItemId(studentId: string, requestId: string): string {
  return `mentor_change_request:${studentId}:${requestId}`;
}
export function recordingItemId(studentId: string, sessionId: string): string {
  return `recording_review:${studentId}:${sessionId}`;
}
/** An alert has no id of its own: the stream revision of the event that raised it is one. */
export function alertItemId(studentId: string, revision: number): string {
  return `attendance_alert:${studentId}:${revision}`;
}

type Student = DashboardStudent;

/** What one event does: the next student document, and the team items it opens or closes. */
interface Effect {
  student: Student | null;
  open: TeamItemDoc[];
  close: Array<{ id: string; closedBy: string; set?: Record<string, unknown> }>;
}

function actorOf(value: unknown): { id: string | null; role: string | null } {
  const actor = record(value);
  return { id: text(actor.id), role: text(actor.role) };
}

function enrolled(event: RecordedEvent, d: Data): Student {
  const funding = record(d.funding);
  const kind = text(funding.kind);
  const funderKey = funderKeyOf(kind);
  const enrolledAt = text(d.enrolledAt) ?? event.metadata.occurredAt;
  return {
    studentId: String(d.studentId),
    name: text(d.name),
    email: text(d.email),
    trainingPath: text(d.trainingPath),
    registeredDisability: flag(d.registeredDisability),
    profileKind: kind,
    startDate: text(d.startDate),
    endDate: text(funding.endDate),
    attendanceObligatory: flag(d.attendanceObligatory),
    funderId: funderKey ? partyId(funding, funderKey) : null,
    funder: funderKey ? partyName(funding, funderKey) : null,
    cohort: text(funding.cohort),
    companyId: partyId(funding, 'company'),
    employerId: partyId(funding, 'employer'),
    tutorId: partyId(funding, 'tutor'),
    publicFunderId: partyId(funding, 'publicFunder'),
    status: 'waiting_for_mentor',
    enrolledAt,
    waitingSince: enrolledAt,
    mentorId: null,
    mentorship: null,
    bookedSessions: [],
    lastHeldSession: null,
    firstSessionReviews: [],
    attendance: { ...NO_ATTENDANCE },
    attendanceFacts: [],
    openFollowUpIds: [],
    pendingChangeRequestId: null,
    dashboardMentorIds: [],
    updatedAt: event.metadata.occurredAt,
  };
}

/** See {@link DashboardStudent.dashboardMentorIds}. */
function dashboardMentorIdsOf(s: Student): string[] {
  const ids = new Set<string>();
  if (s.mentorId && (s.status === 'active' || s.status === 'paused')) ids.add(s.mentorId);
  for (const b of s.bookedSessions) if (b.mentorId) ids.add(b.mentorId);
  for (const r of s.firstSessionReviews) if (r.mentorId && r.recordingSubmittedAt === null) ids.add(r.mentorId);
  return [...ids].sort();
}

function newMentorship(mentorId: string, since: string): DashboardMentorship {
  return { mentorId, since, firstContactAt: null, discoverySessionId: null, discoveryHeldAt: null, firstHeldSessionId: null };
}

function withoutSession(s: Student, sessionId: string): BookedSession[] {
  return s.bookedSessions.filter((b) => b.sessionId !== sessionId);
}

/** A discovery session cancelled or missed may be booked again (R12). */
function clearDiscovery(m: DashboardMentorship | null, sessionId: string): DashboardMentorship | null {
  return m && m.discoverySessionId === sessionId ? { ...m, discoverySessionId: null } : m;
}

function closeChangeRequest(s: Student, closedBy: string, closedAt: string): Effect['close'] {
  return s.pendingChangeRequestId ? [{ id: changeRequestItemId(s.studentId, s.pendingChangeRequestId), closedBy, set: { closedAt } }] : [];
}

function item<T extends TeamItemDoc>(id: string, event: RecordedEvent, fields: Omit<T, '_id' | 'revision' | 'closedAt' | 'closedBy'>): T {
  return { _id: id, ...fields, closedAt: null, closedBy: null, revision: event.revision } as T;
}

/** The effect of one student event on the document `s` (null before enrolment). */
function effectOf(s: Student | null, event: RecordedEvent): Effect | null {
  const d = record(event.data);
  const at = event.metadata.occurredAt;
  if (event.type === 'StudentEnrolled') return s ? null : { student: enrolled(event, d), open: [], close: [] };
  if (!s) return null;
  const next = (change: Partial<Student>): Student => ({ ...s, ...change, updatedAt: at });
  const none = { open: [], close: [] };
  const sessionId = text(d.sessionId);

  switch (event.type) {
    case 'StudentAssigned': {
      const mentorId = text(d.mentorId);
      if (!mentorId) return null;
      const since = text(d.assignedAt) ?? at;
      return { student: next({ status: 'active', mentorId, waitingSince: null, mentorship: newMentorship(mentorId, since) }), ...none };
    }
    case 'MentorChanged': {
      const mentorId = text(d.toMentorId);
      if (!mentorId) return null;
      const since = text(d.changedAt) ?? at;
      return {
        student: next({ mentorId, mentorship: newMentorship(mentorId, since), pendingChangeRequestId: null }),
        open: [],
        close: closeChangeRequest(s, 'mentor_changed', since),
      };
    }
    case 'MentorChangeRequested': {
      const requestId = text(d.requestId);
      if (!requestId) return null;
      return {
        student: next({ pendingChangeRequestId: requestId }),
        open: [
          item<MentorChangeRequestItem>(changeRequestItemId(s.studentId, requestId), event, {
            kind: 'mentor_change_request',
            studentId: s.studentId,
            mentorId: text(d.currentMentorId) ?? s.mentorId,
            open: true,
            since: text(d.requestedAt) ?? at,
            requestId,
            reason: text(d.reason),
            requestedBy: actorOf(d.requestedBy),
          }),
        ],
        close: [],
      };
    }
    case 'MentorChangeRequestDeclined': {
      const requestId = text(d.requestId);
      if (!requestId) return null;
      return {
        student: next({ pendingChangeRequestId: s.pendingChangeRequestId === requestId ? null : s.pendingChangeRequestId }),
        open: [],
        close: [{ id: changeRequestItemId(s.studentId, requestId), closedBy: 'declined', set: { closedAt: text(d.declinedAt) ?? at } }],
      };
    }
    case 'FirstContactRecorded': {
      const m = s.mentorship;
      if (!m || m.firstContactAt !== null) return { student: next({}), ...none };
      return { student: next({ mentorship: { ...m, firstContactAt: text(d.contactedAt) ?? at } }), ...none };
    }
    case 'FollowUpRequested': {
      const followUpId = text(d.followUpId);
      if (!followUpId) return null;
      return {
        student: next({ openFollowUpIds: s.openFollowUpIds.includes(followUpId) ? s.openFollowUpIds : [...s.openFollowUpIds, followUpId] }),
        open: [
          item<FollowUpItem>(followUpItemId(s.studentId, followUpId), event, {
            kind: 'follow_up',
            studentId: s.studentId,
            mentorId: text(d.mentorId),
            open: true,
            since: text(d.requestedAt) ?? at,
            followUpId,
            reason: text(d.reason),
            note: text(d.note),
            requestedBy: actorOf(d.requestedBy),
            resolution: null,
          }),
        ],
        close: [],
      };
    }
    case 'FollowUpResolved': {
      const followUpId = text(d.followUpId);
      if (!followUpId) return null;
      return {
        student: next({ openFollowUpIds: s.openFollowUpIds.filter((id) => id !== followUpId) }),
        open: [],
        close: [{ id: followUpItemId(s.studentId, followUpId), closedBy: 'resolved', set: { closedAt: text(d.resolvedAt) ?? at, resolution: text(d.resolution) } }],
      };
    }
    case 'TrainingPaused':
      return { student: s.status === 'active' ? next({ status: 'paused' }) : next({}), ...none };
    case 'TrainingResumed':
      return { student: s.status === 'paused' ? next({ status: 'active' }) : next({}), ...none };
    case 'TrainingCompleted':
    case 'TrainingWithdrawn': {
      if (s.status === 'completed' || s.status === 'withdrawn') return { student: next({}), ...none };
      if (event.type === 'TrainingCompleted' && s.status === 'waiting_for_mentor') return { student: next({}), ...none };
      const endedAt = text(d.completedAt) ?? text(d.withdrawnAt) ?? at;
      return {
        student: next({ status: event.type === 'TrainingCompleted' ? 'completed' : 'withdrawn', waitingSince: null, pendingChangeRequestId: null }),
        open: [],
        // A request for another mentor cannot be granted once the training has ended.
        close: closeChangeRequest(s, 'training_ended', endedAt),
      };
    }
    case 'DiscoverySessionBooked':
    case 'SessionBooked': {
      const start = text(d.start);
      const end = text(d.end);
      if (!sessionId || !start || !end || s.bookedSessions.some((b) => b.sessionId === sessionId)) return { student: next({}), ...none };
      const kind = event.type === 'DiscoverySessionBooked' ? 'discovery' : 'regular';
      const booked: BookedSession = { sessionId, kind, mentorId: text(d.mentorId), start, end, bookedAt: text(d.bookedAt) };
      const m = s.mentorship;
      return {
        student: next({
          bookedSessions: [...s.bookedSessions, booked].sort((a, b) => a.start.localeCompare(b.start) || a.sessionId.localeCompare(b.sessionId)),
          mentorship: kind === 'discovery' && m ? { ...m, discoverySessionId: sessionId } : m,
        }),
        ...none,
      };
    }
    case 'SessionRescheduled': {
      const start = text(d.start);
      const end = text(d.end);
      if (!sessionId || !start || !end) return { student: next({}), ...none };
      const moved = s.bookedSessions.map((b) => (b.sessionId === sessionId ? { ...b, start, end } : b));
      return { student: next({ bookedSessions: moved.sort((a, b) => a.start.localeCompare(b.start) || a.sessionId.localeCompare(b.sessionId)) }), ...none };
    }
    case 'SessionCancelled': {
      if (!sessionId) return { student: next({}), ...none };
      const late = flag(d.late);
      return {
        student: next({
          bookedSessions: withoutSession(s, sessionId),
          mentorship: clearDiscovery(s.mentorship, sessionId),
          attendance: late
            ? { ...s.attendance, lateCancellations: s.attendance.lateCancellations + 1 }
            : { ...s.attendance, cancellations: s.attendance.cancellations + 1 },
        }),
        ...none,
      };
    }
    case 'SessionHeld': {
      if (!sessionId) return { student: next({}), ...none };
      const mentorId = text(d.mentorId);
      const start = text(d.start);
      const discovery = flag(d.discovery);
      let m = s.mentorship;
      if (m && discovery && m.discoveryHeldAt === null && (mentorId === null || mentorId === m.mentorId)) m = { ...m, discoveryHeldAt: start ?? at };
      const reviews = [...s.firstSessionReviews];
      if (flag(d.firstOfMentorship)) {
        if (m) m = { ...m, firstHeldSessionId: sessionId };
        if (!reviews.some((r) => r.sessionId === sessionId)) {
          reviews.push({ sessionId, mentorId, heldAt: text(d.heldAt) ?? at, recordingSubmittedAt: null, feedbackGivenAt: null });
        }
      }
      return {
        student: next({
          bookedSessions: withoutSession(s, sessionId),
          mentorship: m,
          firstSessionReviews: reviews,
          lastHeldSession: { sessionId, kind: discovery ? 'discovery' : 'regular', mentorId, start },
          attendance: { ...s.attendance, held: s.attendance.held + 1 },
        }),
        ...none,
      };
    }
    case 'SessionMissed':
      if (!sessionId) return { student: next({}), ...none };
      return {
        student: next({
          bookedSessions: withoutSession(s, sessionId),
          mentorship: clearDiscovery(s.mentorship, sessionId),
          attendance: { ...s.attendance, noShows: s.attendance.noShows + 1 },
        }),
        ...none,
      };
    case 'SubstantialDelayRecorded':
      return { student: next({ attendance: { ...s.attendance, substantialDelays: s.attendance.substantialDelays + 1 } }), ...none };
    case 'AttendanceFactRecorded': {
      const kind = text(d.kind) ?? 'unknown';
      const fact: DashboardAttendanceFact = {
        kind,
        sessionId,
        weekStart: text(d.weekStart),
        occurredAt: text(d.occurredAt),
        recordedAt: text(d.recordedAt) ?? at,
      };
      const attendance = kind === 'week_without_session' ? { ...s.attendance, weeksWithoutSession: s.attendance.weeksWithoutSession + 1 } : s.attendance;
      return { student: next({ attendance, attendanceFacts: [...s.attendanceFacts, fact] }), ...none };
    }
    case 'AttendanceAlertRaised':
      return {
        student: next({}),
        open: [
          item<AttendanceAlertItem>(alertItemId(s.studentId, event.revision), event, {
            kind: 'attendance_alert',
            studentId: s.studentId,
            mentorId: text(d.mentorId),
            open: true,
            since: text(d.raisedAt) ?? at,
            alertKind: text(d.kind),
            sessionId,
            weekStart: text(d.weekStart),
            funderId: text(d.funderId),
            funder: text(d.funder),
            cohort: text(d.cohort),
          }),
        ],
        close: [],
      };
    case 'FirstSessionRecordingSubmitted': {
      if (!sessionId) return { student: next({}), ...none };
      const submittedAt = text(d.submittedAt) ?? at;
      return {
        student: next({ firstSessionReviews: s.firstSessionReviews.map((r) => (r.sessionId === sessionId ? { ...r, recordingSubmittedAt: submittedAt } : r)) }),
        open: [
          item<RecordingReviewItem>(recordingItemId(s.studentId, sessionId), event, {
            kind: 'recording_review',
            studentId: s.studentId,
            mentorId: text(d.mentorId),
            open: true,
            since: submittedAt,
            sessionId,
            recordingUrl: text(d.recordingUrl),
          }),
        ],
        close: [],
      };
    }
    case 'FirstSessionFeedbackGiven': {
      if (!sessionId) return { student: next({}), ...none };
      const givenAt = text(d.givenAt) ?? at;
      return {
        student: next({ firstSessionReviews: s.firstSessionReviews.map((r) => (r.sessionId === sessionId ? { ...r, feedbackGivenAt: givenAt } : r)) }),
        open: [],
        close: [{ id: recordingItemId(s.studentId, sessionId), closedBy: 'feedback_given', set: { closedAt: givenAt } }],
      };
    }
    default:
      return null;
  }
}

const HANDLED = [
  'StudentEnrolled',
  'StudentAssigned',
  'MentorChanged',
  'MentorChangeRequested',
  'MentorChangeRequestDeclined',
  'FirstContactRecorded',
  'FollowUpRequested',
  'FollowUpResolved',
  'TrainingPaused',
  'TrainingResumed',
  'TrainingCompleted',
  'TrainingWithdrawn',
  'DiscoverySessionBooked',
  'SessionBooked',
  'SessionRescheduled',
  'SessionCancelled',
  'SessionHeld',
  'SessionMissed',
  'SubstantialDelayRecorded',
  'AttendanceFactRecorded',
  'AttendanceAlertRaised',
  'FirstSessionRecordingSubmitted',
  'FirstSessionFeedbackGiven',
];

async function applyStudentEvent(event: RecordedEvent, tx: ReadStoreTransaction): Promise<void> {
  const studentId = text(record(event.data).studentId);
  if (!studentId) return;
  const students = tx.collection<DashboardStudentDoc>(DASHBOARD_STUDENTS);
  const current = await students.findOne({ _id: studentId });
  // The student document's revision guards everything this event writes (see the header).
  if (current && current.revision >= event.revision) return;
  // The stored document is folded as it is: its `_id` and `revision` are overwritten on write.
  const effect = effectOf(current, event);
  if (!effect || !effect.student) {
    if (current) await students.updateOne({ _id: studentId }, { $set: { revision: event.revision } });
    return;
  }
  const student = { ...effect.student, dashboardMentorIds: dashboardMentorIdsOf(effect.student) };
  await students.replaceOne({ _id: studentId }, { _id: studentId, ...student, revision: event.revision }, { upsert: true });
  const items = tx.collection<TeamItemDoc>(DASHBOARD_TEAM_ITEMS);
  for (const opened of effect.open) await items.replaceOne({ _id: opened._id }, opened, { upsert: true });
  for (const { id, closedBy, set } of effect.close) {
    await items.updateOne({ _id: id, open: true }, { $set: { ...set, open: false, closedBy, revision: event.revision } });
  }
}

export const dashboardsProjection: Projection = {
  name: 'dashboards',
  collections: [DASHBOARD_STUDENTS, DASHBOARD_TEAM_ITEMS],
  eventTypes: new Set(HANDLED),
  async setup(store: ReadStore) {
    const students = store.collection(DASHBOARD_STUDENTS);
    // A mentor's dashboard (multikey); the team's waiting list; oversight (R2) and funders' reports (R4).
    await students.createIndex({ dashboardMentorIds: 1 });
    await students.createIndex({ status: 1, waitingSince: 1 });
    await students.createIndex({ tutorId: 1 });
    await students.createIndex({ companyId: 1 });
    await students.createIndex({ employerId: 1 });
    await students.createIndex({ funderId: 1, cohort: 1 });
    // The team's lists: open items of a kind, oldest (or most recent) first.
    await store.collection(DASHBOARD_TEAM_ITEMS).createIndex({ kind: 1, open: 1, since: 1 });
  },
  apply: applyStudentEvent,
};

