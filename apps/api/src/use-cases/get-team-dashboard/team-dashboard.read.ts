// The mentorship team's dashboard at an instant: who waits for a mentor and since when, open follow-ups
// oldest first, change-of-mentor requests, first-session recordings awaiting feedback, recent attendance
// alerts, and mentors near their capacity (derived from capacity and caseload, never stored).
import {
  addIsoWeeks,
  AttendanceAlertDoc,
  DASHBOARD_ATTENDANCE_ALERTS,
  DASHBOARD_STUDENTS,
  DASHBOARD_TEAM_ITEMS,
  DashboardStudentDoc,
  FollowUpItem,
  MENTOR_CASELOADS,
  MentorCaseloadDoc,
  MentorChangeRequestItem,
  RecordingReviewItem,
  TeamItemDoc,
  TeamItemKind,
  isoWeekOf,
  isoWeekStartMs,
} from '@mentoring/projections';
import type { Collection, ReadStore } from '@mentoring/read-store';
import { compare, round } from '../read-side-support/stats';

export interface TeamDashboardOptions {
  /** Items per list (the totals count them all). */
  limit: number;
  /** Attendance alerts raised in the last `alertWeeks` ISO weeks, this one included. */
  alertWeeks: number;
  /** A mentor is near capacity from this share of the capacity taken (0–1), or when nothing is left. */
  nearCapacity: number;
}

export const DEFAULT_TEAM_DASHBOARD_OPTIONS: TeamDashboardOptions = { limit: 50, alertWeeks: 2, nearCapacity: 0.8 };

interface List<T> {
  total: number;
  items: T[];
}

export interface WaitingStudentView {
  studentId: string;
  name: string | null;
  trainingPath: string | null;
  profileKind: string | null;
  /** R7: the team needs it to choose a disability-friendly mentor. */
  registeredDisability: boolean;
  funder: string | null;
  cohort: string | null;
  waitingSince: string | null;
  waitingDays: number | null;
}

export interface FollowUpView {
  followUpId: string;
  studentId: string;
  studentName: string | null;
  mentorId: string | null;
  reason: string | null;
  note: string | null;
  requestedBy: { id: string | null; role: string | null };
  requestedAt: string;
  ageDays: number;
}

export interface ChangeRequestView {
  requestId: string;
  studentId: string;
  studentName: string | null;
  currentMentorId: string | null;
  reason: string | null;
  requestedBy: { id: string | null; role: string | null };
  requestedAt: string;
}

export interface RecordingView {
  studentId: string;
  studentName: string | null;
  sessionId: string;
  mentorId: string | null;
  recordingUrl: string | null;
  submittedAt: string;
}

export interface AttendanceAlertView {
  studentId: string;
  studentName: string | null;
  kind: string | null;
  sessionId: string | null;
  weekStart: string | null;
  funderId: string | null;
  funder: string | null;
  cohort: string | null;
  mentorId: string | null;
  raisedAt: string;
}

export interface NearCapacityMentorView {
  mentorId: string;
  name: string;
  capacity: number;
  caseloadSize: number;
  remainingCapacity: number;
  /** caseloadSize / capacity. */
  load: number | null;
  unavailable: boolean;
}

export interface TeamDashboardView {
  asOf: string;
  waitingForMentor: List<WaitingStudentView>;
  openFollowUps: List<FollowUpView>;
  mentorChangeRequests: List<ChangeRequestView>;
  recordingsAwaitingFeedback: List<RecordingView>;
  /** `weeks`: the ISO weeks covered, oldest first; `since`: the Monday the oldest starts. */
  attendanceAlerts: List<AttendanceAlertView> & { weeks: string[]; since: string };
  mentorsNearCapacity: List<NearCapacityMentorView> & { threshold: number };
}

const DAY_MS = 86_400_000;
const days = (from: string | null, nowMs: number) => (from === null ? null : round((nowMs - Date.parse(from)) / DAY_MS, 1));

/** Ids and sort keys of what matched, then the page of whole documents by id, in that order. */
async function page<T extends { _id: string }>(collection: Collection<T>, keys: ReadonlyArray<{ _id: string }>, limit: number, projection?: Record<string, 1>): Promise<T[]> {
  const ids = keys.slice(0, limit).map((k) => k._id);
  if (ids.length === 0) return [];
  const byId = new Map((await collection.find({ _id: { $in: ids } }, projection ? { projection } : {})).map((d) => [d._id, d] as const));
  return ids.map((id) => byId.get(id)).filter((d): d is T => d !== undefined);
}

/**
 * Alerts of the last `weeks` ISO weeks, most recent first: counted per week, and read week by week
 * (newest first) only until a page is full. Equality lookups on the week, never a scan of the history.
 */
async function recentAlerts(alerts: Collection<AttendanceAlertDoc>, now: Date, weeks: number, limit: number) {
  const current = isoWeekOf(now.toISOString())!;
  const newestFirst = Array.from({ length: weeks }, (_, i) => addIsoWeeks(current, -i));
  const keys: Array<{ _id: string; raisedAt: string }> = [];
  let total = 0;
  for (const raisedWeek of newestFirst) {
    if (keys.length >= limit) {
      total += await alerts.countDocuments({ raisedWeek });
      continue;
    }
    const found = await alerts.find({ raisedWeek }, { projection: { raisedAt: 1 } });
    total += found.length;
    keys.push(...found.sort((a, b) => compare(b.raisedAt, a.raisedAt) || compare(a._id, b._id)));
  }
  const oldest = newestFirst[newestFirst.length - 1];
  return { weeks: [...newestFirst].reverse(), since: new Date(isoWeekStartMs(oldest)).toISOString(), total, items: await page(alerts, keys, limit) };
}

export async function readTeamDashboard(store: ReadStore, now: Date, options: TeamDashboardOptions = DEFAULT_TEAM_DASHBOARD_OPTIONS): Promise<TeamDashboardView> {
  const nowMs = now.getTime();
  const students = store.collection<DashboardStudentDoc>(DASHBOARD_STUDENTS);
  const items = store.collection<TeamItemDoc>(DASHBOARD_TEAM_ITEMS);
  // One pass over each collection for the keys (ids and sort fields), then the pages by id.
  const [waitingKeys, openKeys, alerts, mentors] = await Promise.all([
    students.find({ status: 'awaiting_mentor' }, { projection: { waitingSince: 1 } }),
    // Only open items are kept: all of them, keys only.
    items.find({}, { projection: { kind: 1, since: 1 } }),
    recentAlerts(store.collection<AttendanceAlertDoc>(DASHBOARD_ATTENDANCE_ALERTS), now, options.alertWeeks, options.limit),
    store.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).find({}, { projection: { name: 1, capacity: 1, caseloadSize: 1, unavailable: 1 } }),
  ]);
  const oldestFirst = (a: { since: string; _id: string }, b: { since: string; _id: string }) => compare(a.since, b.since) || compare(a._id, b._id);
  waitingKeys.sort((a, b) => compare(a.waitingSince, b.waitingSince) || compare(a._id, b._id));
  const keysOf = (kind: TeamItemKind) => openKeys.filter((k) => k.kind === kind).sort(oldestFirst);
  const [followUpKeys, requestKeys, recordingKeys] = [keysOf('follow_up'), keysOf('mentor_change_request'), keysOf('recording_review')];
  const [waiting, followUps, requests, recordings] = await Promise.all([
    page(students, waitingKeys, options.limit, { studentId: 1, profileKind: 1, cohort: 1, waitingSince: 1, student: 1 }),
    page(items, followUpKeys, options.limit) as Promise<FollowUpItem[]>,
    page(items, requestKeys, options.limit) as Promise<MentorChangeRequestItem[]>,
    page(items, recordingKeys, options.limit) as Promise<RecordingReviewItem[]>,
  ]);

  // Names of the students the lists mention: one lookup by ids.
  const ids = [...new Set([...followUps, ...requests, ...recordings, ...alerts.items].map((i) => i.studentId))];
  const names = new Map(
    ids.length === 0 ? [] : (await students.find({ _id: { $in: ids } }, { projection: { student: 1 } })).map((s) => [s._id, s.student.name] as const),
  );
  const nameOf = (studentId: string) => names.get(studentId) ?? null;

  const near = mentors
    .map((m) => ({
      mentorId: m._id,
      name: m.name,
      capacity: m.capacity,
      caseloadSize: m.caseloadSize,
      remainingCapacity: Math.max(0, m.capacity - m.caseloadSize),
      load: m.capacity > 0 ? round(m.caseloadSize / m.capacity, 4) : null,
      unavailable: m.unavailable,
    }))
    .filter((m) => m.remainingCapacity === 0 || (m.load !== null && m.load >= options.nearCapacity))
    .sort((a, b) => a.remainingCapacity - b.remainingCapacity || (b.load ?? 0) - (a.load ?? 0) || compare(a.mentorId, b.mentorId));

  return {
    asOf: now.toISOString(),
    waitingForMentor: {
      total: waitingKeys.length,
      items: waiting.map((s) => ({
        studentId: s.studentId,
        name: s.student.name,
        trainingPath: s.student.trainingPath,
        profileKind: s.profileKind,
        registeredDisability: s.student.registeredDisability,
        funder: s.student.funder,
        cohort: s.cohort,
        waitingSince: s.waitingSince,
        waitingDays: days(s.waitingSince, nowMs),
      })),
    },
    openFollowUps: {
      total: followUpKeys.length,
      items: followUps.map((i) => ({
        followUpId: i.followUpId,
        studentId: i.studentId,
        studentName: nameOf(i.studentId),
        mentorId: i.mentorId,
        reason: i.reason,
        note: i.note,
        requestedBy: i.requestedBy,
        requestedAt: i.since,
        ageDays: days(i.since, nowMs)!,
      })),
    },
    mentorChangeRequests: {
      total: requestKeys.length,
      items: requests.map((i) => ({
        requestId: i.requestId,
        studentId: i.studentId,
        studentName: nameOf(i.studentId),
        currentMentorId: i.mentorId,
        reason: i.reason,
        requestedBy: i.requestedBy,
        requestedAt: i.since,
      })),
    },
    recordingsAwaitingFeedback: {
      total: recordingKeys.length,
      items: recordings.map((i) => ({
        studentId: i.studentId,
        studentName: nameOf(i.studentId),
        sessionId: i.sessionId,
        mentorId: i.mentorId,
        recordingUrl: i.recordingUrl,
        submittedAt: i.since,
      })),
    },
    attendanceAlerts: {
      weeks: alerts.weeks,
      since: alerts.since,
      total: alerts.total,
      items: alerts.items.map((i) => ({
        studentId: i.studentId,
        studentName: nameOf(i.studentId),
        kind: i.kind,
        sessionId: i.sessionId,
        weekStart: i.weekStart,
        funderId: i.funderId,
        funder: i.funder,
        cohort: i.cohort,
        mentorId: i.mentorId,
        raisedAt: i.raisedAt,
      })),
    },
    mentorsNearCapacity: { threshold: options.nearCapacity, total: near.length, items: near.slice(0, options.limit) },
  };
}
