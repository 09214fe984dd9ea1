// Read models for analysts: anonymised, with no names, e-mails or disability data, and no id that names a
// person directly. One document per student and one per mentor, each keyed by an opaque id (a keyed hash
// of the real id), holding only what the reports need: the funding profile, the funder and cohort ids,
// instants and durations, counts per ISO week. The same unit of work keeps aggregate buckets per week and
// profile or group (analytics-buckets.ts) as the difference of the student's contributions before and after
// the event, so that the queries read buckets, not every student; medians and percentiles are computed by the
// queries from the durations the buckets hold, never stored.
import { createHmac } from 'node:crypto';
import type { RecordedEvent } from '@mentoring/event-store';
import type { ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import type { Projection } from '../projection';
import type { StreamDoc } from './apply-once';
import { ANALYTICS_BUCKET_COLLECTIONS, applyBucketDeltas, bucketDeltas, Contributions, StudentBuckets, studentBucketDeltas, studentBuckets } from './analytics-buckets';
import { Data, finite, flag, foldOnce, funderKeyOf, minutesBetween, partyId, record, text } from './event-data';
import { isoWeekOf } from './iso-week';

export const ANALYTICS_STUDENTS = 'analytics_students';
export const ANALYTICS_MENTORS = 'analytics_mentors';

/** The opaque id of a person (or a caseload reservation) in the analytics read models. */
export type Pseudonymize = (kind: 'student' | 'mentor' | 'reservation', id: string) => string;

/**
 * Pseudonyms keyed by a secret from configuration (ANALYTICS_PSEUDONYM_KEY): deterministic (a rebuild
 * gives the same documents), and not the person's id: an analyst, or anyone who knows a student's id,
 * cannot join the documents to the other read models or to a person without the key. Rotating the key
 * changes every pseudonym: rebuild the analytics projection after a rotation.
 */
export function pseudonymsKeyedBy(key: string): Pseudonymize {
  if (key.length < 32) throw new Error('the analytics pseudonym key must be at least 32 characters');
  return (kind, id) => createHmac('sha256', key).update(`${kind}:${id}`).digest('hex').slice(0, 24);
}

export const ANALYTICS_PROJECTION = 'analytics';

/** A mentor relationship: started by an assignment or a change of mentor (R8). */
export interface AnalyticsMentorship {
  startedAt: string;
  startedWeek: string | null;
  /** Start of the first discovery session held in this mentorship (R12), or null. */
  discoveryAt: string | null;
  discoveryWeek: string | null;
  minutesToDiscovery: number | null;
}

export interface AnalyticsMentorChange {
  at: string;
  week: string | null;
  /** Whether it answered the student's request (R8) or was the team's own decision. */
  requested: boolean;
}

/** Session outcomes in one ISO week (of the session's start). */
export interface AnalyticsAttendanceWeek {
  week: string;
  held: number;
  noShows: number;
  lateCancellations: number;
  substantialDelays: number;
  weeksWithoutSession: number;
}

export type AnalyticsStudent = {
  profile: string | null;
  /** Organisation ids (company, employer, public funder), never a person's name. */
  funderId: string | null;
  cohort: string | null;
  attendanceObligatory: boolean;
  enrolledAt: string | null;
  enrolledWeek: string | null;
  firstAssignedAt: string | null;
  firstAssignedWeek: string | null;
  /** From enrolment to the first assignment. */
  minutesWaitingForMentor: number | null;
  mentorships: AnalyticsMentorship[];
  mentorChanges: AnalyticsMentorChange[];
  attendance: AnalyticsAttendanceWeek[];
  status: 'awaiting_mentor' | 'active' | 'paused' | 'completed' | 'withdrawn';
  endedAt: string | null;
};

export type AnalyticsStudentDoc = StreamDoc & AnalyticsStudent;

export type AnalyticsMentor = {
  capacity: number;
  /** Opaque ids of the students held (R9), so that a repeated reservation counts once. */
  caseload: string[];
  caseloadSize: number;
  unavailable: boolean;
};

export type AnalyticsMentorDoc = StreamDoc & AnalyticsMentor;

/**
 * Mentors counted per (capacity, caseload size, unavailable): what the mentor-load analytics read (a few hundred
 * documents whatever the number of mentors), kept as the difference of each mentor's contribution.
 */
export const ANALYTICS_MENTOR_LOADS = 'analytics_mentor_loads';

export interface AnalyticsMentorLoadBucket {
  [key: string]: unknown;
  _id: string;
  capacity: number;
  caseloadSize: number;
  unavailable: boolean;
  mentors: number;
}

/** The version of the analytics from which ANALYTICS_MENTOR_LOADS is kept. */
export const ANALYTICS_MENTOR_LOADS_SINCE = 5;
/** The analytics projection's version (see its history in createAnalyticsProjection). */
export const ANALYTICS_VERSION = 5;

function mentorLoadContribution(m: AnalyticsMentor | null): Contributions {
  const out: Contributions = new Map();
  if (!m) return out;
  const id = `${m.capacity}:${m.caseloadSize}:${m.unavailable ? 1 : 0}`;
  out.set(id, { collection: ANALYTICS_MENTOR_LOADS, id, key: { capacity: m.capacity, caseloadSize: m.caseloadSize, unavailable: m.unavailable }, counts: { mentors: 1 }, lists: {} });
  return out;
}

type StudentBody = AnalyticsStudent;
type MentorBody = AnalyticsMentor;

function countIn(s: StudentBody, when: string | null, field: keyof Omit<AnalyticsAttendanceWeek, 'week'>): StudentBody {
  const week = isoWeekOf(when);
  if (!week) return s;
  const rows = s.attendance.some((r) => r.week === week)
    ? s.attendance.map((r) => (r.week === week ? { ...r, [field]: r[field] + 1 } : r))
    : [...s.attendance, { week, held: 0, noShows: 0, lateCancellations: 0, substantialDelays: 0, weeksWithoutSession: 0, [field]: 1 }].sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : 0));
  return { ...s, attendance: rows };
}

function mentorship(startedAt: string): AnalyticsMentorship {
  return { startedAt, startedWeek: isoWeekOf(startedAt), discoveryAt: null, discoveryWeek: null, minutesToDiscovery: null };
}

function foldStudent(s: StudentBody | null, event: RecordedEvent): StudentBody | null {
  const d = record(event.data);
  const at = event.metadata.occurredAt;
  if (event.type === 'StudentEnrolled') {
    if (s) return null;
    const funding = record(d.funding);
    const profile = text(funding.kind);
    const funderKey = funderKeyOf(profile);
    const enrolledAt = text(d.enrolledAt) ?? at;
    return {
      profile,
      funderId: funderKey ? partyId(funding, funderKey) : null,
      cohort: text(funding.cohort),
      attendanceObligatory: flag(d.attendanceObligatory),
      enrolledAt,
      enrolledWeek: isoWeekOf(enrolledAt),
      firstAssignedAt: null,
      firstAssignedWeek: null,
      minutesWaitingForMentor: null,
      mentorships: [],
      mentorChanges: [],
      attendance: [],
      status: 'awaiting_mentor',
      endedAt: null,
    };
  }
  if (!s) return null;
  switch (event.type) {
    case 'StudentAssigned': {
      const assignedAt = text(d.assignedAt) ?? at;
      const first = s.firstAssignedAt === null;
      return {
        ...s,
        status: 'active',
        firstAssignedAt: first ? assignedAt : s.firstAssignedAt,
        firstAssignedWeek: first ? isoWeekOf(assignedAt) : s.firstAssignedWeek,
        minutesWaitingForMentor: first ? minutesBetween(s.enrolledAt, assignedAt) : s.minutesWaitingForMentor,
        mentorships: [...s.mentorships, mentorship(assignedAt)],
      };
    }
    case 'MentorChanged': {
      const changedAt = text(d.changedAt) ?? at;
      return {
        ...s,
        mentorships: [...s.mentorships, mentorship(changedAt)],
        mentorChanges: [...s.mentorChanges, { at: changedAt, week: isoWeekOf(changedAt), requested: text(d.requestId) !== null }],
      };
    }
    case 'SessionHeld': {
      const start = text(d.start);
      let next = countIn(s, start, 'held');
      const current = next.mentorships[next.mentorships.length - 1];
      // The discovery session of the current mentorship (one held for an earlier mentor does not count).
      if (flag(d.discovery) && start && current && current.discoveryAt === null && start >= current.startedAt) {
        const done: AnalyticsMentorship = { ...current, discoveryAt: start, discoveryWeek: isoWeekOf(start), minutesToDiscovery: minutesBetween(current.startedAt, start) };
        next = { ...next, mentorships: [...next.mentorships.slice(0, -1), done] };
      }
      return next;
    }
    case 'SessionMissed':
      return countIn(s, text(d.start), 'noShows');
    case 'SessionCancelled':
      return flag(d.late) ? countIn(s, text(d.start), 'lateCancellations') : null;
    case 'SubstantialDelayRecorded':
      return countIn(s, text(d.start), 'substantialDelays');
    case 'AttendanceFactRecorded':
      return text(d.kind) === 'week_without_session' ? countIn(s, text(d.weekStart), 'weeksWithoutSession') : null;
    case 'TrainingPaused':
      return s.status === 'active' ? { ...s, status: 'paused' } : null;
    case 'TrainingResumed':
      return s.status === 'paused' ? { ...s, status: 'active' } : null;
    case 'TrainingCompleted':
    case 'TrainingWithdrawn':
      if (s.status === 'completed' || s.status === 'withdrawn') return null;
      if (event.type === 'TrainingCompleted' && s.status === 'awaiting_mentor') return null;
      return {
        ...s,
        status: event.type === 'TrainingCompleted' ? 'completed' : 'withdrawn',
        endedAt: text(d.completedAt) ?? text(d.withdrawnAt) ?? at,
      };
    default:
      return null;
  }
}

function foldMentor(m: MentorBody | null, event: RecordedEvent, pseudonym: Pseudonymize): MentorBody | null {
  const d = record(event.data);
  if (event.type === 'MentorRegistered') {
    if (m) return null;
    return { capacity: finite(d.capacity) ?? 0, caseload: [], caseloadSize: 0, unavailable: false };
  }
  if (!m) return null;
  const studentId = text(d.studentId);
  // Reservations, not students, count against the capacity (a student may briefly hold two: docs/adr/0002).
  const reservation = text(d.reservationId) ?? (studentId ? `legacy:${text(d.mentorId)}:${studentId}` : null);
  switch (event.type) {
    case 'MentorCapacityChanged':
      return finite(d.capacity) === null ? null : { ...m, capacity: finite(d.capacity)! };
    case 'MentorUnavailabilityDeclared':
      return { ...m, unavailable: true };
    case 'MentorUnavailabilityEnded':
      return { ...m, unavailable: false };
    case 'CaseloadSlotReserved': {
      if (!reservation) return null;
      const id = pseudonym('reservation', reservation);
      if (m.caseload.includes(id)) return null;
      const caseload = [...m.caseload, id];
      return { ...m, caseload, caseloadSize: caseload.length };
    }
    case 'CaseloadSlotReleased': {
      if (!reservation) return null;
      const id = pseudonym('reservation', reservation);
      if (!m.caseload.includes(id)) return null;
      const caseload = m.caseload.filter((x) => x !== id);
      return { ...m, caseload, caseloadSize: caseload.length };
    }
    default:
      return null;
  }
}

const STUDENT_EVENTS = [
  'StudentEnrolled',
  'StudentAssigned',
  'MentorChanged',
  'SessionHeld',
  'SessionMissed',
  'SessionCancelled',
  'SubstantialDelayRecorded',
  'AttendanceFactRecorded',
  'TrainingPaused',
  'TrainingResumed',
  'TrainingCompleted',
  'TrainingWithdrawn',
];
const MENTOR_EVENTS = [
  'MentorRegistered',
  'MentorCapacityChanged',
  'MentorUnavailabilityDeclared',
  'MentorUnavailabilityEnded',
  'CaseloadSlotReserved',
  'CaseloadSlotReleased',
];
const IS_MENTOR_EVENT = new Set(MENTOR_EVENTS);

/** The analytics projection, its pseudonyms keyed by `pseudonymKey` (ANALYTICS_PSEUDONYM_KEY). */
export function createAnalyticsProjection(pseudonymKey: string): Projection {
  const pseudonym = pseudonymsKeyedBy(pseudonymKey);
  return {
    name: ANALYTICS_PROJECTION,
    /**
     * 2: caseloads counted by reservation (issue 8); status `awaiting_mentor`. 3: aggregate buckets (issue 13). 4: durations
     * as [minutes, count] pairs. 5: mentors counted per (capacity, caseload, unavailable) in ANALYTICS_MENTOR_LOADS.
     */
    version: ANALYTICS_VERSION,
    collections: [ANALYTICS_STUDENTS, ANALYTICS_MENTORS, ...ANALYTICS_BUCKET_COLLECTIONS, ANALYTICS_MENTOR_LOADS],
    eventTypes: new Set([...STUDENT_EVENTS, ...MENTOR_EVENTS]),
    async setup(store: ReadStore) {
      // The queries read buckets by week range (and profile or group); no query scans the student documents.
      for (const name of ANALYTICS_BUCKET_COLLECTIONS) await store.collection(name).createIndex({ weekIndex: 1 });
    },
    async apply(event: RecordedEvent, tx: ReadStoreTransaction): Promise<void> {
      const d: Data = record(event.data);
      if (IS_MENTOR_EVENT.has(event.type)) {
        const mentorId = text(d.mentorId);
        if (!mentorId) return;
        const changed: Array<[AnalyticsMentor | null, AnalyticsMentor]> = [];
        await foldOnce<AnalyticsMentor>(tx, ANALYTICS_MENTORS, pseudonym('mentor', mentorId), event, (m) => {
          const next = foldMentor(m, event, pseudonym);
          if (next) changed.push([m, next]);
          return next;
        });
        for (const [before, after] of changed) await applyBucketDeltas(tx, bucketDeltas(mentorLoadContribution(before), mentorLoadContribution(after)));
        return;
      }
      const studentId = text(d.studentId);
      if (!studentId) return;
      // The fold runs only for an event the document has not seen, and the buckets change only when the document
      // does: by the difference of what it adds to them before and after.
      const changes: Array<[StudentBuckets, AnalyticsStudent]> = [];
      await foldOnce<AnalyticsStudent>(tx, ANALYTICS_STUDENTS, pseudonym('student', studentId), event, (s) => {
        const before = studentBuckets(s);
        const next = foldStudent(s, event);
        if (next) changes.push([before, next]);
        return next;
      });
      for (const [before, after] of changes) await applyBucketDeltas(tx, studentBucketDeltas(before, studentBuckets(after)));
    },
  };
}
