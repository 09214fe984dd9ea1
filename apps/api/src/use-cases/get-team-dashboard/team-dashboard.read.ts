// The mentorship team's dashboard at an instant: who waits for a mentor and since when, open follow-ups
// oldest first, change-of-mentor requests, first-session recordings awaiting feedback, recent attendance
// alerts, and mentors near their capacity (derived from capacity and caseload, never stored).
// Every list is a keyset page `{items, nextCursor, total}`: the dashboard shows the first page of each,
// GET /team/dashboard/{list} pages one further. A page starts strictly after the (sort key, id) of the
// previous one's last item, so writes between two pages never show an item twice or skip one.
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
import type { Collection, Doc, Filter, FindOptions, ReadStore } from '@mentoring/read-store';
import { afterFilter, decodeCursor, Page, parseSort, SortSpec, toPage } from '../read-side-support/keyset';
import { round } from '../read-side-support/stats';

export interface TeamDashboardOptions {
  /** Items per list (the totals count them all). */
  limit: number;
  /** Attendance alerts raised in the last `alertWeeks` ISO weeks, this one included. */
  alertWeeks: number;
  /** A mentor is near capacity from this share of the capacity taken (0–1), or when nothing is left. */
  nearCapacity: number;
}

export const DEFAULT_TEAM_DASHBOARD_OPTIONS: TeamDashboardOptions = { limit: 50, alertWeeks: 2, nearCapacity: 0.8 };

/** A page of one of the team's lists; `total` counts the whole list. */
export type TeamList<T> = Page<T> & { total: number };

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

/** `weeks`: the ISO weeks covered, oldest first; `since`: the Monday the oldest starts. */
export type AttendanceAlertList = TeamList<AttendanceAlertView> & { weeks: string[]; since: string };
export type NearCapacityMentorList = TeamList<NearCapacityMentorView> & { threshold: number };

export interface TeamDashboardView {
  asOf: string;
  waitingForMentor: TeamList<WaitingStudentView>;
  openFollowUps: TeamList<FollowUpView>;
  mentorChangeRequests: TeamList<ChangeRequestView>;
  recordingsAwaitingFeedback: TeamList<RecordingView>;
  attendanceAlerts: AttendanceAlertList;
  mentorsNearCapacity: NearCapacityMentorList;
}

/** The lists, by the name GET /team/dashboard/{list} takes, and the dashboard's field for each. */
export const TEAM_DASHBOARD_LISTS = {
  'waiting-students': 'waitingForMentor',
  'follow-ups': 'openFollowUps',
  'mentor-change-requests': 'mentorChangeRequests',
  'recordings-awaiting-feedback': 'recordingsAwaitingFeedback',
  'attendance-alerts': 'attendanceAlerts',
  'mentors-near-capacity': 'mentorsNearCapacity',
} as const satisfies Record<string, Exclude<keyof TeamDashboardView, 'asOf'>>;

export type TeamDashboardListName = keyof typeof TEAM_DASHBOARD_LISTS;
export type TeamDashboardListView = TeamDashboardView[(typeof TEAM_DASHBOARD_LISTS)[TeamDashboardListName]];

export function isTeamDashboardList(name: string): name is TeamDashboardListName {
  return Object.prototype.hasOwnProperty.call(TEAM_DASHBOARD_LISTS, name);
}

const DAY_MS = 86_400_000;
const days = (from: string | null, nowMs: number) => (from === null ? null : round((nowMs - Date.parse(from)) / DAY_MS, 1));

/** Which part of a list: `limit` items after the cursor (none: from the start). */
export interface ListPageRequest {
  limit: number;
  cursor?: string;
}

/**
 * A page of the documents matching `filter`, ordered by `field` (a string, never null in the list) then `_id` in
 * `sort`'s direction, starting after the request's cursor, and the number of matches: the read store walks an
 * index on (filter fields, `field`) and stops after `limit + 1` documents. `filter` may be a list of filters
 * whose matches follow one another in that order (the alerts of each week): each is read only while the page
 * is not full, and each is counted.
 */
async function keysetPage<T extends Doc>(
  collection: Collection<T>,
  filter: Filter | Filter[],
  field: keyof T & string,
  sort: SortSpec,
  request: ListPageRequest,
  projection?: Record<string, 1>,
): Promise<{ total: number; nextCursor: string | null; docs: T[] }> {
  const after = decodeCursor(request.cursor, sort);
  const order = { [field]: sort.dir, _id: sort.dir };
  const options: FindOptions = projection ? { projection: { ...projection, [field]: 1 } } : {};
  const rows: T[] = [];
  let total = 0;
  for (const segment of Array.isArray(filter) ? filter : [filter]) {
    const wanted = request.limit + 1 - rows.length;
    const pageFilter = after ? { $and: [segment, afterFilter({ ...sort, field }, after)] } : segment;
    const [found, count] = await Promise.all([
      wanted > 0 ? collection.find(pageFilter, { ...options, sort: order, limit: wanted }) : [],
      collection.countDocuments(segment),
    ]);
    rows.push(...found);
    total += count;
  }
  const page = toPage(rows, request.limit, sort, (d) => ({ key: d[field] as unknown as string, id: d._id }), (d) => d);
  return { total, nextCursor: page.nextCursor, docs: page.items };
}

const TEAM_ITEM_LISTS: Record<TeamItemKind, TeamDashboardListName> = {
  follow_up: 'follow-ups',
  mentor_change_request: 'mentor-change-requests',
  recording_review: 'recordings-awaiting-feedback',
};

/** Reads the team's lists at `now`: each list a page through an index and a count, whatever the size of the school. */
export class TeamDashboardReader {
  private readonly nowMs: number;
  private readonly students: Collection<DashboardStudentDoc>;
  private readonly items: Collection<TeamItemDoc>;

  constructor(
    private readonly store: ReadStore,
    private readonly now: Date,
    private readonly options: Omit<TeamDashboardOptions, 'limit'>,
  ) {
    this.nowMs = now.getTime();
    this.students = store.collection<DashboardStudentDoc>(DASHBOARD_STUDENTS);
    this.items = store.collection<TeamItemDoc>(DASHBOARD_TEAM_ITEMS);
  }

  /** One list's page; 400 `invalid_cursor` when the cursor was not made by this list. */
  list(name: TeamDashboardListName, request: ListPageRequest): Promise<TeamDashboardListView> {
    switch (name) {
      case 'waiting-students':
        return this.waitingForMentor(request);
      case 'follow-ups':
        return this.openFollowUps(request);
      case 'mentor-change-requests':
        return this.mentorChangeRequests(request);
      case 'recordings-awaiting-feedback':
        return this.recordingsAwaitingFeedback(request);
      case 'attendance-alerts':
        return this.attendanceAlerts(request);
      case 'mentors-near-capacity':
        return this.mentorsNearCapacity(request);
    }
  }

  /** The first page of every list. */
  async dashboard(limit: number): Promise<TeamDashboardView> {
    const first = { limit };
    const [waitingForMentor, openFollowUps, mentorChangeRequests, recordingsAwaitingFeedback, attendanceAlerts, mentorsNearCapacity] = await Promise.all([
      this.waitingForMentor(first),
      this.openFollowUps(first),
      this.mentorChangeRequests(first),
      this.recordingsAwaitingFeedback(first),
      this.attendanceAlerts(first),
      this.mentorsNearCapacity(first),
    ]);
    return { asOf: this.now.toISOString(), waitingForMentor, openFollowUps, mentorChangeRequests, recordingsAwaitingFeedback, attendanceAlerts, mentorsNearCapacity };
  }

  /** Oldest waiting first. */
  async waitingForMentor(request: ListPageRequest): Promise<TeamList<WaitingStudentView>> {
    const waiting = { status: 'awaiting_mentor' };
    const projection = { studentId: 1, profileKind: 1, cohort: 1, waitingSince: 1, student: 1 } as const;
    // `waitingSince` is the enrolment instant while a student waits: never null in this list.
    const { total, nextCursor, docs } = await keysetPage(this.students, waiting, 'waitingSince', parseSort('waiting-students', 'waiting-students'), request, projection);
    return {
      total,
      nextCursor,
      items: docs.map((s) => ({
        studentId: s.studentId,
        name: s.student.name,
        trainingPath: s.student.trainingPath,
        profileKind: s.profileKind,
        registeredDisability: s.student.registeredDisability,
        funder: s.student.funder,
        cohort: s.cohort,
        waitingSince: s.waitingSince,
        waitingDays: days(s.waitingSince, this.nowMs),
      })),
    };
  }

  async openFollowUps(request: ListPageRequest): Promise<TeamList<FollowUpView>> {
    const { total, nextCursor, docs } = await this.openItems<FollowUpItem>('follow_up', request);
    const nameOf = await this.studentNames(docs);
    return {
      total,
      nextCursor,
      items: docs.map((i) => ({
        followUpId: i.followUpId,
        studentId: i.studentId,
        studentName: nameOf(i.studentId),
        mentorId: i.mentorId,
        reason: i.reason,
        note: i.note,
        requestedBy: i.requestedBy,
        requestedAt: i.since,
        ageDays: days(i.since, this.nowMs)!,
      })),
    };
  }

  async mentorChangeRequests(request: ListPageRequest): Promise<TeamList<ChangeRequestView>> {
    const { total, nextCursor, docs } = await this.openItems<MentorChangeRequestItem>('mentor_change_request', request);
    const nameOf = await this.studentNames(docs);
    return {
      total,
      nextCursor,
      items: docs.map((i) => ({
        requestId: i.requestId,
        studentId: i.studentId,
        studentName: nameOf(i.studentId),
        currentMentorId: i.mentorId,
        reason: i.reason,
        requestedBy: i.requestedBy,
        requestedAt: i.since,
      })),
    };
  }

  async recordingsAwaitingFeedback(request: ListPageRequest): Promise<TeamList<RecordingView>> {
    const { total, nextCursor, docs } = await this.openItems<RecordingReviewItem>('recording_review', request);
    const nameOf = await this.studentNames(docs);
    return {
      total,
      nextCursor,
      items: docs.map((i) => ({
        studentId: i.studentId,
        studentName: nameOf(i.studentId),
        sessionId: i.sessionId,
        mentorId: i.mentorId,
        recordingUrl: i.recordingUrl,
        submittedAt: i.since,
      })),
    };
  }

  /**
   * Alerts of the last `alertWeeks` ISO weeks, most recent first: a week's alerts are all older than those of
   * the weeks after it, so the page reads the newest week first through the index on (week, raisedAt), then
   * the one before while the page is not full. Never a scan of the history.
   */
  async attendanceAlerts(request: ListPageRequest): Promise<AttendanceAlertList> {
    const alerts = this.store.collection<AttendanceAlertDoc>(DASHBOARD_ATTENDANCE_ALERTS);
    const current = isoWeekOf(this.now.toISOString())!;
    const newestFirst = Array.from({ length: this.options.alertWeeks }, (_, i) => addIsoWeeks(current, -i));
    const weeks = newestFirst.map((raisedWeek) => ({ raisedWeek }));
    const { total, nextCursor, docs } = await keysetPage(alerts, weeks, 'raisedAt', parseSort('-attendance-alerts', '-attendance-alerts'), request);
    const nameOf = await this.studentNames(docs);
    const oldest = newestFirst[newestFirst.length - 1];
    return {
      weeks: [...newestFirst].reverse(),
      since: new Date(isoWeekStartMs(oldest)).toISOString(),
      total,
      nextCursor,
      items: docs.map((i) => ({
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
    };
  }

  /**
   * Fullest first: the least capacity left, then the highest load, then by id. A mentor is near capacity when no
   * place is left or the load reaches the threshold, i.e. when the stored `fullness` reaches min(threshold, 1).
   */
  async mentorsNearCapacity(request: ListPageRequest): Promise<NearCapacityMentorList> {
    const near = { fullness: { $gte: Math.min(this.options.nearCapacity, 1) } };
    const fields = { name: 1, capacity: 1, caseloadSize: 1, remainingCapacity: 1, load: 1, unavailable: 1 } as const;
    const mentors = this.store.collection<MentorCaseloadDoc>(MENTOR_CASELOADS);
    const { total, nextCursor, docs } = await keysetPage(mentors, near, 'fullestFirst', parseSort('mentors-near-capacity', 'mentors-near-capacity'), request, fields);
    return {
      threshold: this.options.nearCapacity,
      total,
      nextCursor,
      items: docs.map((m) => ({ mentorId: m._id, name: m.name, capacity: m.capacity, caseloadSize: m.caseloadSize, remainingCapacity: m.remainingCapacity, load: m.load, unavailable: m.unavailable })),
    };
  }

  /** The open team items of a kind, oldest first (only open items are kept). */
  private async openItems<T extends TeamItemDoc>(kind: TeamItemKind, request: ListPageRequest): Promise<{ total: number; nextCursor: string | null; docs: T[] }> {
    const list = TEAM_ITEM_LISTS[kind];
    const page = await keysetPage(this.items, { kind }, 'since', parseSort(list, list), request);
    return { ...page, docs: page.docs as T[] };
  }

  /** Names of the students a page mentions: one lookup by ids. */
  private async studentNames(items: ReadonlyArray<{ studentId: string }>): Promise<(studentId: string) => string | null> {
    const ids = [...new Set(items.map((i) => i.studentId))];
    const found = ids.length === 0 ? [] : await this.students.find({ _id: { $in: ids } }, { projection: { student: 1 } });
    const names = new Map(found.map((s) => [s._id, s.student.name] as const));
    return (studentId) => names.get(studentId) ?? null;
  }
}

export async function readTeamDashboard(store: ReadStore, now: Date, options: TeamDashboardOptions = DEFAULT_TEAM_DASHBOARD_OPTIONS): Promise<TeamDashboardView> {
  return new TeamDashboardReader(store, now, options).dashboard(options.limit);
}

/** One list of the dashboard, a page at a time. */
export async function readTeamDashboardList(
  store: ReadStore,
  now: Date,
  name: TeamDashboardListName,
  options: TeamDashboardOptions,
  cursor?: string,
): Promise<TeamDashboardListView> {
  return new TeamDashboardReader(store, now, options).list(name, { limit: options.limit, cursor });
}
