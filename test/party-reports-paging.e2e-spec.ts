// The reports of one party answer a page (issue 13, ADR 0008): an overseer's apprentices (R2) and a funder's
// students (R4) page with `?limit` and `?cursor` through keyset cursors bound to the party, in the order "by
// normalised name (NFKD, accents stripped, lower case), then id" (the funder's by cohort first); the funder's
// totals and cohorts come from buckets and equal the sums of the per-student rows; the CSV is every student.
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { expectProblem, outcome, Person, person, post, TestClock } from './support/commands';
import { conformanceTo, ExpectConforms } from './openapi-conformance';
import type { ReadStore } from '@mentoring/read-store';
import { PROJECTION_VERSIONS, ProjectionVersionDoc } from '@mentoring/projections';
import { READ_STORE } from '../apps/api/src/shared/tokens';

/** The order the README promises, restated: names folded (NFKD, no marks, lower case) by code point, then ids. */
const folded = (name: string) => name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Names that differ only by accents or case tie, and are then ordered by id.
const NAMES_A = ['Émile Durand', 'emile durand', 'EMILE DURAND', 'Zoë Adams', 'zoe adams', 'Adam Zed', 'Ängel Ök', 'angel ok', 'Bob', 'bob', 'Çelik', 'celik', 'Dora', 'Ünal', 'unal'];
const FUNDED: Array<[string, string]> = [
  ['Émile Durand', '2027-spring'],
  ['emile durand', '2027-spring'],
  ['Zoë Adams', '2027-spring'],
  ['zoe adams', '2027-spring'],
  ['Adam', '2027-spring'],
  ['Dora', '2027-spring'],
  ['Ünal', '2027-spring'],
  ['Ängel', '2027-autumn'],
  ['angel', '2027-autumn'],
  ['ANGEL', '2027-autumn'],
  ['Bob', '2027-autumn'],
  ['Çelik', '2027-autumn'],
  ['celik', '2027-autumn'],
];

describe('R2, R4: the reports of one party, a page at a time (GET /oversight/apprentices, GET /funders/{funderId}/attendance)', () => {
  const clock = new TestClock('2027-03-01T08:00:00.000Z');
  let t: TestApp;
  let staff: Person;
  let position: string;
  let expectConforms: ExpectConforms;
  /** studentId → name, per party. */
  const ofTutorA = new Map<string, string>();
  const ofOrgA = new Map<string, string>();
  const ofTutorB = new Map<string, string>();
  const funded = new Map<string, { name: string; cohort: string }>();

  const get = (who: Person, url: string, headers?: Record<string, string>) => t.request('GET', url, { token: who.token, headers });
  const fresh = (url: string) => `${url}${url.includes('?') ? '&' : '?'}waitFor=${position}`;

  async function created(who: Person, url: string, body?: unknown): Promise<any> {
    const answer = await post(t, who, url, body);
    expect({ url, ...outcome(answer) }).toEqual({ url, status: 201, events: expect.any(Array) });
    position = answer.body.position;
    return answer.body;
  }

  const apprenticeship = (tutor: string, employer: string, company: string) => ({
    kind: 'apprenticeship',
    company: { id: company, name: `${company} SA` },
    employer: { id: employer, name: `${employer} SA` },
    tutor: { id: tutor, name: 'Tess Tutor', email: `${tutor}@org.example` },
    rhythm: { studyWeeks: 2, workWeeks: 3 },
    endDate: '2028-06-30',
  });
  const socialProgramme = (cohort: string) => ({ ...enrolment('social_programme').funding, publicFunder: { id: 'pub-x', name: 'Public X' }, cohort });

  let n = 0;
  async function enrol(name: string, funding: unknown): Promise<string> {
    n++;
    return (await created(staff, '/students', enrolment('self_funded', { name, email: `student.${n}@students.example`, funding }))).studentId;
  }

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    expectConforms = await conformanceTo(t);
    staff = await person(t, 'staff', 'staff-1');
    for (const name of NAMES_A) {
      const id = await enrol(name, apprenticeship('tutor-a', 'org-a', 'org-a'));
      ofTutorA.set(id, name);
      ofOrgA.set(id, name);
    }
    // Tutor A's apprentice at another organisation; organisation B's with another tutor.
    const mixed = await enrol('Émile Mixed', apprenticeship('tutor-a', 'org-b', 'org-b-holding'));
    ofTutorA.set(mixed, 'Émile Mixed');
    for (const name of ['Émile B', 'Adam B', 'Zed B']) ofTutorB.set(await enrol(name, apprenticeship('tutor-b', 'org-b', 'org-b-holding')), name);
    for (const [name, cohort] of FUNDED) funded.set(await enrol(name, socialProgramme(cohort)), { name, cohort });
    // Attendance for two funded students: a session held, a no-show.
    const ava = await person(t, 'mentor', (await created(staff, '/mentors', mentorBody({ name: 'Ava Moreno', email: 'ava@mentors.example', capacity: 5 }))).mentorId);
    const [first, second] = [...funded.keys()];
    for (const [i, studentId] of [first, second].entries()) {
      await created(staff, `/students/${studentId}/assignment`, { mentorId: ava.actor.id });
      const discovery = (await created(ava, `/students/${studentId}/discovery-session`, { start: `2027-03-02T1${i}:00:00Z` })).sessionId;
      clock.set('2027-03-02T15:00:00.000Z');
      await created(ava, `/students/${studentId}/sessions/${discovery}/held`);
      clock.set('2027-03-01T08:00:00.000Z');
    }
    const missed = (await created(ava, `/students/${second}/sessions`, { start: '2027-03-03T10:00:00Z' })).sessionId;
    clock.set('2027-03-03T10:30:00.000Z');
    await created(ava, `/students/${second}/sessions/${missed}/no-show`);
    clock.set('2027-03-04T09:00:00.000Z');
  });
  afterAll(() => t.close());

  const ordered = (students: Map<string, string>) =>
    [...students].sort(([idA, a], [idB, b]) => byCodePoint(folded(a), folded(b)) || byCodePoint(idA, idB)).map(([id]) => id);
  const fundedOrder = (cohort?: string) =>
    [...funded]
      .filter(([, s]) => cohort === undefined || s.cohort === cohort)
      .sort(([idA, a], [idB, b]) => byCodePoint(a.cohort, b.cohort) || byCodePoint(folded(a.name), folded(b.name)) || byCodePoint(idA, idB))
      .map(([id]) => id);

  /** Every page of a report, following nextCursor: the pages' items and sizes. */
  async function walk(who: Person, url: string, operationId: string, pageOf: (body: any) => { items: any[]; nextCursor: string | null }) {
    const items: any[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const answer = await get(who, fresh(`${url}${cursor === null ? '' : `&cursor=${cursor}`}`));
      expect({ url, status: answer.status }).toEqual({ url, status: 200 });
      expectConforms(operationId, answer);
      const page = pageOf(answer.body);
      items.push(...page.items);
      sizes.push(page.items.length);
      cursor = page.nextCursor;
    } while (cursor !== null && sizes.length < 50);
    return { items, sizes };
  }
  const apprenticePages = (who: Person, query = '') => walk(who, `/oversight/apprentices?limit=4${query}`, 'GetOverseenApprentices', (b) => b);

  describe('R2: an overseer’s apprentices', () => {
    it('pages concatenated give the whole order: normalised name (accents and case folded), ties by id; every page full but the last', async () => {
      const tutorA = await person(t, 'tutor', 'tutor-a');
      const { items, sizes } = await apprenticePages(tutorA);
      expect(items.map((a) => a.studentId)).toEqual(ordered(ofTutorA));
      expect(sizes).toEqual([4, 4, 4, 4]);
      // Equal folded names are consecutive, by id: "Émile Durand", "emile durand", "EMILE DURAND".
      const emiles = items.filter((a) => folded(a.name) === 'emile durand').map((a) => a.studentId);
      expect(emiles).toEqual([...emiles].sort(byCodePoint));
      expect(emiles).toHaveLength(3);
      // One page by default (100), its cursor null.
      const whole = await get(tutorA, fresh('/oversight/apprentices'));
      expect([whole.body.items.map((a: any) => a.studentId), whole.body.nextCursor]).toEqual([ordered(ofTutorA), null]);
    });

    it('the employer or company (funder role) sees its organisation’s apprentices only; staff naming a party see its apprentices as tutor or organisation', async () => {
      const orgA = await person(t, 'funder', 'org-a');
      expect((await apprenticePages(orgA)).items.map((a) => a.studentId)).toEqual(ordered(ofOrgA));
      const orgB = await person(t, 'funder', 'org-b');
      const ofOrgB = new Map([...ofTutorB, [[...ofTutorA.keys()].find((id) => !ofOrgA.has(id))!, 'Émile Mixed']]);
      expect((await apprenticePages(orgB)).items.map((a) => a.studentId)).toEqual(ordered(ofOrgB));
      expect((await apprenticePages(await person(t, 'funder', 'org-b-holding'))).items.map((a) => a.studentId)).toEqual(ordered(ofOrgB));
      expect((await apprenticePages(staff, '&partyId=tutor-a')).items.map((a) => a.studentId)).toEqual(ordered(ofTutorA));
      expect((await apprenticePages(staff, '&partyId=org-b')).items.map((a) => a.studentId)).toEqual(ordered(ofOrgB));
    });

    it('a cursor made for one overseer is refused for another (400 invalid_cursor), and a forged one never shows the other’s apprentices', async () => {
      const tutorA = await person(t, 'tutor', 'tutor-a');
      const tutorB = await person(t, 'tutor', 'tutor-b');
      const cursorA = (await get(tutorA, fresh('/oversight/apprentices?limit=2'))).body.nextCursor as string;
      for (const [who, query] of [
        [tutorB, ''],
        [await person(t, 'funder', 'org-a'), ''],
        [staff, '&partyId=tutor-a'],
      ] as const) {
        const refused = await get(who, `/oversight/apprentices?limit=2&cursor=${cursorA}${query}`);
        expectProblem(refused, 400, 'invalid_cursor');
        expectConforms('GetOverseenApprentices', refused);
      }
      // B's own cursor rewritten to A's position: the page is still B's apprentices only (the party filters).
      const ownB = JSON.parse(Buffer.from((await get(tutorB, fresh('/oversight/apprentices?limit=1'))).body.nextCursor, 'base64url').toString());
      const atA = JSON.parse(Buffer.from(cursorA, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...atA, s: ownB.s })).toString('base64url');
      const answer = await get(tutorB, `/oversight/apprentices?limit=100&cursor=${forged}`);
      expect(answer.status).toBe(200);
      expect(answer.body.items.every((a: any) => ofTutorB.has(a.studentId))).toBe(true);
    });

    it('limit and cursor are checked: 400 invalid_query, 400 invalid_cursor, as problem details', async () => {
      const tutorA = await person(t, 'tutor', 'tutor-a');
      for (const query of ['limit=0', 'limit=501', 'limit=ten', 'limit=', 'limit=1.5']) {
        const bad = await get(tutorA, `/oversight/apprentices?${query}`);
        expect({ query, ...outcome(bad), field: bad.body.field }).toEqual({ query, status: 400, code: 'invalid_query', field: 'limit' });
        expectConforms('GetOverseenApprentices', bad);
      }
      expect((await get(tutorA, '/oversight/apprentices?limit=500')).status).toBe(200);
      const good = (await get(tutorA, fresh('/oversight/apprentices?limit=1'))).body.nextCursor as string;
      const flipped = `${good.slice(0, 10)}${good[10] === 'A' ? 'B' : 'A'}${good.slice(11)}`;
      for (const cursor of ['not-a-cursor', '%E2%9C%93', flipped, Buffer.from('{"s":"apprentices","k":1,"i":"x"}').toString('base64url'), 'x'.repeat(5000)]) {
        const bad = await get(tutorA, `/oversight/apprentices?cursor=${cursor}`);
        expect({ cursor: cursor.slice(0, 40), ...outcome(bad) }).toEqual({ cursor: cursor.slice(0, 40), status: 400, code: 'invalid_cursor' });
        expectConforms('GetOverseenApprentices', bad);
      }
    });
  });

  describe('R4: a funder’s attendance', () => {
    const funderPages = (who: Person, query = '') => walk(who, `/funders/pub-x/attendance?limit=5${query}`, 'GetFunderAttendance', (b) => b.students);

    /** The per-student rows summed per (profile, cohort) and over all: what the buckets must hold. */
    function sums(rows: any[]) {
      const fields = ['held', 'noShows', 'lateCancellations', 'cancellations', 'substantialDelays', 'weeksWithoutSession'] as const;
      const rate = (s: Record<string, number>) => (s.held + s.noShows + s.lateCancellations === 0 ? null : Math.round((s.held / (s.held + s.noShows + s.lateCancellations)) * 10_000) / 10_000);
      const total = (group: any[]) => {
        const s: Record<string, number> = { students: group.length };
        for (const f of fields) s[f] = group.reduce((sum, r) => sum + r[f], 0);
        return { ...s, attendanceRate: rate(s) };
      };
      const groups = new Map<string, any[]>();
      for (const r of rows) {
        const key = JSON.stringify([r.profileKind, r.cohort]);
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      const cohorts = [...groups.values()]
        .map((g) => ({ profileKind: g[0].profileKind, cohort: g[0].cohort, ...total(g) }))
        .sort((a, b) => byCodePoint(a.profileKind, b.profileKind) || byCodePoint(a.cohort, b.cohort));
      return { totals: total(rows), cohorts: { items: cohorts, nextCursor: null } };
    }

    async function expectReportOfTheRows(cohort?: string): Promise<any[]> {
      const funder = await person(t, 'funder', 'pub-x');
      const query = cohort === undefined ? '' : `&cohort=${cohort}`;
      const { items, sizes } = await funderPages(funder, query);
      expect(items.map((s) => s.studentId)).toEqual(fundedOrder(cohort));
      expect(sizes.slice(0, -1).every((size) => size === 5)).toBe(true);
      const first = (await get(funder, fresh(`/funders/pub-x/attendance?limit=5${query}`))).body;
      expect({ totals: first.totals, cohorts: first.cohorts }).toEqual(sums(items));
      // The CSV: every student, one line each, in the same order (limit and cursor are for the JSON).
      const csv = await get(funder, fresh(`/funders/pub-x/attendance?format=csv&limit=1${query}`));
      expect(csv.status).toBe(200);
      expect(csv.raw.trimEnd().split('\r\n').slice(1).map((line) => line.split(',')[0])).toEqual(fundedOrder(cohort));
      return items;
    }

    it('pages concatenated give the whole order (cohort, then normalised name, ties by id); totals and cohorts equal the sums of the per-student rows (deep equal); CSV has every student', async () => {
      const rows = await expectReportOfTheRows();
      expect(rows.filter((r) => r.held > 0 || r.noShows > 0)).toHaveLength(2);
      // Equal folded names within a cohort are consecutive, by id.
      const angels = rows.filter((r) => folded(r.name) === 'angel').map((r) => r.studentId);
      expect(angels).toEqual([...angels].sort(byCodePoint));
      expect(angels).toHaveLength(3);
      const spring = await expectReportOfTheRows('2027-spring');
      expect(spring.every((r) => r.cohort === '2027-spring')).toBe(true);
      await expectReportOfTheRows('2027-autumn');
    });

    it('after erasures: the erased sort as “[erased]”, and totals and cohorts still equal the sums of the rows; the apprentices’ order follows', async () => {
      // Unassigned students may be erased at once (a running mentorship needs the contact).
      const [, , fundedVictim] = [...funded.keys()];
      const apprenticeVictim = ordered(ofTutorA)[0];
      for (const id of [fundedVictim, apprenticeVictim]) await created(staff, `/students/${id}/personal-data-erasure`, { reason: 'The person asked for it' });
      funded.set(fundedVictim, { ...funded.get(fundedVictim)!, name: '[erased]' });
      ofTutorA.set(apprenticeVictim, '[erased]');
      ofOrgA.set(apprenticeVictim, '[erased]');
      const rows = await expectReportOfTheRows();
      expect(rows.find((r) => r.studentId === fundedVictim).name).toBe('[erased]');
      const { items } = await apprenticePages(await person(t, 'tutor', 'tutor-a'));
      expect(items.map((a) => a.studentId)).toEqual(ordered(ofTutorA));
      expect(items[0]).toMatchObject({ studentId: apprenticeVictim, name: '[erased]' });
    });

    it('a cursor made for one funder or cohort is refused for another; limit and cursor errors are 400 problems; a funder funding nobody is 404', async () => {
      const cursor = (await get(staff, fresh('/funders/pub-x/attendance?limit=2'))).body.students.nextCursor as string;
      const springCursor = (await get(staff, fresh('/funders/pub-x/attendance?limit=2&cohort=2027-spring'))).body.students.nextCursor as string;
      for (const url of [`/funders/org-a/attendance?cursor=${cursor}`, `/funders/pub-x/attendance?cohort=2027-spring&cursor=${cursor}`, `/funders/pub-x/attendance?cursor=${springCursor}`]) {
        const refused = await get(staff, url);
        expect({ url, ...outcome(refused) }).toEqual({ url, status: 400, code: 'invalid_cursor' });
        expectConforms('GetFunderAttendance', refused);
      }
      for (const query of ['limit=0', 'limit=501', 'limit=ten']) {
        const bad = await get(staff, `/funders/pub-x/attendance?${query}`);
        expect({ query, ...outcome(bad), field: bad.body.field }).toEqual({ query, status: 400, code: 'invalid_query', field: 'limit' });
        expectConforms('GetFunderAttendance', bad);
      }
      expectProblem(await get(staff, '/funders/pub-x/attendance?cursor=not-a-cursor'), 400, 'invalid_cursor');
      expectProblem(await get(staff, '/funders/nobody/attendance'), 404, 'funder_not_found');
      expectProblem(await get(staff, '/funders/pub-x/attendance?cohort=2025-autumn'), 404, 'funder_not_found');
      expectProblem(await get(staff, '/funders/nobody/attendance?format=csv'), 404, 'funder_not_found');
    });
  });

  it('after an upgrade from a dashboards version before 4, until its rebuild switches: 503 read_model_upgrading with Retry-After, not an empty page or a 404', async () => {
    const versions = t.app.get<ReadStore>(READ_STORE).collection<ProjectionVersionDoc>(PROJECTION_VERSIONS);
    const live = await versions.findOne({ _id: 'dashboards' });
    expect(live?.version).toBe(4);
    await versions.replaceOne({ _id: 'dashboards' }, { ...live!, version: 3 });
    try {
      for (const url of ['/oversight/apprentices?partyId=org-a', '/funders/pub-x/attendance', '/funders/pub-x/attendance?format=csv']) {
        const answer = await get(staff, url);
        expectProblem(answer, 503, 'read_model_upgrading');
        expect({ url, retryAfter: answer.headers['retry-after'] }).toEqual({ url, retryAfter: '60' });
        expectConforms(url.startsWith('/funders') ? 'GetFunderAttendance' : 'GetOverseenApprentices', answer);
      }
    } finally {
      await versions.replaceOne({ _id: 'dashboards' }, live!);
    }
    expect((await get(staff, '/funders/pub-x/attendance')).status).toBe(200);
  });

  it('the same for the mentor-load analytics while the analytics are rebuilt from a version before 5 (no mentor-load buckets yet)', async () => {
    const versions = t.app.get<ReadStore>(READ_STORE).collection<ProjectionVersionDoc>(PROJECTION_VERSIONS);
    const live = await versions.findOne({ _id: 'analytics' });
    expect(live?.version).toBe(5);
    const before = await get(staff, '/analytics/mentor-load');
    expect(before.status).toBe(200);
    await versions.replaceOne({ _id: 'analytics' }, { ...live!, version: 4 });
    try {
      const answer = await get(staff, '/analytics/mentor-load');
      expectProblem(answer, 503, 'read_model_upgrading');
      expect(answer.headers['retry-after']).toBe('60');
      expectConforms('GetMentorLoadAnalytics', answer);
    } finally {
      await versions.replaceOne({ _id: 'analytics' }, live!);
    }
    expect((await get(staff, '/analytics/mentor-load')).body).toEqual({ ...before.body, generatedAt: expect.any(String) });
  });

  it('the served document has limit and cursor on both reports, and says they are pages', async () => {
    const doc = (await t.request('GET', '/docs-json')).body;
    for (const [path, operationId] of [
      ['/oversight/apprentices', 'GetOverseenApprentices'],
      ['/funders/{funderId}/attendance', 'GetFunderAttendance'],
    ]) {
      const operation = doc.paths[path].get;
      expect(operation.operationId).toBe(operationId);
      const parameters = Object.fromEntries(operation.parameters.map((p: any) => [p.name, p]));
      expect(parameters.limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500, default: 100 });
      expect(parameters.cursor).toMatchObject({ in: 'query', required: false });
      expect(operation.summary).toMatch(/page/);
      const body = operation.responses['200'].content['application/json'].schema;
      const page = operationId === 'GetFunderAttendance' ? body.properties.students : body;
      expect(JSON.stringify(page)).not.toMatch(/Always null|never paged/);
      expect(page.properties.nextCursor.description).toMatch(/next page/);
    }
  });
});
