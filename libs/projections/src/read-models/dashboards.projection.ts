// Read models for the dashboards: one document per student (what the mentor, the mentorship team and the
// overseers of the training see about it), one document per item the mentorship team still has to handle
// (open follow-ups, change-of-mentor requests, first-session recordings awaiting feedback: an item is
// deleted when it is closed, the history stays in the event store), and one per attendance alert.
//
// Both follow the student's stream only. Every event this projection handles moves the student document's
// `revision`, and the items an event opens or closes are written in the same unit of work, so the student
// document's revision guards them too: an event already applied changes nothing anywhere.
//
// The documents hold no clock-dependent facts: "the next session" and "sessions whose outcome is not
// recorded" depend on the time of the question, so the booked sessions are stored with their start and
// end, and the query decides what is past.
import type { RecordedEvent } from '@mentoring/event-store';
import type { Collection as ReadStoreCollection, Doc, ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import { ERASED_PLACEHOLDER } from '@mentoring/domain';
import type { Projection } from '../projection';
import type { StreamDoc } from './apply-once';
import { countForFunder, DASHBOARD_FUNDER_COHORTS, DASHBOARD_OVERSEER_STUDENTS, funderSortKey, linkOverseers, nameSortKey, overseerLinksOf } from './dashboard-party-reports';
import { Data, flag, funderKeyOf, partyId, partyName, record, text } from './event-data';
import { isoWeekOf } from './iso-week';

export const DASHBOARD_STUDENTS = 'dashboard_students';
export const DASHBOARD_TEAM_ITEMS = 'dashboard_team_items';
export const DASHBOARD_ATTENDANCE_ALERTS = 'dashboard_attendance_alerts';
/**
 * One document per (mentor, student) of {@link DashboardStudent.dashboardMentorIds}: a mentor's dashboard finds
 * its students through a scalar index. An index on the array itself is multikey in MongoDB but not in the
 * embedded store, where the lookup scanned every student (64 ms at 10k students, linear in the school).
 */
export const DASHBOARD_MENTOR_STUDENTS = 'dashboard_mentor_students';

export interface DashboardMentorStudentDoc extends Doc {
  mentorId: string;
  studentId: string;
}

const mentorStudentId = (mentorId: string, studentId: string) => `${mentorId}:${studentId}`;

export type DashboardStudentStatus = 'awaiting_mentor' | 'active' | 'paused' | 'completed' | 'withdrawn';

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
/** Who the student is and what the funding profile fixed (from the enrolment; R1–R7). */
export type DashboardStudentFile = {
  name: string | null;
  email: string | null;
  trainingPath: string | null;
  /** Sensitive (R7): served to the student, the assigned mentor and the mentorship team only. */
  registeredDisability: boolean;
  startDate: string | null;
  endDate: string | null;
  attendanceObligatory: boolean;
  /** The name of who pays (see `funderId`). */
  funder: string | null;
  publicFunderId: string | null;
  enrolledAt: string | null;
  /** Derived from `name` ({@link nameSortKey}): an overseer's apprentices are in this order (R2). */
  sortName: string;
  /** Derived from the cohort and `sortName` ({@link funderSortKey}): a funder's report is in this order (R4). */
  funderOrder: string;
};

/** The mentoring side: the current mentor and mentorship, sessions to come, reviews, open requests. */
export type DashboardMentoring = {
  mentorId: string | null;
  mentorship: DashboardMentorship | null;
  bookedSessions: BookedSession[];
  lastHeldSession: LastHeldSession | null;
  firstSessionReviews: FirstSessionReview[];
  openFollowUpIds: string[];
  pendingChangeRequestId: string | null;
};

/**
 * What the dashboards know about one student (the document without its `_id` and `revision`). The fields
 * queries filter or sort on are at the top; the rest is grouped so that no object has more than 16
 * fields: the embedded store copies documents key by key, and V8 turns objects with more fields built
 * that way into dictionary objects, which made this projection and its queries ten times slower (measured
 * from about 5,000 students on).
 */
export type DashboardStudent = {
  studentId: string;
  profileKind: string | null;
  status: DashboardStudentStatus;
  /** Since when the student waits for a mentor; null once assigned or gone. */
  waitingSince: string | null;
  /**
   * Mentors whose dashboard shows this student: the current mentor while the training runs, and any
   * mentor who still owes something (an outcome for a booked session, the first-session recording),
   * also after a change of mentor or the end of the training. Sorted.
   */
  dashboardMentorIds: string[];
  /** Who pays (R4): company (apprenticeship), employer (employee), public funder (social programme). */
  funderId: string | null;
  cohort: string | null;
  /** Parties of the funding profile, matched against the subject of an overseer's token (R2). */
  companyId: string | null;
  employerId: string | null;
  tutorId: string | null;
  student: DashboardStudentFile;
  mentoring: DashboardMentoring;
  attendance: AttendanceCounts & { facts: DashboardAttendanceFact[] };
  updatedAt: string;
};

export type DashboardStudentDoc = StreamDoc & DashboardStudent;

export type TeamItemKind = 'follow_up' | 'mentor_change_request' | 'recording_review';

type TeamItemBase = {
  _id: string;
  /** Stream revision of the event that opened the item. */
  revision: number;
  kind: TeamItemKind;
  studentId: string;
  mentorId: string | null;
  /** When it was raised: the team sees the oldest first. */
  since: string;
};

export type FollowUpItem = TeamItemBase & {
  kind: 'follow_up';
  followUpId: string;
  reason: string | null;
  note: string | null;
  requestedBy: { id: string | null; role: string | null };
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

export type TeamItemDoc = FollowUpItem | MentorChangeRequestItem | RecordingReviewItem;

/**
 * R4/R15: an attendance alert, surfaced to the team at once. Alerts have no acknowledgement (they are
 * facts), so they are kept apart from the items the team closes, and found by the ISO week they were
 * raised in: "recent alerts" are equality lookups, never a scan of the whole history.
 */
export type AttendanceAlertDoc = {
  _id: string;
  revision: number;
  studentId: string;
  mentorId: string | null;
  raisedAt: string;
  raisedWeek: string | null;
  kind: string | null;
  sessionId: string | null;
  weekStart: string | null;
  funderId: string | null;
  funder: string | null;
  cohort: string | null;
};

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
export function alertId(studentId: string, revision: number): string {
  return `${studentId}:${revision}`;
}

type Student = DashboardStudent;

/** What one event does: the next student document, the team items and alerts it opens, the items it closes. */
interface Effect {
  student: Student | null;
  open: Array<TeamItemDoc | AttendanceAlertDoc>;
  close: string[];
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
    profileKind: kind,
    status: 'awaiting_mentor',
    waitingSince: enrolledAt,
    dashboardMentorIds: [],
    funderId: funderKey ? partyId(funding, funderKey) : null,
    cohort: text(funding.cohort),
    companyId: partyId(funding, 'company'),
    employerId: partyId(funding, 'employer'),
    tutorId: partyId(funding, 'tutor'),
    student: {
      name: text(d.name),
      email: text(d.email),
      trainingPath: text(d.trainingPath),
      registeredDisability: flag(d.registeredDisability),
      startDate: text(d.startDate),
      endDate: text(funding.endDate),
      attendanceObligatory: flag(d.attendanceObligatory),
      funder: funderKey ? partyName(funding, funderKey) : null,
      publicFunderId: partyId(funding, 'publicFunder'),
      enrolledAt,
      // Set from the name and cohort when the document is written (withSortKeys).
      sortName: '',
      funderOrder: '',
    },
    mentoring: { mentorId: null, mentorship: null, bookedSessions: [], lastHeldSession: null, firstSessionReviews: [], openFollowUpIds: [], pendingChangeRequestId: null },
    attendance: { ...NO_ATTENDANCE, facts: [] },
    updatedAt: event.metadata.occurredAt,
  };
}

/** See {@link DashboardStudent.dashboardMentorIds}. */
function dashboardMentorIdsOf(s: Student): string[] {
  const ids = new Set<string>();
  const m = s.mentoring;
  if (m.mentorId && (s.status === 'active' || s.status === 'paused')) ids.add(m.mentorId);
  for (const b of m.bookedSessions) if (b.mentorId) ids.add(b.mentorId);
  for (const r of m.firstSessionReviews) if (r.mentorId && r.recordingSubmittedAt === null) ids.add(r.mentorId);
  return [...ids].sort();
}

function newMentorship(mentorId: string, since: string): DashboardMentorship {
  return { mentorId, since, firstContactAt: null, discoverySessionId: null, discoveryHeldAt: null, firstHeldSessionId: null };
}

function withoutSession(s: Student, sessionId: string): BookedSession[] {
  return s.mentoring.bookedSessions.filter((b) => b.sessionId !== sessionId);
}

/** A discovery session cancelled or missed may be booked again (R12). */
function clearDiscovery(m: DashboardMentorship | null, sessionId: string): DashboardMentorship | null {
  return m && m.discoverySessionId === sessionId ? { ...m, discoverySessionId: null } : m;
}

/** Granted, or the training ended (it can no longer be granted). */
function closeChangeRequest(s: Student): Effect['close'] {
  const pending = s.mentoring.pendingChangeRequestId;
  return pending ? [changeRequestItemId(s.studentId, pending)] : [];
}

function item<T extends TeamItemDoc>(id: string, event: RecordedEvent, fields: Omit<T, '_id' | 'revision'>): T {
  return { _id: id, ...fields, revision: event.revision } as T;
}

/** The effect of one student event on the document `s` (null before enrolment). */
function effectOf(s: Student | null, event: RecordedEvent): Effect | null {
  const d = record(event.data);
  const at = event.metadata.occurredAt;
  if (event.type === 'StudentEnrolled') return s ? null : { student: enrolled(event, d), open: [], close: [] };
  if (!s) return null;
  const next = (change: Partial<Student>): Student => ({ ...s, ...change, updatedAt: at });
  const mentoring = (change: Partial<DashboardMentoring>, top: Partial<Student> = {}): Student => next({ ...top, mentoring: { ...s.mentoring, ...change } });
  const count = (field: keyof AttendanceCounts, change: Partial<DashboardMentoring> = {}): Student =>
    next({ attendance: { ...s.attendance, [field]: s.attendance[field] + 1 }, mentoring: { ...s.mentoring, ...change } });
  const none = { open: [], close: [] };
  const unchanged = { student: next({}), ...none };
  const sessionId = text(d.sessionId);
  const m = s.mentoring;
  const byStart = (a: BookedSession, b: BookedSession) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0);

  switch (event.type) {
    case 'StudentPersonalDataErased':
      return { student: next({ student: { ...s.student, name: ERASED_PLACEHOLDER, email: ERASED_PLACEHOLDER, registeredDisability: false } }), ...none };
    case 'StudentAssigned': {
      const mentorId = text(d.mentorId);
      if (!mentorId) return null;
      const since = text(d.assignedAt) ?? at;
      return { student: mentoring({ mentorId, mentorship: newMentorship(mentorId, since) }, { status: 'active', waitingSince: null }), ...none };
    }
    case 'MentorChanged': {
      const mentorId = text(d.toMentorId);
      if (!mentorId) return null;
      const since = text(d.changedAt) ?? at;
      return {
        student: mentoring({ mentorId, mentorship: newMentorship(mentorId, since), pendingChangeRequestId: null }),
        open: [],
        close: closeChangeRequest(s),
      };
    }
    case 'MentorChangeRequested': {
      const requestId = text(d.requestId);
      if (!requestId) return null;
      return {
        student: mentoring({ pendingChangeRequestId: requestId }),
        open: [
          item<MentorChangeRequestItem>(changeRequestItemId(s.studentId, requestId), event, {
            kind: 'mentor_change_request',
            studentId: s.studentId,
            mentorId: text(d.currentMentorId) ?? m.mentorId,
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
        student: mentoring({ pendingChangeRequestId: m.pendingChangeRequestId === requestId ? null : m.pendingChangeRequestId }),
        open: [],
        close: [changeRequestItemId(s.studentId, requestId)],
      };
    }
    case 'FirstContactRecorded': {
      const current = m.mentorship;
      if (!current || current.firstContactAt !== null) return unchanged;
      return { student: mentoring({ mentorship: { ...current, firstContactAt: text(d.contactedAt) ?? at } }), ...none };
    }
    case 'FollowUpRequested': {
      const followUpId = text(d.followUpId);
      if (!followUpId) return null;
      return {
        student: mentoring({ openFollowUpIds: m.openFollowUpIds.includes(followUpId) ? m.openFollowUpIds : [...m.openFollowUpIds, followUpId] }),
        open: [
          item<FollowUpItem>(followUpItemId(s.studentId, followUpId), event, {
            kind: 'follow_up',
            studentId: s.studentId,
            mentorId: text(d.mentorId),
            since: text(d.requestedAt) ?? at,
            followUpId,
            reason: text(d.reason),
            note: text(d.note),
            requestedBy: actorOf(d.requestedBy),
          }),
        ],
        close: [],
      };
    }
    case 'FollowUpResolved': {
      const followUpId = text(d.followUpId);
      if (!followUpId) return null;
      return {
        student: mentoring({ openFollowUpIds: m.openFollowUpIds.filter((id) => id !== followUpId) }),
        open: [],
        close: [followUpItemId(s.studentId, followUpId)],
      };
    }
    case 'TrainingPaused':
      return s.status === 'active' ? { student: next({ status: 'paused' }), ...none } : unchanged;
    case 'TrainingResumed':
      return s.status === 'paused' ? { student: next({ status: 'active' }), ...none } : unchanged;
    case 'TrainingCompleted':
    case 'TrainingWithdrawn': {
      if (s.status === 'completed' || s.status === 'withdrawn') return unchanged;
      if (event.type === 'TrainingCompleted' && s.status === 'awaiting_mentor') return unchanged;
      return {
        student: mentoring({ pendingChangeRequestId: null }, { status: event.type === 'TrainingCompleted' ? 'completed' : 'withdrawn', waitingSince: null }),
        open: [],
        // A request for another mentor cannot be granted once the training has ended.
        close: closeChangeRequest(s),
      };
    }
    case 'DiscoverySessionBooked':
    case 'SessionBooked': {
      const start = text(d.start);
      const end = text(d.end);
      if (!sessionId || !start || !end || m.bookedSessions.some((b) => b.sessionId === sessionId)) return unchanged;
      const kind = event.type === 'DiscoverySessionBooked' ? 'discovery' : 'regular';
      const booked: BookedSession = { sessionId, kind, mentorId: text(d.mentorId), start, end, bookedAt: text(d.bookedAt) };
      return {
        student: mentoring({
          bookedSessions: [...m.bookedSessions, booked].sort(byStart),
          mentorship: kind === 'discovery' && m.mentorship ? { ...m.mentorship, discoverySessionId: sessionId } : m.mentorship,
        }),
        ...none,
      };
    }
    case 'SessionRescheduled': {
      const start = text(d.start);
      const end = text(d.end);
      if (!sessionId || !start || !end) return unchanged;
      return { student: mentoring({ bookedSessions: m.bookedSessions.map((b) => (b.sessionId === sessionId ? { ...b, start, end } : b)).sort(byStart) }), ...none };
    }
    case 'SessionCancelled': {
      if (!sessionId) return unchanged;
      const change = { bookedSessions: withoutSession(s, sessionId), mentorship: clearDiscovery(m.mentorship, sessionId) };
      return { student: count(flag(d.late) ? 'lateCancellations' : 'cancellations', change), ...none };
    }
    case 'SessionHeld': {
      if (!sessionId) return unchanged;
      const mentorId = text(d.mentorId);
      const start = text(d.start);
      const discovery = flag(d.discovery);
      let mentorship = m.mentorship;
      if (mentorship && discovery && mentorship.discoveryHeldAt === null && (mentorId === null || mentorId === mentorship.mentorId)) {
        mentorship = { ...mentorship, discoveryHeldAt: start ?? at };
      }
      const reviews = [...m.firstSessionReviews];
      if (flag(d.firstOfMentorship)) {
        if (mentorship) mentorship = { ...mentorship, firstHeldSessionId: sessionId };
        if (!reviews.some((r) => r.sessionId === sessionId)) {
          reviews.push({ sessionId, mentorId, heldAt: text(d.heldAt) ?? at, recordingSubmittedAt: null, feedbackGivenAt: null });
        }
      }
      return {
        student: count('held', {
          bookedSessions: withoutSession(s, sessionId),
          mentorship,
          firstSessionReviews: reviews,
          lastHeldSession: { sessionId, kind: discovery ? 'discovery' : 'regular', mentorId, start },
        }),
        ...none,
      };
    }
    case 'SessionMissed':
      if (!sessionId) return unchanged;
      return { student: count('noShows', { bookedSessions: withoutSession(s, sessionId), mentorship: clearDiscovery(m.mentorship, sessionId) }), ...none };
    case 'SubstantialDelayRecorded':
      return { student: count('substantialDelays'), ...none };
    case 'AttendanceFactRecorded': {
      const kind = text(d.kind) ?? 'unknown';
      const fact: DashboardAttendanceFact = { kind, sessionId, weekStart: text(d.weekStart), occurredAt: text(d.occurredAt), recordedAt: text(d.recordedAt) ?? at };
      const a = s.attendance;
      return {
        student: next({ attendance: { ...a, weeksWithoutSession: a.weeksWithoutSession + (kind === 'week_without_session' ? 1 : 0), facts: [...a.facts, fact] } }),
        ...none,
      };
    }
    case 'AttendanceAlertRaised': {
      const raisedAt = text(d.raisedAt) ?? at;
      return {
        student: next({}),
        open: [
          {
            _id: alertId(s.studentId, event.revision),
            revision: event.revision,
            studentId: s.studentId,
            mentorId: text(d.mentorId),
            raisedAt,
            raisedWeek: isoWeekOf(raisedAt),
            kind: text(d.kind),
            sessionId,
            weekStart: text(d.weekStart),
            funderId: text(d.funderId),
            funder: text(d.funder),
            cohort: text(d.cohort),
          },
        ],
        close: [],
      };
    }
    case 'FirstSessionRecordingSubmitted': {
      if (!sessionId) return unchanged;
      const submittedAt = text(d.submittedAt) ?? at;
      return {
        student: mentoring({ firstSessionReviews: m.firstSessionReviews.map((r) => (r.sessionId === sessionId ? { ...r, recordingSubmittedAt: submittedAt } : r)) }),
        open: [
          item<RecordingReviewItem>(recordingItemId(s.studentId, sessionId), event, {
            kind: 'recording_review',
            studentId: s.studentId,
            mentorId: text(d.mentorId),
            since: submittedAt,
            sessionId,
            recordingUrl: text(d.recordingUrl),
          }),
        ],
        close: [],
      };
    }
    case 'FirstSessionFeedbackGiven': {
      if (!sessionId) return unchanged;
      const givenAt = text(d.givenAt) ?? at;
      return {
        student: mentoring({ firstSessionReviews: m.firstSessionReviews.map((r) => (r.sessionId === sessionId ? { ...r, feedbackGivenAt: givenAt } : r)) }),
        open: [],
        close: [recordingItemId(s.studentId, sessionId)],
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
  'StudentPersonalDataErased',
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
  const student = withSortKeys(current, { ...effect.student, dashboardMentorIds: dashboardMentorIdsOf(effect.student) });
  await students.replaceOne({ _id: studentId }, { _id: studentId, ...student, revision: event.revision }, { upsert: true });
  await linkMentors(tx, studentId, current?.dashboardMentorIds ?? [], student.dashboardMentorIds);
  // The reports of one party (R2, R4): the overseers' links and the funder's buckets follow the document (most
  // events change neither the parties, the name nor the counts).
  const same = current !== null && sameParties(current, student);
  if (!same) await linkOverseers(tx, studentId, overseerLinksOf(current), overseerLinksOf(student));
  if (!same || current.attendance !== student.attendance) await countForFunder(tx, current, student);
  const items = tx.collection<TeamItemDoc>(DASHBOARD_TEAM_ITEMS);
  const alerts = tx.collection<AttendanceAlertDoc>(DASHBOARD_ATTENDANCE_ALERTS);
  for (const opened of effect.open) {
    if ('raisedWeek' in opened) await alerts.replaceOne({ _id: opened._id }, opened, { upsert: true });
    else await items.replaceOne({ _id: opened._id }, opened, { upsert: true });
  }
  for (const id of effect.close) await items.deleteOne({ _id: id });
  if (event.type === 'StudentPersonalDataErased') await eraseTeamItems(items, studentId);
}

/** Whether the overseers' links and the funder's bucket of the two are the same (but for the counts). */
function sameParties(a: Student, b: Student): boolean {
  return (
    a.student.sortName === b.student.sortName &&
    a.profileKind === b.profileKind &&
    a.funderId === b.funderId &&
    a.cohort === b.cohort &&
    a.companyId === b.companyId &&
    a.employerId === b.employerId &&
    a.tutorId === b.tutorId &&
    a.student.funder === b.student.funder
  );
}

/** The student with the sort keys of its name and cohort: those of `current` while neither changed (they are derived). */
function withSortKeys(current: Student | null, next: Student): Student {
  const file = next.student;
  // Most events leave the enrolment file as it was (the same object).
  if (current && file === current.student && next.cohort === current.cohort && file.funderOrder) return next;
  if (current && current.student.name === file.name && current.cohort === next.cohort && current.student.funderOrder) {
    return { ...next, student: { ...file, sortName: current.student.sortName, funderOrder: current.student.funderOrder } };
  }
  const sortName = nameSortKey(file.name);
  return { ...next, student: { ...file, sortName, funderOrder: funderSortKey(next.cohort, sortName) } };
}

/** Keeps {@link DASHBOARD_MENTOR_STUDENTS} equal to the student's `dashboardMentorIds` (both sorted lists of ids). */
async function linkMentors(tx: ReadStoreTransaction, studentId: string, before: readonly string[], after: readonly string[]): Promise<void> {
  if (before.length === after.length && before.every((id, i) => id === after[i])) return;
  const links = tx.collection<DashboardMentorStudentDoc>(DASHBOARD_MENTOR_STUDENTS);
  for (const mentorId of before) if (!after.includes(mentorId)) await links.deleteOne({ _id: mentorStudentId(mentorId, studentId) });
  for (const mentorId of after) {
    if (!before.includes(mentorId)) await links.replaceOne({ _id: mentorStudentId(mentorId, studentId) }, { _id: mentorStudentId(mentorId, studentId), mentorId, studentId }, { upsert: true });
  }
}

/** GDPR Art. 17: the free texts of the student's open team items (the follow-up's reason stays: a closed list). */
async function eraseTeamItems(items: ReadStoreCollection<TeamItemDoc>, studentId: string): Promise<void> {
  for (const item of await items.find({ studentId })) {
    const erased: Record<string, unknown> = {};
    if (item.kind === 'follow_up' && item.note !== null) erased.note = ERASED_PLACEHOLDER;
    if (item.kind === 'mentor_change_request' && item.reason !== null) erased.reason = ERASED_PLACEHOLDER;
    if (item.kind === 'recording_review' && item.recordingUrl !== null) erased.recordingUrl = ERASED_PLACEHOLDER;
    if (Object.keys(erased).length > 0) await items.updateOne({ _id: item._id }, { $set: erased });
  }
}

/** The first version with what the reports of one party read (sort keys, overseers' links, funders' buckets). */
export const DASHBOARDS_PARTY_REPORTS_SINCE = 4;

export const dashboardsProjection: Projection = {
  name: 'dashboards',
  /**
   * 2: status `awaiting_mentor`. 3: a mentor's students through DASHBOARD_MENTOR_STUDENTS. 4: the reports of one
   * party by the page: sort keys, DASHBOARD_OVERSEER_STUDENTS, DASHBOARD_FUNDER_COHORTS (dashboard-party-reports.ts).
   */
  version: 4,
  collections: [DASHBOARD_STUDENTS, DASHBOARD_TEAM_ITEMS, DASHBOARD_ATTENDANCE_ALERTS, DASHBOARD_MENTOR_STUDENTS, DASHBOARD_OVERSEER_STUDENTS, DASHBOARD_FUNDER_COHORTS],
  eventTypes: new Set(HANDLED),
  async setup(store: ReadStore) {
    const students = store.collection(DASHBOARD_STUDENTS);
    // A mentor's dashboard; the team's waiting list.
    await store.collection(DASHBOARD_MENTOR_STUDENTS).createIndex({ mentorId: 1 });
    // The team's lists sort by (key, _id): with `_id` in the index SQLite walks it and stops at the page, instead of
    // sorting every match (12,000 waiting students of a 100,000-student school: ~100 ms per page).
    await students.createIndex({ status: 1, waitingSince: 1, _id: 1 });
    // The reports of one party, a page at a time in their order: an overseer's apprentices (R2) through the links,
    // a funder's students (R4) by cohort then name; the funder's totals per cohort from its buckets.
    await store.collection(DASHBOARD_OVERSEER_STUDENTS).createIndex({ overseer: 1, sortName: 1, _id: 1 });
    await students.createIndex({ funderId: 1, 'student.funderOrder': 1, _id: 1 });
    await store.collection(DASHBOARD_FUNDER_COHORTS).createIndex({ funderId: 1 });
    // The team's lists: the open items of a kind, oldest first; the alerts of a week, most recent first.
    await store.collection(DASHBOARD_TEAM_ITEMS).createIndex({ kind: 1, since: 1, _id: 1 });
    await store.collection(DASHBOARD_ATTENDANCE_ALERTS).createIndex({ raisedWeek: 1, raisedAt: -1, _id: -1 });
  },
  apply: applyStudentEvent,
};

