// The analytics read models: anonymised per-student and per-mentor documents, folded exactly once, the same
// after a rebuild as live, and free of personal data (names, e-mails, disability, real ids).
import { createHmac, randomUUID } from 'node:crypto';
import { NewEvent, Position } from '@mentoring/event-store';
import { applyBatch, rebuildProjection } from '..';
import type { Doc } from '@mentoring/read-store';
import {
  ANALYTICS_ATTENDANCE,
  ANALYTICS_BUCKET_COLLECTIONS,
  ANALYTICS_DURATIONS,
  ANALYTICS_MENTORS,
  ANALYTICS_MENTOR_LOADS,
  ANALYTICS_STUDENTS,
  ANALYTICS_WEEKS,
  AnalyticsMentorDoc,
  AnalyticsStudent,
  AnalyticsStudentDoc,
  applyBucketDeltas,
  bucketDeltas,
  createAnalyticsProjection,
  durationValues,
  studentBucketDeltas,
  studentBuckets,
  studentContributions,
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

/** The mentor-load buckets the per-mentor documents give (the oracle of ANALYTICS_MENTOR_LOADS), zero counts left out. */
function mentorLoadsOf(mentors: readonly AnalyticsMentorDoc[]): Doc[] {
  const counts = new Map<string, Doc>();
  for (const m of mentors) {
    const _id = `${m.capacity}:${m.caseloadSize}:${m.unavailable ? 1 : 0}`;
    const bucket = counts.get(_id) ?? { _id, capacity: m.capacity, caseloadSize: m.caseloadSize, unavailable: m.unavailable, mentors: 0 };
    counts.set(_id, { ...bucket, mentors: (bucket.mentors as number) + 1 });
  }
  return [...counts.values()].sort((a, b) => (a._id < b._id ? -1 : 1));
}

/** The buckets of the scripted history (issue 13): W08 is week 2929, W09 2930, W10 2931. */
const EXPECTED_BUCKETS: Record<string, Doc[]> = {
  // s-done was assigned and completed in W08; the others assigned in W08 have a mentor still.
  [ANALYTICS_WEEKS]: [
    { _id: '2929|apprenticeship', profile: 'apprenticeship', week: '2026-W08', weekIndex: 2929, enrolled: 1, starting: 1 },
    { _id: '2929|self_funded', profile: 'self_funded', week: '2026-W08', weekIndex: 2929, enrolled: 2, starting: 2, ending: 1 },
    { _id: '2929|social_programme', profile: 'social_programme', week: '2026-W08', weekIndex: 2929, enrolled: 1, starting: 1 },
    { _id: '2930|employee', profile: 'employee', week: '2026-W09', weekIndex: 2930, enrolled: 1 },
    { _id: '2930|social_programme', profile: 'social_programme', week: '2026-W09', weekIndex: 2930, changes: 1, requested: 1 },
  ],
  [ANALYTICS_DURATIONS]: [
    { _id: '2929|apprenticeship', profile: 'apprenticeship', week: '2026-W08', weekIndex: 2929, waits: [[2 * 24 * 60, 1]] },
    { _id: '2929|self_funded', profile: 'self_funded', week: '2026-W08', weekIndex: 2929, waits: [[180, 1], [360, 1]], toDiscovery: [[46 * 60, 1]] },
    { _id: '2929|social_programme', profile: 'social_programme', week: '2026-W08', weekIndex: 2929, waits: [[4 * 24 * 60, 1]] },
    { _id: '2930|apprenticeship', profile: 'apprenticeship', week: '2026-W09', weekIndex: 2930, toDiscovery: [[5 * 24 * 60, 1]] },
    { _id: '2930|social_programme', profile: 'social_programme', week: '2026-W09', weekIndex: 2930, toDiscovery: [[95 * 60, 1]] },
  ],
  [ANALYTICS_ATTENDANCE]: [
    { _id: '2929|["self_funded",null,null]', profile: 'self_funded', funderId: null, cohort: null, week: '2026-W08', weekIndex: 2929, students: 1, held: 1, previous: { none: 1 } },
    { _id: '2930|["apprenticeship","co-acme",null]', profile: 'apprenticeship', funderId: 'co-acme', cohort: null, week: '2026-W09', weekIndex: 2930, students: 1, held: 1, substantialDelays: 1, previous: { none: 1 } },
    {
      _id: '2930|["social_programme","pf-agency","2026-spring"]',
      profile: 'social_programme',
      funderId: 'pf-agency',
      cohort: '2026-spring',
      week: '2026-W09',
      weekIndex: 2930,
      students: 1,
      held: 1,
      noShows: 1,
      lateCancellations: 1,
      previous: { none: 1 },
    },
    { _id: '2931|["apprenticeship","co-acme",null]', profile: 'apprenticeship', funderId: 'co-acme', cohort: null, week: '2026-W10', weekIndex: 2931, students: 1, weeksWithoutSession: 1, previous: { '2026-W09': 1 } },
  ],
};

const BUCKET_KEYS = new Set(['_id', 'profile', 'funderId', 'cohort', 'week', 'weekIndex']);

/**
 * Counts of zero and empty lists are the same as none, and a bucket with nothing else is the same as no bucket
 * (what went up and down again stays in the bucket: the queries add zeros).
 */
function withoutZeros(docs: Doc[]): Doc[] {
  const clean = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const w = clean(v);
      const empty = w === 0 || (Array.isArray(w) && w.length === 0) || (w !== null && typeof w === 'object' && Object.keys(w).length === 0);
      if (!empty) out[k] = w;
    }
    return out;
  };
  return docs.map((d) => clean(d) as Doc).filter((d) => Object.keys(d).some((k) => !BUCKET_KEYS.has(k)));
}

/** The buckets computed from scratch: the sum of every student document's contributions. */
function bucketsFromScratch(students: AnalyticsStudent[]): Record<string, Doc[]> {
  const buckets = new Map<string, Doc>();
  for (const s of students) {
    for (const d of bucketDeltas(new Map(), studentContributions(s))) {
      const slot = `${d.collection}\n${d.id}`;
      let doc = buckets.get(slot);
      if (!doc) buckets.set(slot, (doc = { _id: d.id, ...d.key }));
      for (const [path, by] of Object.entries(d.inc)) {
        const [field, sub] = path.split('.');
        if (sub === undefined) doc[field] = ((doc[field] as number | undefined) ?? 0) + by;
        else {
          const map = ((doc[field] as Record<string, number> | undefined) ??= {});
          map[sub] = (map[sub] ?? 0) + by;
        }
      }
      for (const [field, values] of Object.entries(d.push)) doc[field] = [...((doc[field] as number[] | undefined) ?? []), ...values];
      expect(d.pull).toEqual({});
    }
  }
  const out: Record<string, Doc[]> = Object.fromEntries(ANALYTICS_BUCKET_COLLECTIONS.map((c) => [c, []]));
  for (const [slot, doc] of buckets) out[slot.split('\n')[0]].push(doc);
  for (const docs of Object.values(out)) docs.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  return out;
}

/** A stored list of durations ([minutes, count] pairs) or a list built from scratch (values), as values. */
const asValues = (list: unknown[]): number[] => (list.every((v) => Array.isArray(v)) ? durationValues(list as Array<[number, number]>) : (list as number[]).slice());

/** The bucket collections of a snapshot, zeros left out, multisets of values in order (the queries sort them). */
function bucketsOf(snap: Record<string, Doc[]>): unknown {
  const sorted = (docs: Doc[]) =>
    docs.map((d) => ({ ...d, ...Object.fromEntries(['waits', 'toDiscovery'].filter((f) => Array.isArray(d[f])).map((f) => [f, asValues(d[f] as unknown[]).sort((a, b) => a - b)])) }));
  return Object.fromEntries(ANALYTICS_BUCKET_COLLECTIONS.map((c) => [c, withoutZeros(sorted(snap[c] ?? []))]));
}

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

  it('R9: mentors counted per (capacity, caseload, unavailable), each count the mentors whose document says so, through capacity changes, reservations, releases and unavailability', async () => {
    await applyHistory();
    const at = '2026-03-02T09:00:00.000Z';
    const mentorEvent = (mentorId: string, type: string, data: Record<string, unknown>) => ({ eventId: `${mentorId}-${type}-${JSON.stringify(data)}`, type, schemaVersion: 1, data: { mentorId, ...data }, metadata: { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' }, occurredAt: at } });
    // m-ava: capacity 3 → 2, two reservations and one released (a second student in all), unavailable; the others unchanged.
    const ava = (type: string, data: Record<string, unknown>) => stores.events.append('mentor-m-ava', [mentorEvent('m-ava', type, data)], 'any');
    await ava('MentorCapacityChanged', { capacity: 2, changedAt: at });
    await ava('CaseloadSlotReserved', { studentId: 's-x', reservedAt: at });
    await ava('CaseloadSlotReserved', { studentId: 's-y', reservedAt: at });
    await ava('CaseloadSlotReleased', { studentId: 's-x', releasedAt: at });
    await ava('MentorUnavailabilityDeclared', { from: at, reason: 'leave' });
    await applyBatch(stores.read, analyticsProjection, await stores.events.readAll({ maxCount: 1000 }));
    const mentors = (await documents(stores.read, ANALYTICS_MENTORS)) as AnalyticsMentorDoc[];
    const loads = (await documents(stores.read, ANALYTICS_MENTOR_LOADS)).filter((b) => b.mentors !== 0);
    expect(loads).toEqual(mentorLoadsOf(mentors));
    expect(mentors.find((m) => m._id === anonymousId('mentor', 'm-ava'))).toMatchObject({ capacity: 2, caseloadSize: 2, unavailable: true });
    expect(loads.map((b) => [b._id, b.mentors])).toEqual([['1:1:0', 1], ['2:2:1', 1], ['4:1:0', 1]]);
  });

  it('given the scripted history, the buckets per week and profile or group (issue 13), the sum of the students’ contributions', async () => {
    await applyHistory();
    const snap = await snapshot(stores.read, analyticsProjection);
    for (const c of ANALYTICS_BUCKET_COLLECTIONS) expect({ c, docs: snap[c] }).toEqual({ c, docs: EXPECTED_BUCKETS[c] });
    expect(bucketsOf(bucketsFromScratch(EXPECTED_STUDENTS))).toEqual(bucketsOf(EXPECTED_BUCKETS));
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
    const { [ANALYTICS_MENTOR_LOADS]: loads, ...rest } = live;
    expect(rest).toEqual({ [ANALYTICS_STUDENTS]: EXPECTED_STUDENTS, [ANALYTICS_MENTORS]: EXPECTED_MENTORS, ...EXPECTED_BUCKETS });
    expect(loads.filter((b) => b.mentors !== 0)).toEqual(mentorLoadsOf(EXPECTED_MENTORS));
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
    const buckets = (await Promise.all(ANALYTICS_BUCKET_COLLECTIONS.map((c) => documents(stores.read, c)))).flat();
    expectNoPersonalData(buckets, personalData(generated.people));
  });

  it('generated history (300 students): the buckets are the sum of the students’ contributions, live as after a rebuild; an event applied twice changes nothing', async () => {
    const generated = generatedReadSideHistory({ students: 300, seed: 11 });
    await runLive(stores, analyticsProjection, () => generated.scenario.appendTo(stores.events));
    const live = await snapshot(stores.read, analyticsProjection);
    expect(live[ANALYTICS_STUDENTS]).toHaveLength(300);
    for (const c of ANALYTICS_BUCKET_COLLECTIONS) expect(live[c].length).toBeGreaterThan(10);
    expect(bucketsOf(live)).toEqual(bucketsOf(bucketsFromScratch(live[ANALYTICS_STUDENTS] as AnalyticsStudentDoc[])));
    // Durations are [minutes, count] pairs in ascending order of the minutes, no count of 0.
    for (const d of live[ANALYTICS_DURATIONS]) {
      for (const f of ['waits', 'toDiscovery']) {
        const pairs = (d[f] ?? []) as Array<[number, number]>;
        const ordered = [...pairs].sort((a, b) => a[0] - b[0]).filter(([, n], i, all) => n > 0 && (i === 0 || all[i - 1][0] !== all[i][0]));
        expect({ f, pairs }).toEqual({ f, pairs: ordered });
      }
    }

    // Every event again, in overlapping slices: foldOnce's revision check guards the buckets too.
    const events = generated.scenario.recorded();
    for (let i = 0; i < events.length; i += 700) await applyBatch(stores.read, analyticsProjection, events.slice(i, i + 1000));
    expect(await snapshot(stores.read, analyticsProjection)).toEqual(live);

    await rebuildProjection(stores.events, stores.read, analyticsProjection, { batchSize: 97 });
    expectSameDocuments(await snapshot(stores.read, analyticsProjection), live);
  });

  it('the buckets follow any change of a student document, removals included (the diff is generic, not the fold’s)', async () => {
    const base: AnalyticsStudent = { ...EXPECTED_STUDENTS.find((s) => s.profile === 'social_programme')! };
    const other: AnalyticsStudent = { ...EXPECTED_STUDENTS.find((s) => s.profile === 'apprenticeship')! };
    const changed: AnalyticsStudent = {
      ...base,
      profile: 'employee',
      cohort: null,
      minutesWaitingForMentor: 60,
      firstAssignedWeek: '2026-W09',
      mentorships: base.mentorships.map((m) => ({ ...m, minutesToDiscovery: null, discoveryWeek: null })),
      mentorChanges: [],
      // Ended before the first assignment: never with a mentor.
      endedAt: '2026-02-01T00:00:00.000Z',
      attendance: [other.attendance[1], { ...base.attendance[0], held: 0 }],
    };
    const step = (tx: Parameters<typeof applyBucketDeltas>[0], from: AnalyticsStudent | null, to: AnalyticsStudent | null) =>
      applyBucketDeltas(tx, studentBucketDeltas(studentBuckets(from), studentBuckets(to)));
    await stores.read.transaction(async (tx) => {
      await step(tx, null, base);
      await step(tx, null, other);
      await step(tx, null, { ...base, minutesWaitingForMentor: 60 });
    });
    // In the same group: a week replaced by a later one, an earlier week added back (the later one's previous
    // week changes), sums changed, two entries of one week; then another group.
    const chain: AnalyticsStudent[] = [
      { ...base, minutesWaitingForMentor: 60 },
      base,
      { ...base, attendance: [other.attendance[1]] },
      { ...base, attendance: [{ ...base.attendance[0], held: 3 }, other.attendance[0], other.attendance[1]] },
      base,
      changed,
    ];
    await stores.read.transaction(async (tx) => {
      for (let i = 1; i < chain.length; i++) await step(tx, chain[i - 1], chain[i]);
    });
    const buckets = await snapshot(stores.read, { ...analyticsProjection, collections: [...ANALYTICS_BUCKET_COLLECTIONS] });
    expect(bucketsOf(buckets)).toEqual(bucketsOf(bucketsFromScratch([changed, other, base])));
    await stores.read.transaction((tx) => step(tx, base, null));
    expect(bucketsOf(await snapshot(stores.read, { ...analyticsProjection, collections: [...ANALYTICS_BUCKET_COLLECTIONS] }))).toEqual(
      bucketsOf(bucketsFromScratch([changed, other])),
    );
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
