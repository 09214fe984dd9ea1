// The mentorship team's dashboard at an instant: who waits for a mentor and since when, open follow-ups
// oldest first, change-of-mentor requests, first-session recordings awaiting feedback, recent attendance
// alerts, and mentors near their capacity (derived from capacity and caseload, never stored).
import {
  AttendanceAlertItem,
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
} from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import { round } from '../read-side-support/stats';

export interface TeamDashboardOptions {
  /** Items per list (the totals count them all). */
  limit: number;
  /** Attendance alerts raised in the last `alertDays` days. */
  alertDays: number;
  /** A mentor is near capacity from this share of the capacity taken (0–1), or when nothing is left. */
  nearCapacity: number;
}

export const DEFAULT_TEAM_DASHBOARD_OPTIONS: TeamDashboardOptions = { limit: 50, alertDays: 14, nearCapacity: 0.8 };

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
  attendanceAlerts: List<AttendanceAlertView> & { since: string };
  mentorsNearCapacity: List<NearCapacityMentorView> & { threshold: number };
}

const DAY_MS = 86_400_000;
const days = (from: string | null, nowMs: number) => (from === null ? null : round((nowMs - Date.parse(from)) / DAY_MS, 1));

export async function readTeamDashboard(store: ReadStore, now: Date, options: TeamDashboardOptions = DEFAULT_TEAM_DASHBOARD_OPTIONS): Promise<TeamDashboardView> {
  const nowMs = now.getTime();
  const students = store.collection<DashboardStudentDoc>(DASHBOARD_STUDENTS);
  const items = store.collection<TeamItemDoc>(DASHBOARD_TEAM_ITEMS);
  const alertsSince = new Date(nowMs - options.alertDays * DAY_MS).toISOString();
  const openOf = async <T extends TeamItemDoc>(kind: TeamItemKind, direction: 1 | -1, extra: Record<string, unknown> = {}): Promise<List<T>> => {
    const filter = { kind, open: true, ...extra };
    const [total, found] = await Promise.all([items.countDocuments(filter), items.find(filter, { sort: { since: direction, _id: 1 }, limit: options.limit })]);
    return { total, items: found as T[] };
  };
  const waitingFilter = { status: 'waiting_for_mentor' };
  const [waitingTotal, waiting, followUps, requests, recordings, alerts, mentors] = await Promise.all([
    students.countDocuments(waitingFilter),
    students.find(waitingFilter, {
      sort: { waitingSince: 1, _id: 1 },
      limit: options.limit,
      projection: { studentId: 1, name: 1, trainingPath: 1, profileKind: 1, registeredDisability: 1, funder: 1, cohort: 1, waitingSince: 1 },
    }),
    openOf<FollowUpItem>('follow_up', 1),
    openOf<MentorChangeRequestItem>('mentor_change_request', 1),
    openOf<RecordingReviewItem>('recording_review', 1),
    openOf<AttendanceAlertItem>('attendance_alert', -1, { since: { $gte: alertsSince } }),
    store.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).find({}, { projection: { name: 1, capacity: 1, caseloadSize: 1, unavailable: 1 } }),
  ]);

  // Names of the students the lists mention: one lookup by ids.
  const ids = [...new Set([...followUps.items, ...requests.items, ...recordings.items, ...alerts.items].map((i) => i.studentId))];
  const names = new Map(
    ids.length === 0 ? [] : (await students.find({ _id: { $in: ids } }, { projection: { name: 1 } })).map((s) => [s._id, s.name] as const),
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
    .sort((a, b) => a.remainingCapacity - b.remainingCapacity || (b.load ?? 0) - (a.load ?? 0) || a.mentorId.localeCompare(b.mentorId));

  return {
    asOf: now.toISOString(),
    waitingForMentor: {
      total: waitingTotal,
      items: waiting.map((s) => ({
        studentId: s.studentId,
        name: s.name,
        trainingPath: s.trainingPath,
        profileKind: s.profileKind,
        registeredDisability: s.registeredDisability,
        funder: s.funder,
        cohort: s.cohort,
        waitingSince: s.waitingSince,
        waitingDays: days(s.waitingSince, nowMs),
      })),
    },
    openFollowUps: {
      total: followUps.total,
      items: followUps.items.map((i) => ({
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
      total: requests.total,
      items: requests.items.map((i) => ({
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
      total: recordings.total,
      items: recordings.items.map((i) => ({
        studentId: i.studentId,
        studentName: nameOf(i.studentId),
        sessionId: i.sessionId,
        mentorId: i.mentorId,
        recordingUrl: i.recordingUrl,
        submittedAt: i.since,
      })),
    },
    attendanceAlerts: {
      since: alertsSince,
      total: alerts.total,
      items: alerts.items.map((i) => ({
        studentId: i.studentId,
        studentName: nameOf(i.studentId),
        kind: i.alertKind,
        sessionId: i.sessionId,
        weekStart: i.weekStart,
        funderId: i.funderId,
        funder: i.funder,
        cohort: i.cohort,
        mentorId: i.mentorId,
        raisedAt: i.since,
      })),
    },
    mentorsNearCapacity: { threshold: options.nearCapacity, total: near.length, items: near.slice(0, options.limit) },
  };
}
