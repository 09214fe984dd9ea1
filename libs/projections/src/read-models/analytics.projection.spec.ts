// The analytics read models: anonymised per-student and per-mentor documents, folded exactly once, the same
// after a rebuild as live, and free of personal data (names, e-mails, disability, real ids).
import { createHmac, randomUUID } from 'node:crypto';
import { NewEvent, Position } from '@mentoring/event-store';
import { applyBatch, rebuildProjection } from '..';
import {
  ANALYTICS_MENTORS,
  ANALYTICS_STUDENTS,
  AnalyticsMentorDoc,
  AnalyticsStudentDoc,
  createAnalyticsProjection,
  pseudonymsKeyedBy,
  generatedReadSideHistory,
  scriptedReadSideHistory,
  SCRIPTED_PEOPLE,
} from '.';
import { documents, expectSameDocuments, openStores, runLive, snapshot, Stores } from './read-side.contract';

const KEY = 'test-analytics-pseudonym-key-0123456789';
const analyticsProjection = createAnalyticsProjection(KEY);
const anonymousId = pseudonymsKeyedBy(KEY);
const id = (studentId: string) => anonymousId('student', studentId);

describe('analytics pseudonyms (issue 10)', () => {
  it('are keyed by configuration: another key, other pseudonyms; the key once written in the source gives none of them', () => {
    const other = pseudonymsKeyedBy('another-analytics-pseudonym-key-987654321');
    const formerConstant = createHmac('sha256', 'mentoring-analytics-v1').update('student:s-1').digest('hex').slice(0, 24);
    expect(anonymousId('student', 's-1')).toMatch(/^[0-9a-f]{24}$/);
    expect(anonymousId('student', 's-1')).toBe(anonymousId('student', 's-1'));
    expect(other('student', 's-1')).not.toBe(anonymousId('student', 's-1'));
    expect([anonymousId('student', 's-1'), other('student', 's-1')]).not.toContain(formerConstant);
    expect(() => pseudonymsKeyedBy('short')).toThrow('at least 32 characters');
  });
});
const week = (w: string, counts: Partial<Record<'held' | 'noShows' | 'lateCancellations' | 'substantialDelays' | 'weeksWithoutSession', number>>) => ({
  week: w,
  held: 0,
  noShows: 0,
  lateCancellations: 0,
  substantialDelays: 0,
  weeksWithoutSession: 0,
  ...counts,
});

const EXPECTED_STUDENTS: AnalyticsStudentDoc[] = [
  {
    _id: id('s-appr'),
    profile: 'apprenticeship',
    funderId: 'co-acme',
    cohort: null,
    attendanceObligatory: true,
    enrolledAt: '2026-02-16T10:00:00.000Z',
    enrolledWeek: '2026-W08',
    firstAssignedAt: '2026-02-18T10:00:00.000Z',
    firstAssignedWeek: '2026-W08',
    minutesWaitingForMentor: 2 * 24 * 60,
    mentorships: [
      { startedAt: '2026-02-18T10:00:00.000Z', startedWeek: '2026-W08', discoveryAt: '2026-02-23T10:00:00.000Z', discoveryWeek: '2026-W09', minutesToDiscovery: 5 * 24 * 60 },
    ],
    mentorChanges: [],
    attendance: [week('2026-W09', { held: 1, substantialDelays: 1 }), week('2026-W10', { weeksWithoutSession: 1 })],
    status: 'active',
    endedAt: null,
    revision: 11,
  },
  {
    _id: id('s-done'),
    profile: 'self_funded',
    funderId: null,
    cohort: null,
    attendanceObligatory: false,
    enrolledAt: '2026-02-16T09:00:00.000Z',
    enrolledWeek: '2026-W08',
    firstAssignedAt: '2026-02-16T12:00:00.000Z',
    firstAssignedWeek: '2026-W08',
    minutesWaitingForMentor: 180,
    mentorships: [
      { startedAt: '2026-02-16T12:00:00.000Z', startedWeek: '2026-W08', discoveryAt: '2026-02-18T10:00:00.000Z', discoveryWeek: '2026-W08', minutesToDiscovery: 46 * 60 },
    ],
    mentorChanges: [],
    attendance: [week('2026-W08', { held: 1 })],
    status: 'completed',
    endedAt: '2026-02-20T09:00:00.000Z',
    revision: 6,
  },
  {
    _id: id('s-emp'),
    profile: 'employee',
    funderId: 'emp-globex',
    cohort: null,
    attendanceObligatory: true,
    enrolledAt: '2026-02-25T09:00:00.000Z',
    enrolledWeek: '2026-W09',
    firstAssignedAt: null,
    firstAssignedWeek: null,
    minutesWaitingForMentor: null,
    mentorships: [],
    mentorChanges: [],
    attendance: [],
    status: 'awaiting_mentor',
    endedAt: null,
    revision: 0,
  },
  {
    _id: id('s-self'),
    profile: 'self_funded',
    funderId: null,
    cohort: null,
    attendanceObligatory: false,
    enrolledAt: '2026-02-17T09:00:00.000Z',
    enrolledWeek: '2026-W08',
    firstAssignedAt: '2026-02-17T15:00:00.000Z',
    firstAssignedWeek: '2026-W08',
    minutesWaitingForMentor: 360,
    mentorships: [{ startedAt: '2026-02-17T15:00:00.000Z', startedWeek: '2026-W08', discoveryAt: null, discoveryWeek: null, minutesToDiscovery: null }],
    mentorChanges: [],
    attendance: [],
    status: 'paused',
    endedAt: null,
    revision: 6,
  },
  {
    _id: id('s-soc'),
    profile: 'social_programme',
    funderId: 'pf-agency',
    cohort: '2026-spring',
    attendanceObligatory: true,
    enrolledAt: '2026-02-16T11:00:00.000Z',
    enrolledWeek: '2026-W08',
    firstAssignedAt: '2026-02-20T11:00:00.000Z',
    firstAssignedWeek: '2026-W08',
    minutesWaitingForMentor: 4 * 24 * 60,
    mentorships: [
      { startedAt: '2026-02-20T11:00:00.000Z', startedWeek: '2026-W08', discoveryAt: '2026-02-24T10:00:00.000Z', discoveryWeek: '2026-W09', minutesToDiscovery: 95 * 60 },
      { startedAt: '2026-02-28T09:00:00.000Z', startedWeek: '2026-W09', discoveryAt: null, discoveryWeek: null, minutesToDiscovery: null },
    ],
    mentorChanges: [{ at: '2026-02-28T09:00:00.000Z', week: '2026-W09', requested: true }],
    attendance: [week('2026-W09', { held: 1, noShows: 1, lateCancellations: 1 })],
    status: 'active',
    endedAt: null,
    revision: 15,
  },
].sort((a, b) => a._id.localeCompare(b._id)) as AnalyticsStudentDoc[];

/** The anonymised reservations a mentor holds at the end of the scripted history (one per student there). */
function held(mentorId: string): string[] {
  const state = scriptedReadSideHistory().mentorState(mentorId);
  return state.status === 'registered' ? Object.keys(state.reservations).map((r) => anonymousId('reservation', r)) : [];
}

const EXPECTED_MENTORS: AnalyticsMentorDoc[] = [
  { _id: anonymousId('mentor', 'm-ava'), capacity: 3, caseload: held('m-ava'), caseloadSize: 1, unavailable: false, revision: 3 },
  { _id: anonymousId('mentor', 'm-bo'), capacity: 1, caseload: held('m-bo'), caseloadSize: 1, unavailable: false, revision: 4 },
  { _id: anonymousId('mentor', 'm-cy'), capacity: 4, caseload: held('m-cy'), caseloadSize: 1, unavailable: false, revision: 1 },
].sort((a, b) => a._id.localeCompare(b._id));

/** Everything that names a person, in any form an analyst could search for. */
function personalData(people: Record<string, { name: string; email: string }>): string[] {
  return Object.entries(people).flatMap(([personId, p]) => [personId, p.name, p.email, ...p.name.split(' ').filter((w) => w.length >= 3), p.email.split('@')[0]]);
}

function expectNoPersonalData(docs: unknown[], forbidden: string[]): void {
  expect(docs.length).toBeGreaterThan(0);
  const found: string[] = [];
  const visit = (value: unknown, where: string): void => {
    if (typeof value === 'string') {
      for (const word of forbidden) if (value.toLowerCase().includes(word.toLowerCase())) found.push(`${where}: ${word}`);
      if (/disab/i.test(value)) found.push(`${where}: disability`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${where}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (/disab|name|mail/i.test(key)) found.push(`${where}.${key}: field`);
        visit(item, `${where}.${key}`);
      }
    }
  };
  docs.forEach((doc, i) => visit(doc, `#${i}`));
  expect(found).toEqual([]);
}

describe('analytics projection', () => {
  let stores: Stores;
  beforeEach(() => {
    stores = openStores();
  });
  afterEach(() => stores.close());

  async function applyHistory(): Promise<void> {
    await scriptedReadSideHistory().appendTo(stores.events);
    await analyticsProjection.setup!(stores.read);
    await applyBatch(stores.read, analyticsProjection, await stores.events.readAll({ maxCount: 1000 }));
  }

  it('given the scripted history, one anonymised document per student and per mentor', async () => {
    await applyHistory();
    expect(await documents(stores.read, ANALYTICS_STUDENTS)).toEqual(EXPECTED_STUDENTS);
    expect(await documents(stores.read, ANALYTICS_MENTORS)).toEqual(EXPECTED_MENTORS);
  });

  it('applying the same events twice (whole, and overlapping slices) gives the same documents', async () => {
    await applyHistory();
    const once = await snapshot(stores.read, analyticsProjection);
    const events = await stores.events.readAll({ maxCount: 1000 });
    await applyBatch(stores.read, analyticsProjection, events);
    for (let i = 0; i < events.length; i += 5) await applyBatch(stores.read, analyticsProjection, events.slice(i, i + 13));
    expect(await snapshot(stores.read, analyticsProjection)).toEqual(once);
    expect(once[ANALYTICS_STUDENTS]).toEqual(EXPECTED_STUDENTS);
  });

  it('a rebuild from zero gives exactly the documents live processing gave, document by document', async () => {
    await runLive(stores, analyticsProjection, () => scriptedReadSideHistory().appendTo(stores.events));
    const live = await snapshot(stores.read, analyticsProjection);
    expect(live).toEqual({ [ANALYTICS_STUDENTS]: EXPECTED_STUDENTS, [ANALYTICS_MENTORS]: EXPECTED_MENTORS });
    await rebuildProjection(stores.events, stores.read, analyticsProjection, { batchSize: 4 });
    expectSameDocuments(await snapshot(stores.read, analyticsProjection), live);
  });

  it('holds no names, e-mails, disability data or real ids (scripted history)', async () => {
    await applyHistory();
    const docs = [...(await documents(stores.read, ANALYTICS_STUDENTS)), ...(await documents(stores.read, ANALYTICS_MENTORS))];
    expectNoPersonalData(docs, personalData(SCRIPTED_PEOPLE));
  });

  it('holds no names, e-mails, disability data or real ids (300 generated students)', async () => {
    const generated = generatedReadSideHistory({ students: 300, seed: 7 });
    await generated.scenario.appendTo(stores.events);
    await analyticsProjection.setup!(stores.read);
    for (let after: Position | undefined; ; ) {
      const page = await stores.events.readAll({ after, maxCount: 1000 });
      if (page.length === 0) break;
      await applyBatch(stores.read, analyticsProjection, page);
      after = page[page.length - 1].position;
    }
    const docs = [...(await documents(stores.read, ANALYTICS_STUDENTS)), ...(await documents(stores.read, ANALYTICS_MENTORS))];
    expect(docs.length).toBe(300 + generated.mentorIds.length);
    expectNoPersonalData(docs, personalData(generated.people));
  });

  it('never rejects an event: unknown students and mentors, missing and mistyped fields', async () => {
    const meta = { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' as const }, occurredAt: '2026-03-01T00:00:00.000Z' };
    const ev = (type: string, data: unknown): NewEvent => ({ eventId: randomUUID(), type, schemaVersion: 1, data, metadata: meta });
    await stores.events.append('mentor-ghost', [ev('CaseloadSlotReserved', { mentorId: 'ghost', studentId: 'x' })], 'no_stream');
    await stores.events.append(
      'student-odd',
      [ev('StudentEnrolled', { studentId: 'odd', funding: null }), ev('StudentAssigned', { studentId: 'odd' }), ev('SessionHeld', { studentId: 'odd', start: 'soon' })],
      'no_stream',
    );
    await applyBatch(stores.read, analyticsProjection, await stores.events.readAll());
    expect(await documents(stores.read, ANALYTICS_MENTORS)).toEqual([]);
    expect(await documents(stores.read, ANALYTICS_STUDENTS)).toEqual([
      {
        _id: id('odd'),
        profile: null,
        funderId: null,
        cohort: null,
        attendanceObligatory: false,
        enrolledAt: meta.occurredAt,
        enrolledWeek: '2026-W09',
        firstAssignedAt: meta.occurredAt,
        firstAssignedWeek: '2026-W09',
        minutesWaitingForMentor: 0,
        mentorships: [{ startedAt: meta.occurredAt, startedWeek: '2026-W09', discoveryAt: null, discoveryWeek: null, minutesToDiscovery: null }],
        mentorChanges: [],
        attendance: [],
        status: 'active',
        endedAt: null,
        revision: 2,
      },
    ]);
  });
});
