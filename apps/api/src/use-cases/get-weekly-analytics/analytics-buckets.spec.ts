// Issue 13: the analytics queries read the aggregate buckets of the analytics projection instead of scanning
// every per-student document. They must answer exactly as the per-student computation did (kept as the
// oracle in per-student-analytics.contract.ts): deep-equal views over generated histories, for ranges inside,
// around, before and after the data, single weeks, each filter, with and without small-group suppression,
// and over hand-written odd events (ends before assignments, unparsable instants, far-away years).
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@mentoring/event-store';
import { EmbeddedReadStore, ReadStore } from '@mentoring/read-store';
import {
  addIsoWeeks,
  ANALYTICS_STUDENTS,
  AnalyticsStudentDoc,
  applyBatch,
  createAnalyticsProjection,
  generatedReadSideHistory,
  isoWeekOf,
} from '@mentoring/projections';
import { readAttendanceAnalytics, AttendanceFilters } from '../get-attendance-analytics/attendance-analytics.read';
import { PROFILES } from '../read-side-support/params';
import { perStudentAttendanceAnalytics, perStudentWeeklyAnalytics } from './per-student-analytics.contract';
import { readWeeklyAnalytics } from './weekly-analytics.read';

const analytics = createAnalyticsProjection('test-analytics-pseudonym-key-0123456789');
const MIN_GROUPS = [1, 2, 5, 20];

async function projected(events: RecordedEvent[], batch = 500): Promise<EmbeddedReadStore> {
  const store = new EmbeddedReadStore({ file: ':memory:' });
  await analytics.setup!(store);
  for (let i = 0; i < events.length; i += batch) await applyBatch(store, analytics, events.slice(i, i + batch));
  return store;
}

/** The store as the bucket-based queries may see it: reading a student document is an error. */
function withoutStudentDocuments(store: ReadStore): ReadStore {
  return {
    collection(name: string) {
      if (name === ANALYTICS_STUDENTS) throw new Error('the analytics queries must not read the per-student documents');
      return store.collection(name);
    },
  } as unknown as ReadStore;
}

/** Ranges around `week` (the week of the end of the history, `weeks` weeks long). */
function rangesAround(week: string, weeks: number): Array<{ from: string; to: string }> {
  const at = (n: number) => addIsoWeeks(week, n);
  return [
    { from: at(-11), to: at(0) },
    { from: at(-weeks - 20), to: at(5) },
    { from: at(-weeks - 60), to: at(-weeks - 40) },
    { from: at(2), to: at(10) },
    { from: at(-8), to: at(-4) },
    { from: at(-3), to: at(3) },
    { from: at(-weeks - 2), to: at(-weeks + 2) },
    ...[-weeks - 1, -weeks, -11, -6, -1, 0, 1].map((n) => ({ from: at(n), to: at(n) })),
    { from: at(0), to: at(-1) },
  ];
}

async function expectSameWeekly(store: ReadStore, ranges: Array<{ from: string; to: string }>, now: Date): Promise<number> {
  let compared = 0;
  for (const range of ranges)
    for (const profile of [undefined, ...PROFILES])
      for (const minGroup of MIN_GROUPS) {
        const oracle = await perStudentWeeklyAnalytics(store, range, now, profile, minGroup);
        const actual = await readWeeklyAnalytics(withoutStudentDocuments(store), range, now, profile, minGroup);
        expect({ range, profile, minGroup, view: actual }).toEqual({ range, profile, minGroup, view: oracle });
        // The same body, byte for byte (fields in the same order).
        expect(JSON.stringify(actual)).toBe(JSON.stringify(oracle));
        compared += oracle.items.length;
      }
  return compared;
}

async function expectSameAttendance(store: ReadStore, ranges: Array<{ from: string; to: string }>, now: Date): Promise<number> {
  const students = await store.collection<AnalyticsStudentDoc>(ANALYTICS_STUDENTS).find({});
  const funders = [...new Set(students.map((s) => s.funderId).filter((f): f is string => f !== null))].sort();
  const cohorts = [...new Set(students.map((s) => s.cohort).filter((c): c is string => c !== null))].sort();
  const filters: AttendanceFilters[] = [
    {},
    ...PROFILES.map((profile) => ({ profile })),
    { funderId: funders[0] },
    { funderId: funders[funders.length - 1] },
    { cohort: cohorts[0] },
    { profile: 'social_programme', cohort: cohorts[cohorts.length - 1] },
    { profile: 'apprenticeship', funderId: funders[0] },
    { funderId: 'nobody' },
  ];
  let compared = 0;
  for (const range of ranges)
    for (const filter of filters)
      for (const minGroup of MIN_GROUPS) {
        const oracle = await perStudentAttendanceAnalytics(store, range, now, filter, minGroup);
        const actual = await readAttendanceAnalytics(withoutStudentDocuments(store), range, now, filter, minGroup);
        expect({ range, filter, minGroup, view: actual }).toEqual({ range, filter, minGroup, view: oracle });
        // The same body, byte for byte (fields in the same order).
        expect(JSON.stringify(actual)).toBe(JSON.stringify(oracle));
        compared += oracle.items.length + oracle.totals.length;
      }
  return compared;
}

describe('analytics queries from buckets = the per-student computation (issue 13)', () => {
  const histories = [
    { students: 300, seed: 7 },
    { students: 250, seed: 42, weeks: 20 },
    { students: 350, seed: 1234, studentsPerMentor: 8 },
  ];
  for (const options of histories) {
    describe(`generated history ${JSON.stringify(options)}`, () => {
      let store: EmbeddedReadStore;
      let now: Date;
      let ranges: Array<{ from: string; to: string }>;
      beforeAll(async () => {
        const history = generatedReadSideHistory(options);
        store = await projected(history.scenario.recorded());
        now = new Date(history.now);
        ranges = rangesAround(isoWeekOf(history.now)!, options.weeks ?? 12);
      });
      afterAll(() => store.close());

      it('GetWeeklyAnalytics: every range, profile and minimum group size', async () => {
        const rows = await expectSameWeekly(store, ranges, now);
        expect(rows).toBeGreaterThan(1000);
        // Not vacuous: the history has waits, discoveries, changes and mentored students in range, and some suppressed.
        const view = await readWeeklyAnalytics(store, ranges[0], now, undefined, 5);
        expect(view.items.some((r) => r.waitingForMentor.count >= 5 && r.assignmentToDiscovery.count >= 5)).toBe(true);
        expect(view.items.some((r) => r.waitingForMentor.suppressed)).toBe(true);
        expect(view.items.some((r) => r.mentorChanges > 0 && r.requestedMentorChanges > 0)).toBe(true);
        expect(view.items.every((r) => r.mentoredStudents > 0)).toBe(true);
      });

      it('GetAttendanceAnalytics: every range, filter and minimum group size; totals count distinct students', async () => {
        const rows = await expectSameAttendance(store, ranges, now);
        expect(rows).toBeGreaterThan(1000);
        const view = await readAttendanceAnalytics(store, ranges[0], now, {}, 5);
        expect(view.items.some((r) => r.suppressed)).toBe(true);
        // A student counted in several weeks of the range is one student of the totals.
        const whole = await readAttendanceAnalytics(store, ranges[0], now, {}, 1);
        const weeklySum = (t: (typeof whole.totals)[number]) =>
          whole.items.filter((r) => r.profile === t.profile && r.funderId === t.funderId && r.cohort === t.cohort).reduce((n, r) => n + r.students!, 0);
        expect(whole.totals.every((t) => t.students! <= weeklySum(t))).toBe(true);
        expect(whole.totals.some((t) => t.students! > 1 && t.students! < weeklySum(t))).toBe(true);
      });
    });
  }

  it('odd histories: an end before the assignment, unparsable instants, years of five or three digits, a withdrawal while waiting', async () => {
    let position = 0n;
    const revisions = new Map<string, number>();
    const event = (studentId: string, type: string, data: Record<string, unknown>, occurredAt = '2026-03-04T10:00:00.000Z'): RecordedEvent => {
      const streamId = `student-${studentId}`;
      const revision = (revisions.get(streamId) ?? -1) + 1;
      revisions.set(streamId, revision);
      position += 1n;
      return {
        eventId: randomUUID(),
        type,
        schemaVersion: 1,
        data: { studentId, ...data },
        metadata: { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' }, occurredAt },
        streamId,
        revision,
        position: { commit: position, prepare: position },
        recordedAt: '2030-01-01T00:00:00.000Z',
      };
    };
    const funding = (kind: string) => ({ kind, company: { id: 'co-1' }, employer: { id: 'emp-1' }, publicFunder: { id: 'pf-1' }, cohort: 'c-1' });
    const session = (studentId: string, start: string, type = 'SessionHeld', extra: Record<string, unknown> = {}) => event(studentId, type, { start, ...extra });
    const events = [
      // Withdrawn while waiting, then assigned (an end before the assignment: never mentored).
      event('a', 'StudentEnrolled', { funding: funding('employee'), enrolledAt: '2026-02-02T09:00:00.000Z' }),
      event('a', 'TrainingWithdrawn', { withdrawnAt: '2026-02-10T09:00:00.000Z' }),
      event('a', 'StudentAssigned', { assignedAt: '2026-03-02T09:00:00.000Z' }),
      // Assigned and ended in the same week; ended on a Monday at midnight.
      event('b', 'StudentEnrolled', { funding: funding('employee'), enrolledAt: '2026-02-02T09:00:00.000Z' }),
      event('b', 'StudentAssigned', { assignedAt: '2026-02-23T00:00:00.000Z' }),
      event('b', 'TrainingCompleted', { completedAt: '2026-03-02T00:00:00.000Z' }),
      // An unparsable assignment instant; an unparsable end.
      event('c', 'StudentEnrolled', { funding: funding('self_funded'), enrolledAt: '2026-02-03T09:00:00.000Z' }),
      event('c', 'StudentAssigned', { assignedAt: 'soon' }),
      event('d', 'StudentEnrolled', { funding: funding('self_funded'), enrolledAt: '2026-02-03T09:00:00.000Z' }),
      event('d', 'StudentAssigned', { assignedAt: '2026-02-04T09:00:00.000Z' }),
      event('d', 'TrainingWithdrawn', { withdrawnAt: 'later' }),
      // Far-away years: assigned in year 999 (mentored in every week since), ended in year 12026.
      event('e', 'StudentEnrolled', { funding: funding('apprenticeship'), enrolledAt: '0999-01-04T09:00:00.000Z' }),
      event('e', 'StudentAssigned', { assignedAt: '0999-01-05T09:00:00.000Z' }),
      event('e', 'TrainingWithdrawn', { withdrawnAt: '+012026-01-01T00:00:00.000Z' }),
      // A date-only assignment; attendance out of order, a week of year 999 in between, a late entry before the others.
      event('f', 'StudentEnrolled', { funding: funding('social_programme'), enrolledAt: '2026-02-09' }),
      event('f', 'StudentAssigned', { assignedAt: '2026-02-11' }),
      session('f', '2026-03-03T10:00:00.000Z', 'SessionHeld', { discovery: true }),
      session('f', '0999-06-01T10:00:00.000Z', 'SessionMissed'),
      session('f', '2026-02-24T10:00:00.000Z', 'SessionCancelled', { late: true }),
      session('f', '2026-03-04T10:00:00.000Z', 'SubstantialDelayRecorded'),
      event('f', 'AttendanceFactRecorded', { kind: 'week_without_session', weekStart: '2026-02-16' }),
      session('f', '2026-02-17T10:00:00.000Z', 'SessionMissed'),
      // No profile: in no weekly row, but in attendance.
      event('g', 'StudentEnrolled', { funding: null, enrolledAt: '2026-02-09T09:00:00.000Z' }),
      event('g', 'StudentAssigned', { assignedAt: '2026-02-09T10:00:00.000Z' }),
      session('g', '2026-02-24T10:00:00.000Z'),
    ];
    const store = await projected(events, 3);
    try {
      const now = new Date('2026-03-09T09:00:00.000Z');
      const ranges = [...rangesAround('2026-W10', 6), { from: '1000-W01', to: '1000-W03' }, { from: '2026-W09', to: '2026-W09' }];
      await expectSameWeekly(store, ranges, now);
      await expectSameAttendance(store, ranges, now);
      const mentored = (await readWeeklyAnalytics(store, { from: '2026-W05', to: '2026-W11' }, now, 'employee')).items.map((r) => [r.week, r.mentoredStudents]);
      expect(mentored).toEqual([
        ['2026-W05', 0],
        ['2026-W06', 0],
        ['2026-W07', 0],
        ['2026-W08', 0],
        ['2026-W09', 1],
        ['2026-W10', 1],
        ['2026-W11', 0],
      ]);
      expect((await readWeeklyAnalytics(store, { from: '1000-W01', to: '1000-W01' }, now, 'apprenticeship')).items[0].mentoredStudents).toBe(1);
    } finally {
      await store.close();
    }
  });
});
