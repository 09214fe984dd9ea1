// The team's lists and a mentor's dashboard read pages through indexes (issue 13: their cost must not grow
// with the school). Over a generated history of a few hundred students, paging every list a few items at a
// time must give exactly the whole list in its documented order, with the right totals, and a mentor's
// dashboard exactly the students whose dashboard document names the mentor.
import { EmbeddedReadStore } from '@mentoring/read-store';
import {
  applyBatch,
  AttendanceAlertDoc,
  DASHBOARD_ATTENDANCE_ALERTS,
  DASHBOARD_STUDENTS,
  DASHBOARD_TEAM_ITEMS,
  DashboardStudentDoc,
  dashboardsProjection,
  generatedReadSideHistory,
  isoWeekOf,
  addIsoWeeks,
  MENTOR_CASELOADS,
  MentorCaseloadDoc,
  mentorCaseloadsProjection,
  TeamItemDoc,
} from '@mentoring/projections';
import { readMentorDashboard } from '../get-mentor-dashboard/mentor-dashboard.read';
import { DEFAULT_TEAM_DASHBOARD_OPTIONS, readTeamDashboard, readTeamDashboardList, TeamDashboardListName } from './team-dashboard.read';

describe('team dashboard lists and mentor dashboards over a generated school (paged through indexes)', () => {
  let store: EmbeddedReadStore;
  let history: ReturnType<typeof generatedReadSideHistory>;
  let now: Date;
  beforeAll(async () => {
    store = new EmbeddedReadStore({ file: ':memory:' });
    history = generatedReadSideHistory({ students: 400, seed: 11 });
    now = new Date(history.now);
    const events = history.scenario.recorded();
    for (const p of [mentorCaseloadsProjection, dashboardsProjection]) {
      await p.setup?.(store);
      for (let i = 0; i < events.length; i += 1000) await applyBatch(store, p, events.slice(i, i + 1000));
    }
  });
  afterAll(() => store.close());

  /** Every page of a list, `limit` at a time: the ids in the order served, and the totals each page gave. */
  async function pageThrough(list: TeamDashboardListName, limit: number): Promise<{ ids: string[]; totals: Set<number> }> {
    const ids: string[] = [];
    const totals = new Set<number>();
    let cursor: string | undefined;
    for (let pages = 0; pages < 1000; pages++) {
      const page = (await readTeamDashboardList(store, now, list, { ...DEFAULT_TEAM_DASHBOARD_OPTIONS, limit }, cursor)) as unknown as {
        items: Array<Record<string, string>>;
        nextCursor: string | null;
        total: number;
      };
      expect(page.items.length).toBeLessThanOrEqual(limit);
      totals.add(page.total);
      ids.push(...page.items.map((i) => i.followUpId ?? i.requestId ?? (list === 'recordings-awaiting-feedback' ? `${i.studentId}:${i.sessionId}` : undefined) ?? i.studentId));
      if (page.nextCursor === null) return { ids, totals };
      cursor = page.nextCursor;
    }
    throw new Error('more than 1,000 pages');
  }

  const byKeyThenId = (key: (d: { _id: string }) => string, dir: 1 | -1) => (a: { _id: string }, b: { _id: string }) =>
    (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a._id < b._id ? -1 : a._id > b._id ? 1 : 0) * dir;

  it('waiting students: oldest waiting first, then by id, every one exactly once across pages of 7', async () => {
    const all = (await store.collection<DashboardStudentDoc>(DASHBOARD_STUDENTS).find({ status: 'awaiting_mentor' })).sort(byKeyThenId((d) => (d as DashboardStudentDoc).waitingSince!, 1));
    expect(all.length).toBeGreaterThan(10);
    const { ids, totals } = await pageThrough('waiting-students', 7);
    expect(ids).toEqual(all.map((d) => d._id));
    expect([...totals]).toEqual([all.length]);
  });

  it.each([
    ['follow-ups', 'follow_up', (i: TeamItemDoc) => (i as unknown as { followUpId: string }).followUpId],
    ['mentor-change-requests', 'mentor_change_request', (i: TeamItemDoc) => (i as unknown as { requestId: string }).requestId],
    ['recordings-awaiting-feedback', 'recording_review', (i: TeamItemDoc) => `${i.studentId}:${(i as unknown as { sessionId: string }).sessionId}`],
  ] as const)('%s: oldest first, then by id, every open item exactly once across pages of 5', async (list, kind, idOf) => {
    const all = (await store.collection<TeamItemDoc>(DASHBOARD_TEAM_ITEMS).find({ kind })).sort(byKeyThenId((d) => (d as TeamItemDoc).since, 1));
    expect(all.length).toBeGreaterThanOrEqual(3);
    const { ids, totals } = await pageThrough(list, 5);
    expect(ids).toEqual(all.map(idOf));
    expect([...totals]).toEqual([all.length]);
  });

  it('attendance alerts of the last two weeks: newest first, then by id descending, across pages of 6', async () => {
    const week = isoWeekOf(now.toISOString())!;
    const weeks = [week, addIsoWeeks(week, -1)];
    const all = (await store.collection<AttendanceAlertDoc>(DASHBOARD_ATTENDANCE_ALERTS).find({ raisedWeek: { $in: weeks } })).sort(byKeyThenId((d) => (d as AttendanceAlertDoc).raisedAt, -1));
    const older = await store.collection<AttendanceAlertDoc>(DASHBOARD_ATTENDANCE_ALERTS).countDocuments({ raisedWeek: { $nin: weeks } });
    expect([all.length > 6, older > 0]).toEqual([true, true]);
    const { ids, totals } = await pageThrough('attendance-alerts', 6);
    expect(ids).toEqual(all.map((d) => d.studentId));
    expect([...totals]).toEqual([all.length]);
  });

  it.each([0, 0.5, 0.8, 1])('mentors near capacity at threshold %d: fullest first (least left, then highest load, then id), every one once across pages of 2', async (nearCapacity) => {
    const mentors = await store.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).find({});
    // The oracle: what the list was computed as before the load was stored (every mentor, in memory).
    const expected = mentors
      .map((m) => ({ id: m._id, remaining: Math.max(0, m.capacity - m.caseloadSize), load: m.capacity > 0 ? Math.round((m.caseloadSize / m.capacity) * 10_000) / 10_000 : null }))
      .filter((m) => m.remaining === 0 || (m.load !== null && m.load >= nearCapacity))
      .sort((a, b) => a.remaining - b.remaining || (b.load ?? 0) - (a.load ?? 0) || (a.id < b.id ? -1 : 1))
      .map((m) => m.id);
    expect(expected.length).toBeGreaterThanOrEqual(nearCapacity === 0 ? mentors.length : 2);
    const ids: string[] = [];
    let cursor: string | undefined;
    let total = -1;
    do {
      const page = await readTeamDashboardList(store, now, 'mentors-near-capacity', { ...DEFAULT_TEAM_DASHBOARD_OPTIONS, nearCapacity, limit: 2 }, cursor);
      const list = page as unknown as { items: Array<{ mentorId: string }>; nextCursor: string | null; total: number };
      ids.push(...list.items.map((m) => m.mentorId));
      total = list.total;
      cursor = list.nextCursor ?? undefined;
    } while (cursor);
    expect([ids, total]).toEqual([expected, expected.length]);
  });

  it('the dashboard shows the first page of each list with the same totals', async () => {
    const view = await readTeamDashboard(store, now, { ...DEFAULT_TEAM_DASHBOARD_OPTIONS, limit: 3 });
    const waiting = await store.collection(DASHBOARD_STUDENTS).countDocuments({ status: 'awaiting_mentor' });
    const followUps = await store.collection(DASHBOARD_TEAM_ITEMS).countDocuments({ kind: 'follow_up' });
    expect([view.waitingForMentor.total, view.waitingForMentor.items.length, view.openFollowUps.total, view.openFollowUps.items.length]).toEqual([waiting, 3, followUps, Math.min(3, followUps)]);
  });

  it("every mentor's dashboard holds exactly the students whose dashboard document names the mentor", async () => {
    const students = await store.collection<DashboardStudentDoc>(DASHBOARD_STUDENTS).find({});
    let shown = 0;
    for (const mentorId of history.mentorIds) {
      const view = await readMentorDashboard(store, mentorId, now);
      const named = students.filter((s) => s.dashboardMentorIds.includes(mentorId)).map((s) => s.studentId);
      const got = [...view!.students.items.map((s) => s.studentId), ...view!.otherPendingActions.items.map((s) => s.studentId)];
      // Former students appear only while they owe the mentor something; current ones always.
      expect(named).toEqual(expect.arrayContaining(got));
      expect(got).toEqual(expect.arrayContaining(view!.students.items.map((s) => s.studentId)));
      const current = students.filter((s) => s.mentoring.mentorId === mentorId && (s.status === 'active' || s.status === 'paused')).map((s) => s.studentId);
      expect(view!.students.items.map((s) => s.studentId).sort()).toEqual(current.sort());
      shown += got.length;
    }
    expect(shown).toBeGreaterThan(300);
  });
});
