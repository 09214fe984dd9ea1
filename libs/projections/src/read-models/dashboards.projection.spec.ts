// The dashboards' read models over the real embedded adapters: given the scripted history (produced by the
// real deciders), the expected documents; replays change nothing; a rebuild gives what live processing gave.
// The reports of one party (R2, R4): the overseers' links and the funders' buckets equal what the student
// documents say, through erasures and changes of funder or cohort.
import { randomUUID } from 'node:crypto';
import { NewEvent } from '@mentoring/event-store';
import type { Doc } from '@mentoring/read-store';
import { ERASED_PLACEHOLDER } from '@mentoring/domain';
import { applyBatch, rebuildProjection } from '..';
import {
  AttendanceAlertDoc,
  DASHBOARD_ATTENDANCE_ALERTS,
  DASHBOARD_FUNDER_COHORTS,
  DASHBOARD_MENTOR_STUDENTS,
  DASHBOARD_OVERSEER_STUDENTS,
  DASHBOARD_STUDENTS,
  DASHBOARD_TEAM_ITEMS,
  DashboardMentoring,
  DashboardStudent,
  DashboardStudentDoc,
  dashboardsProjection,
  generatedReadSideHistory,
  scriptedReadSideHistory,
  SCRIPTED_FUNDING,
  TeamItemDoc,
  countForFunder,
  funderSortKey,
  nameSortKey,
} from '.';
import { documents, expectSameDocuments, openStores, runLive, snapshot, Stores } from './read-side.contract';

const NO_ATTENDANCE = { held: 0, noShows: 0, lateCancellations: 0, cancellations: 0, substantialDelays: 0, weeksWithoutSession: 0, facts: [] };
const NO_MENTORING: DashboardMentoring = {
  mentorId: null,
  mentorship: null,
  bookedSessions: [],
  lastHeldSession: null,
  firstSessionReviews: [],
  openFollowUpIds: [],
  pendingChangeRequestId: null,
};

/** A whole student document: the enrolment facts of the scripted profiles, then what the test names. */
function student(
  studentId: string,
  name: string,
  kind: keyof typeof SCRIPTED_FUNDING,
  enrolledAt: string,
  rest: Partial<Omit<DashboardStudent, 'mentoring' | 'attendance'>> & {
    revision?: number;
    mentoring?: Partial<DashboardMentoring>;
    attendance?: Partial<DashboardStudent['attendance']>;
    registeredDisability?: boolean;
  },
): DashboardStudentDoc {
  const parties = {
    apprenticeship: { funderId: 'co-acme', funder: 'Acme SA', companyId: 'co-acme', employerId: 'emp-jane', tutorId: 'tut-tom', publicFunderId: null, endDate: '2027-02-28' },
    social_programme: { funderId: 'pf-agency', funder: 'Regional Employment Agency', companyId: null, employerId: null, tutorId: null, publicFunderId: 'pf-agency', endDate: '2026-09-30' },
    employee: { funderId: 'emp-globex', funder: 'Globex', companyId: null, employerId: 'emp-globex', tutorId: null, publicFunderId: null, endDate: '2026-12-31' },
    self_funded: { funderId: null, funder: null, companyId: null, employerId: null, tutorId: null, publicFunderId: null, endDate: null },
  }[kind];
  const { mentoring, attendance, registeredDisability, ...top } = rest;
  return {
    _id: studentId,
    studentId,
    profileKind: kind,
    status: 'active',
    waitingSince: null,
    dashboardMentorIds: [],
    funderId: parties.funderId,
    cohort: kind === 'social_programme' ? '2026-spring' : null,
    companyId: parties.companyId,
    employerId: parties.employerId,
    tutorId: parties.tutorId,
    student: {
      name,
      email: `${name.toLowerCase().replace(' ', '.')}@students.example`,
      trainingPath: 'web',
      registeredDisability: registeredDisability ?? false,
      startDate: '2026-03-01',
      endDate: parties.endDate,
      attendanceObligatory: kind !== 'self_funded',
      funder: parties.funder,
      publicFunderId: parties.publicFunderId,
      enrolledAt,
      sortName: name.toLowerCase(),
      funderOrder: `${kind === 'social_programme' ? '2026-spring' : ''}\u0001${name.toLowerCase()}`,
    },
    mentoring: { ...NO_MENTORING, ...mentoring },
    attendance: { ...NO_ATTENDANCE, ...attendance },
    updatedAt: enrolledAt,
    revision: 0,
    ...top,
  } as DashboardStudentDoc;
}

const EXPECTED_STUDENTS: DashboardStudentDoc[] = [
  student('s-appr', 'Alice Martin', 'apprenticeship', '2026-02-16T10:00:00.000Z', {
    mentoring: {
      mentorId: 'm-ava',
      mentorship: {
        mentorId: 'm-ava',
        since: '2026-02-18T10:00:00.000Z',
        firstContactAt: '2026-02-19T09:00:00.000Z',
        discoverySessionId: 'sess-appr-1',
        discoveryHeldAt: '2026-02-23T10:00:00.000Z',
        firstHeldSessionId: 'sess-appr-1',
      },
      bookedSessions: [
        { sessionId: 'sess-appr-2', kind: 'regular', mentorId: 'm-ava', start: '2026-03-02T10:00:00.000Z', end: '2026-03-02T10:45:00.000Z', bookedAt: '2026-02-23T12:05:00.000Z' },
        { sessionId: 'sess-appr-3', kind: 'regular', mentorId: 'm-ava', start: '2026-03-09T10:00:00.000Z', end: '2026-03-09T10:45:00.000Z', bookedAt: '2026-02-23T12:06:00.000Z' },
      ],
      lastHeldSession: { sessionId: 'sess-appr-1', kind: 'discovery', mentorId: 'm-ava', start: '2026-02-23T10:00:00.000Z' },
      firstSessionReviews: [
        { sessionId: 'sess-appr-1', mentorId: 'm-ava', heldAt: '2026-02-23T10:50:00.000Z', recordingSubmittedAt: '2026-02-23T12:00:00.000Z', feedbackGivenAt: null },
      ],
    },
    attendance: {
      held: 1,
      substantialDelays: 1,
      weeksWithoutSession: 1,
      facts: [
        { kind: 'substantial_delay', sessionId: 'sess-appr-1', weekStart: null, occurredAt: '2026-02-23T10:00:00.000Z', recordedAt: '2026-02-23T11:00:00.000Z' },
        { kind: 'week_without_session', sessionId: null, weekStart: '2026-03-02', occurredAt: '2026-03-02T00:00:00.000Z', recordedAt: '2026-03-09T08:00:00.000Z' },
      ],
    },
    dashboardMentorIds: ['m-ava'],
    updatedAt: '2026-03-09T08:00:00.000Z',
    revision: 12,
  }),
  student('s-done', 'Dora Kowal', 'self_funded', '2026-02-16T09:00:00.000Z', {
    status: 'completed',
    mentoring: {
      mentorId: 'm-bo',
      mentorship: {
        mentorId: 'm-bo',
        since: '2026-02-16T12:00:00.000Z',
        firstContactAt: null,
        discoverySessionId: 'sess-done-1',
        discoveryHeldAt: '2026-02-18T10:00:00.000Z',
        firstHeldSessionId: 'sess-done-1',
      },
      lastHeldSession: { sessionId: 'sess-done-1', kind: 'discovery', mentorId: 'm-bo', start: '2026-02-18T10:00:00.000Z' },
      firstSessionReviews: [
        { sessionId: 'sess-done-1', mentorId: 'm-bo', heldAt: '2026-02-18T10:31:00.000Z', recordingSubmittedAt: '2026-02-18T12:00:00.000Z', feedbackGivenAt: '2026-02-19T09:00:00.000Z' },
      ],
    },
    attendance: { held: 1 },
    // Completed, nothing owed: on no mentor's dashboard any more.
    dashboardMentorIds: [],
    updatedAt: '2026-02-20T09:00:00.000Z',
    revision: 6,
  }),
  student('s-emp', 'Eve Lindgren', 'employee', '2026-02-25T09:00:00.000Z', {
    status: 'awaiting_mentor',
    waitingSince: '2026-02-25T09:00:00.000Z',
    updatedAt: '2026-02-25T09:00:00.000Z',
    revision: 0,
  }),
  student('s-self', 'Sidney Brooks', 'self_funded', '2026-02-17T09:00:00.000Z', {
    status: 'paused',
    mentoring: {
      mentorId: 'm-bo',
      mentorship: { mentorId: 'm-bo', since: '2026-02-17T15:00:00.000Z', firstContactAt: null, discoverySessionId: null, discoveryHeldAt: null, firstHeldSessionId: null },
    },
    dashboardMentorIds: ['m-bo'],
    updatedAt: '2026-02-27T10:00:00.000Z',
    revision: 6,
  }),
  student('s-soc', 'Samir Haddou', 'social_programme', '2026-02-16T11:00:00.000Z', {
    registeredDisability: true,
    mentoring: {
      mentorId: 'm-cy',
      // A new mentorship: no first contact, no discovery session yet.
      mentorship: { mentorId: 'm-cy', since: '2026-02-28T09:00:00.000Z', firstContactAt: null, discoverySessionId: null, discoveryHeldAt: null, firstHeldSessionId: null },
      lastHeldSession: { sessionId: 'sess-soc-1', kind: 'discovery', mentorId: 'm-ava', start: '2026-02-24T10:00:00.000Z' },
      firstSessionReviews: [{ sessionId: 'sess-soc-1', mentorId: 'm-ava', heldAt: '2026-02-24T10:46:00.000Z', recordingSubmittedAt: null, feedbackGivenAt: null }],
      openFollowUpIds: ['f-soc-1'],
    },
    attendance: {
      held: 1,
      noShows: 1,
      lateCancellations: 1,
      facts: [
        { kind: 'no_show', sessionId: 'sess-soc-2', weekStart: null, occurredAt: '2026-02-26T10:00:00.000Z', recordedAt: '2026-02-26T10:20:00.000Z' },
        { kind: 'late_cancellation', sessionId: 'sess-soc-3', weekStart: null, occurredAt: '2026-02-27T15:00:00.000Z', recordedAt: '2026-02-27T09:00:00.000Z' },
      ],
    },
    // Ava still owes the recording of the first session she held with Samir (R13).
    dashboardMentorIds: ['m-ava', 'm-cy'],
    updatedAt: '2026-02-28T09:00:00.000Z',
    revision: 15,
  }),
];

const EXPECTED_ALERTS: AttendanceAlertDoc[] = [
  {
    _id: 's-appr:12',
    revision: 12,
    studentId: 's-appr',
    mentorId: 'm-ava',
    raisedAt: '2026-03-09T08:00:00.000Z',
    raisedWeek: '2026-W11',
    kind: 'week_without_session',
    sessionId: null,
    weekStart: '2026-03-02',
    funderId: 'co-acme',
    funder: 'Acme SA',
    cohort: null,
  },
  {
    _id: 's-appr:7',
    revision: 7,
    studentId: 's-appr',
    mentorId: 'm-ava',
    raisedAt: '2026-02-23T11:00:00.000Z',
    raisedWeek: '2026-W09',
    kind: 'substantial_delay',
    sessionId: 'sess-appr-1',
    weekStart: null,
    funderId: 'co-acme',
    funder: 'Acme SA',
    cohort: null,
  },
  {
    _id: 's-soc:12',
    revision: 12,
    studentId: 's-soc',
    mentorId: 'm-ava',
    raisedAt: '2026-02-27T09:00:00.000Z',
    raisedWeek: '2026-W09',
    kind: 'late_cancellation',
    sessionId: 'sess-soc-3',
    weekStart: null,
    funderId: 'pf-agency',
    funder: 'Regional Employment Agency',
    cohort: '2026-spring',
  },
  {
    _id: 's-soc:8',
    revision: 8,
    studentId: 's-soc',
    mentorId: 'm-ava',
    raisedAt: '2026-02-26T10:20:00.000Z',
    raisedWeek: '2026-W09',
    kind: 'no_show',
    sessionId: 'sess-soc-2',
    weekStart: null,
    funderId: 'pf-agency',
    funder: 'Regional Employment Agency',
    cohort: '2026-spring',
  },
];

// Only what the team still has to handle: Sid's follow-up was resolved and his request declined, Samir's
// request granted, Dora's recording reviewed; those items are gone.
const EXPECTED_ITEMS: TeamItemDoc[] = [
  {
    _id: 'follow_up:s-soc:f-soc-1',
    kind: 'follow_up',
    studentId: 's-soc',
    mentorId: 'm-ava',
    since: '2026-02-27T10:00:00.000Z',
    followUpId: 'f-soc-1',
    reason: 'missed_sessions',
    note: 'Two sessions missed this week',
    requestedBy: { id: 'm-ava', role: 'mentor' },
    revision: 13,
  },
  {
    _id: 'recording_review:s-appr:sess-appr-1',
    kind: 'recording_review',
    studentId: 's-appr',
    mentorId: 'm-ava',
    since: '2026-02-23T12:00:00.000Z',
    sessionId: 'sess-appr-1',
    recordingUrl: 'https://recordings.example/appr-1',
    revision: 8,
  },
];

describe('dashboards projection', () => {
  let stores: Stores;
  beforeEach(() => {
    stores = openStores();
  });
  afterEach(() => stores.close());

  async function applyHistory(): Promise<void> {
    await scriptedReadSideHistory().appendTo(stores.events);
    await dashboardsProjection.setup!(stores.read);
    await applyBatch(stores.read, dashboardsProjection, await stores.events.readAll({ maxCount: 1000 }));
  }

  it('given the scripted history, one whole document per student', async () => {
    await applyHistory();
    expect(await documents(stores.read, DASHBOARD_STUDENTS)).toEqual(EXPECTED_STUDENTS);
  });

  it('given the scripted history, one whole document per item the team still has to handle, and per attendance alert', async () => {
    await applyHistory();
    expect(await documents(stores.read, DASHBOARD_TEAM_ITEMS)).toEqual(EXPECTED_ITEMS);
    expect(await documents(stores.read, DASHBOARD_ATTENDANCE_ALERTS)).toEqual(EXPECTED_ALERTS);
  });

  it("a mentor's students are linked exactly as the students' dashboardMentorIds say (scripted and generated histories, through changes of mentor and ends of training)", async () => {
    const linksMatch = async () => {
      const expected = (await documents(stores.read, DASHBOARD_STUDENTS))
        .flatMap((s) => (s.dashboardMentorIds as string[]).map((mentorId) => ({ _id: `${mentorId}:${s._id}`, mentorId, studentId: s._id })))
        .sort((a, b) => (a._id < b._id ? -1 : 1));
      const links = (await documents(stores.read, DASHBOARD_MENTOR_STUDENTS)).sort((a, b) => (a._id < b._id ? -1 : 1));
      expect(links).toEqual(expected);
      return links.length;
    };
    await applyHistory();
    expect(await linksMatch()).toBe(4);
    await stores.close();
    stores = openStores();
    await dashboardsProjection.setup!(stores.read);
    const generated = generatedReadSideHistory({ students: 150, seed: 7 });
    await generated.scenario.appendTo(stores.events);
    const events = await stores.events.readAll({ maxCount: 100_000 });
    for (let i = 0; i < events.length; i += 500) await applyBatch(stores.read, dashboardsProjection, events.slice(i, i + 500));
    expect(await linksMatch()).toBeGreaterThan(100);
  });

  describe('the reports of one party (R2, R4): sort keys, overseers’ links, funders’ buckets', () => {
    const SUMS = ['held', 'noShows', 'lateCancellations', 'cancellations', 'substantialDelays', 'weeksWithoutSession'] as const;
    const byId = (a: { _id: string }, b: { _id: string }) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

    /** Per (funder, profile, cohort): the students and the sums of their counts, as the student documents say. */
    function bucketsOfStudents(students: DashboardStudentDoc[]): Doc[] {
      const out = new Map<string, Doc & Record<string, unknown>>();
      for (const s of students) {
        if (s.funderId === null) continue;
        const _id = JSON.stringify([s.funderId, s.profileKind, s.cohort]);
        const bucket = out.get(_id) ?? { _id, funderId: s.funderId, profileKind: s.profileKind, cohort: s.cohort, students: 0, ...Object.fromEntries(SUMS.map((f) => [f, 0])) };
        bucket.students = (bucket.students as number) + 1;
        for (const f of SUMS) bucket[f] = (bucket[f] as number) + s.attendance[f];
        out.set(_id, bucket);
      }
      return [...out.values()].sort(byId);
    }

    /** The stored buckets with a count never written read as 0, without the funder's name (the first student's). */
    async function storedBuckets(): Promise<Doc[]> {
      return (await documents(stores.read, DASHBOARD_FUNDER_COHORTS)).map(({ funder: _name, ...b }) => ({
        ...b,
        students: b.students ?? 0,
        ...Object.fromEntries(SUMS.map((f) => [f, b[f] ?? 0])),
      }));
    }

    /** An apprentice is found by its tutor, by its employer and its company (one link if the same), and by any of them for staff. */
    function linksOfStudents(students: DashboardStudentDoc[]): Doc[] {
      const links = new Map<string, Doc>();
      for (const s of students.filter((x) => x.profileKind === 'apprenticeship')) {
        const overseers = [`tutor:${s.tutorId}`, `organisation:${s.employerId}`, `organisation:${s.companyId}`, `any:${s.tutorId}`, `any:${s.employerId}`, `any:${s.companyId}`];
        for (const overseer of overseers) links.set(`${overseer}|${s._id}`, { _id: `${overseer}|${s._id}`, overseer, studentId: s._id, sortName: nameSortKey(s.student.name) });
      }
      return [...links.values()].sort(byId);
    }

    async function expectLinksAndBucketsOfTheStudents(): Promise<DashboardStudentDoc[]> {
      const students = await documents<DashboardStudentDoc>(stores.read, DASHBOARD_STUDENTS);
      expect(await documents(stores.read, DASHBOARD_OVERSEER_STUDENTS)).toEqual(linksOfStudents(students));
      expect(await storedBuckets()).toEqual(bucketsOfStudents(students));
      for (const s of students) expect(s.student.funderOrder).toBe(funderSortKey(s.cohort, nameSortKey(s.student.name)));
      return students;
    }

    it('names sort by their NFKD form without marks, lower-cased, by code point; a funder’s key by cohort (none first), then name', () => {
      expect(nameSortKey('Émile Zoë')).toBe('emile zoe');
      expect(nameSortKey('ÉMILE ZOE')).toBe(nameSortKey('emile zoe'));
      expect(nameSortKey('ﬁona Ｌee')).toBe('fiona lee');
      expect(nameSortKey(null)).toBe('');
      // Beyond U+D7FF (private use, an emoji, a CJK ideograph of plane 2): kept in order, written below U+D800.
      const keys = ['a\u{1F600}', 'a\u{20000}', 'a\uE000', 'a\u4E00', 'ab'].map(nameSortKey);
      expect(keys.every((k) => !/[\ud800-\uffff]/.test(k))).toBe(true);
      expect([...keys].sort()).toEqual([nameSortKey('ab'), nameSortKey('a\u4E00'), nameSortKey('a\uE000'), nameSortKey('a\u{1F600}'), nameSortKey('a\u{20000}')]);
      const order = [funderSortKey('2026-b', 'alice'), funderSortKey(null, 'zoe'), funderSortKey('2026-a', 'zoe'), funderSortKey('2026-a', 'bob'), funderSortKey('2026', 'zed')].sort();
      expect(order).toEqual([funderSortKey(null, 'zoe'), funderSortKey('2026', 'zed'), funderSortKey('2026-a', 'bob'), funderSortKey('2026-a', 'zoe'), funderSortKey('2026-b', 'alice')]);
    });

    it('given the scripted history: six links for the apprentice (tutor, employer, company; each for staff too), one bucket per funder, profile and cohort', async () => {
      await applyHistory();
      const link = (overseer: string) => ({ _id: `${overseer}|s-appr`, overseer, studentId: 's-appr', sortName: 'alice martin' });
      expect(await documents(stores.read, DASHBOARD_OVERSEER_STUDENTS)).toEqual(
        ['any:co-acme', 'any:emp-jane', 'any:tut-tom', 'organisation:co-acme', 'organisation:emp-jane', 'tutor:tut-tom'].map(link),
      );
      expect(await documents(stores.read, DASHBOARD_FUNDER_COHORTS)).toEqual([
        { _id: '["co-acme","apprenticeship",null]', funderId: 'co-acme', profileKind: 'apprenticeship', cohort: null, funder: 'Acme SA', students: 1, held: 1, substantialDelays: 1, weeksWithoutSession: 1 },
        { _id: '["emp-globex","employee",null]', funderId: 'emp-globex', profileKind: 'employee', cohort: null, funder: 'Globex', students: 1 },
        {
          _id: '["pf-agency","social_programme","2026-spring"]',
          funderId: 'pf-agency',
          profileKind: 'social_programme',
          cohort: '2026-spring',
          funder: 'Regional Employment Agency',
          students: 1,
          held: 1,
          noShows: 1,
          lateCancellations: 1,
        },
      ]);
      await expectLinksAndBucketsOfTheStudents();
    });

    it('given a generated history, then the erasure of a third of the students: links and buckets equal what the student documents say (deep equal)', async () => {
      await dashboardsProjection.setup!(stores.read);
      await generatedReadSideHistory({ students: 150, seed: 11 }).scenario.appendTo(stores.events);
      const applyAll = async () => {
        const events = await stores.events.readAll({ maxCount: 100_000 });
        for (let i = 0; i < events.length; i += 500) await applyBatch(stores.read, dashboardsProjection, events.slice(i, i + 500));
      };
      await applyAll();
      const before = await expectLinksAndBucketsOfTheStudents();
      const bucketsBefore = await storedBuckets();
      expect(bucketsBefore.length).toBeGreaterThan(5);
      const erased = before.filter((_, i) => i % 3 === 0);
      expect(new Set(erased.map((s) => s.profileKind))).toEqual(new Set(['apprenticeship', 'employee', 'social_programme', 'self_funded']));
      const meta = { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' as const }, occurredAt: '2026-04-01T00:00:00.000Z' };
      for (const s of erased) {
        const erasure: NewEvent = { eventId: randomUUID(), type: 'StudentPersonalDataErased', schemaVersion: 1, data: { studentId: s._id, reason: 'asked' }, metadata: meta };
        await stores.events.append(`student-${s._id}`, [erasure], 'any');
      }
      await applyAll();
      const after = await expectLinksAndBucketsOfTheStudents();
      // Erasure changes names (so the keys and the links), never who pays or the counts.
      expect(await storedBuckets()).toEqual(bucketsBefore);
      const erasedIds = new Set(erased.map((s) => s._id));
      const erasedLinks = (await documents(stores.read, DASHBOARD_OVERSEER_STUDENTS)).filter((l) => erasedIds.has(l.studentId as string));
      expect(erasedLinks.length).toBeGreaterThan(0);
      expect(new Set(erasedLinks.map((l) => l.sortName))).toEqual(new Set([nameSortKey(ERASED_PLACEHOLDER)]));
      expect(after.filter((s) => erasedIds.has(s._id)).every((s) => s.student.sortName === nameSortKey(ERASED_PLACEHOLDER))).toBe(true);
    });

    it('a change of cohort or funder moves the student’s whole contribution from one bucket to the other (no event does it today: the difference is generic)', async () => {
      await applyHistory();
      const students = stores.read.collection<DashboardStudentDoc>(DASHBOARD_STUDENTS);
      const samir = (await students.findOne({ _id: 's-soc' }))!;
      const bucket = async (funderId: string, cohort: string) =>
        (await storedBuckets()).find((b) => b._id === JSON.stringify([funderId, 'social_programme', cohort])) ?? null;
      const counts = { held: 1, noShows: 1, lateCancellations: 1, cancellations: 0, substantialDelays: 0, weeksWithoutSession: 0 };
      const autumn = { ...samir, cohort: '2026-autumn' };
      await stores.read.transaction((tx) => countForFunder(tx, samir, autumn));
      expect(await bucket('pf-agency', '2026-spring')).toMatchObject({ students: 0, held: 0, noShows: 0, lateCancellations: 0 });
      expect(await bucket('pf-agency', '2026-autumn')).toMatchObject({ students: 1, ...counts });
      const elsewhere = { ...autumn, funderId: 'pf-other', attendance: { ...autumn.attendance, held: 3 } };
      await stores.read.transaction((tx) => countForFunder(tx, autumn, elsewhere));
      expect(await bucket('pf-agency', '2026-autumn')).toMatchObject({ students: 0, held: 0, noShows: 0 });
      expect(await bucket('pf-other', '2026-autumn')).toMatchObject({ students: 1, ...counts, held: 3 });
      // No change, nothing written; a student leaving every funder (self-funded) takes its contribution away.
      await stores.read.transaction((tx) => countForFunder(tx, elsewhere, elsewhere));
      await stores.read.transaction((tx) => countForFunder(tx, elsewhere, { ...elsewhere, funderId: null }));
      expect(await bucket('pf-other', '2026-autumn')).toMatchObject({ students: 0, held: 0, noShows: 0, lateCancellations: 0 });
    });
  });

  it('applying the same events twice (whole, and overlapping slices) gives the same documents', async () => {
    await applyHistory();
    const once = await snapshot(stores.read, dashboardsProjection);
    const events = await stores.events.readAll({ maxCount: 1000 });
    await applyBatch(stores.read, dashboardsProjection, events);
    for (let i = 0; i < events.length; i += 7) await applyBatch(stores.read, dashboardsProjection, events.slice(i, i + 11));
    expect(await snapshot(stores.read, dashboardsProjection)).toEqual(once);
    expect(once[DASHBOARD_STUDENTS]).toEqual(EXPECTED_STUDENTS);
  });

  it('a rebuild from zero gives exactly the documents live processing gave, document by document', async () => {
    await runLive(stores, dashboardsProjection, () => scriptedReadSideHistory().appendTo(stores.events));
    const live = await snapshot(stores.read, dashboardsProjection);
    expect(live[DASHBOARD_STUDENTS]).toEqual(EXPECTED_STUDENTS);
    expect(live[DASHBOARD_TEAM_ITEMS]).toEqual(EXPECTED_ITEMS);
    expect(live[DASHBOARD_ATTENDANCE_ALERTS]).toEqual(EXPECTED_ALERTS);
    const progress = await rebuildProjection(stores.events, stores.read, dashboardsProjection, { batchSize: 9 });
    expect(progress.done).toBe((await stores.events.readAll({ maxCount: 1000 })).length);
    expectSameDocuments(await snapshot(stores.read, dashboardsProjection), live);
  });

  it('never rejects an event: unknown students, missing and mistyped fields are ignored or read as null', async () => {
    const meta = { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' as const }, occurredAt: '2026-03-01T00:00:00.000Z' };
    const ev = (type: string, data: unknown): NewEvent => ({ eventId: randomUUID(), type, schemaVersion: 1, data, metadata: meta });
    await stores.events.append('student-ghost', [ev('SessionHeld', { studentId: 'ghost', sessionId: 'x' }), ev('FollowUpRequested', { studentId: 'ghost' })], 'no_stream');
    await stores.events.append(
      'student-odd',
      [
        ev('StudentEnrolled', { studentId: 'odd', name: 42, funding: 'none' }),
        ev('StudentAssigned', { studentId: 'odd', mentorId: 'm-1' }),
        ev('SessionBooked', { studentId: 'odd', sessionId: 's-1', start: '2026-03-02T10:00:00.000Z' }),
        ev('FollowUpRequested', { studentId: 'odd', followUpId: null }),
        ev('AttendanceAlertRaised', { studentId: 'odd' }),
        ev('MentorChanged', { studentId: 'odd' }),
      ],
      'no_stream',
    );
    await dashboardsProjection.setup!(stores.read);
    await applyBatch(stores.read, dashboardsProjection, await stores.events.readAll());
    expect(await documents(stores.read, DASHBOARD_STUDENTS)).toEqual([
      {
        ...student('odd', 'x', 'self_funded', meta.occurredAt, {
          profileKind: null,
          mentoring: {
            mentorId: 'm-1',
            mentorship: { mentorId: 'm-1', since: meta.occurredAt, firstContactAt: null, discoverySessionId: null, discoveryHeldAt: null, firstHeldSessionId: null },
          },
          dashboardMentorIds: ['m-1'],
          updatedAt: meta.occurredAt,
          revision: 5,
        }),
        student: {
          name: null,
          email: null,
          trainingPath: null,
          registeredDisability: false,
          startDate: null,
          endDate: null,
          attendanceObligatory: false,
          funder: null,
          publicFunderId: null,
          enrolledAt: meta.occurredAt,
          sortName: '',
          funderOrder: '\u0001',
        },
      },
    ]);
    expect(await documents(stores.read, DASHBOARD_TEAM_ITEMS)).toEqual([]);
    expect(await documents(stores.read, DASHBOARD_ATTENDANCE_ALERTS)).toEqual([
      {
        _id: 'odd:4',
        revision: 4,
        studentId: 'odd',
        mentorId: null,
        raisedAt: meta.occurredAt,
        raisedWeek: '2026-W09',
        kind: null,
        sessionId: null,
        weekStart: null,
        funderId: null,
        funder: null,
        cohort: null,
      },
    ]);
  });
});
