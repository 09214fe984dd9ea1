// The lists a frontend needs (issue 9, part 2): GET /students and GET /mentors over HTTP, with filters,
// text search, sorting and keyset pagination (`{items, nextCursor}`), paged through while enrolments
// keep arriving: every student present at the start is seen exactly once.
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { expectProblem, outcome, Person, person, post } from './support/commands';
import { comparePositions, parsePosition } from '@mentoring/event-store';

const byKey = (field: string, dir: 1 | -1) => (a: any, b: any) => {
  if (a[field] !== b[field]) return (a[field] < b[field] ? -1 : 1) * dir;
  const [ia, ib] = [a.studentId ?? a.mentorId, b.studentId ?? b.mentorId];
  return (ia < ib ? -1 : 1) * dir;
};

describe('lists over HTTP', () => {
  let t: TestApp;
  let staff: Person;
  let admin: Person;
  let student: Person;
  let ava: Person; // web-development, capacity 2, disability-friendly: full
  let bo: Person; // data-science and web-development, capacity 5: one student
  let cy: Person; // data-science, capacity 3, unavailable: none
  const s: Record<string, string> = {};
  let position: string;

  async function created(who: Person, url: string, body?: unknown): Promise<any> {
    const answer = await post(t, who, url, body);
    expect({ url, ...outcome(answer) }).toEqual({ url, status: 201, events: expect.any(Array) });
    position = answer.body.position;
    return answer.body;
  }

  const get = (who: Person, url: string) => t.request('GET', url, { token: who.token });
  const fresh = (url: string) => `${url}${url.includes('?') ? '&' : '?'}waitFor=${position}`;
  const ids = async (who: Person, url: string): Promise<string[]> => {
    const answer = await get(who, fresh(url));
    expect({ url, status: answer.status }).toEqual({ url, status: 200 });
    expect(answer.body.nextCursor).toBeNull();
    return answer.body.items.map((i: any) => i.studentId ?? i.mentorId);
  };

  beforeAll(async () => {
    t = await startTestApp();
    staff = await person(t, 'staff', 'staff-1');
    admin = await person(t, 'admin', 'admin-1');
    ava = await person(t, 'mentor', (await created(staff, '/mentors', mentorBody({ name: 'Ava Moreno', email: 'ava@mentors.example', capacity: 2, disabilityFriendly: true, disabilityTrainingCompletedOn: '2026-01-15' }))).mentorId);
    bo = await person(
      t,
      'mentor',
      (await created(staff, '/mentors', mentorBody({ name: 'Bo Ivanov', email: 'bo@mentors.example', trainingPaths: ['data-science', 'web-development'] }))).mentorId,
    );
    cy = await person(t, 'mentor', (await created(staff, '/mentors', mentorBody({ name: 'Cy Okafor', email: 'cy@elsewhere.example', trainingPaths: ['data-science'], capacity: 3 }))).mentorId);
    await created(cy, `/mentors/${cy.actor.id}/unavailabilities`, { from: '2020-01-01T00:00:00Z', to: '2099-01-01T00:00:00Z', reason: 'Sabbatical' });
    const enrol = async (key: string, kind: Parameters<typeof enrolment>[0], overrides: Record<string, unknown>) =>
      (s[key] = (await created(staff, '/students', enrolment(kind, overrides))).studentId);
    await enrol('alice', 'apprenticeship', { name: 'Alice Martin', email: 'alice.martin@students.example' });
    await enrol('samir', 'social_programme', { name: 'Samir Haddou', email: 'samir@students.example' });
    await enrol('eve', 'employee', { name: 'Eve Lindgren', email: 'eve.l@work.example', trainingPath: 'data-science' });
    await enrol('zoe', 'self_funded', { name: 'Zoé (Z.) Ward', email: 'zoe@students.example' });
    await enrol('dan', 'self_funded', { name: 'dan brown', email: 'dan@martin.example', trainingPath: 'data-science' });
    student = await person(t, 'student', s.alice);
    await created(staff, `/students/${s.alice}/assignment`, { mentorId: ava.actor.id });
    await created(staff, `/students/${s.samir}/assignment`, { mentorId: ava.actor.id });
    await created(staff, `/students/${s.eve}/assignment`, { mentorId: bo.actor.id });
    await created(staff, `/students/${s.zoe}/withdrawal`, { reason: 'Moved away' });
  });
  afterAll(() => t.close());

  describe('ListStudents: GET /students', () => {
    it('staff see every student, sorted by name by default, with the list fields and the e-mail', async () => {
      const answer = await get(staff, fresh('/students'));
      expect(answer.status).toBe(200);
      expect(answer.body.nextCursor).toBeNull();
      expect(answer.body.items.map((i: any) => i.name)).toEqual(['Alice Martin', 'Eve Lindgren', 'Samir Haddou', 'Zoé (Z.) Ward', 'dan brown']);
      expect(answer.body.items[0]).toEqual({
        studentId: s.alice,
        name: 'Alice Martin',
        email: 'alice.martin@students.example',
        status: 'active',
        fundingProfile: 'apprenticeship',
        trainingPath: 'web-development',
        mentorId: ava.actor.id,
        enrolledAt: expect.any(String),
      });
      expect(await ids(admin, '/students')).toHaveLength(5);
    });

    it('filters: status, funding profile, training path, mentor, funder, cohort; combined', async () => {
      expect(await ids(staff, '/students?status=active')).toEqual([s.alice, s.eve, s.samir]);
      expect(await ids(staff, '/students?status=awaiting_mentor')).toEqual([s.dan]);
      expect(await ids(staff, '/students?status=withdrawn')).toEqual([s.zoe]);
      expect(await ids(staff, '/students?profile=self_funded')).toEqual([s.zoe, s.dan]);
      expect(await ids(staff, '/students?trainingPath=data-science')).toEqual([s.eve, s.dan]);
      expect(await ids(staff, `/students?mentorId=${ava.actor.id}`)).toEqual([s.alice, s.samir]);
      expect(await ids(staff, '/students?funder=acme')).toEqual([s.alice]);
      expect(await ids(staff, '/students?funder=pub-employment')).toEqual([s.samir]);
      expect(await ids(staff, '/students?funder=globex')).toEqual([s.eve]);
      expect(await ids(staff, '/students?cohort=2027-spring')).toEqual([s.samir]);
      expect(await ids(staff, '/students?profile=self_funded&trainingPath=data-science')).toEqual([s.dan]);
      expect(await ids(staff, `/students?status=active&mentorId=${bo.actor.id}`)).toEqual([s.eve]);
      expect(await ids(staff, '/students?cohort=none')).toEqual([]);
    });

    it('search: case-insensitive substring of the name or e-mail; metacharacters are literal', async () => {
      expect(await ids(staff, '/students?q=MARTIN')).toEqual([s.alice, s.dan]); // name of one, e-mail of the other
      expect(await ids(staff, '/students?q=work.example')).toEqual([s.eve]);
      expect(await ids(staff, '/students?q=lIndG')).toEqual([s.eve]);
      expect(await ids(staff, `/students?q=${encodeURIComponent('(Z.)')}`)).toEqual([s.zoe]);
      expect(await ids(staff, `/students?q=${encodeURIComponent('.*')}`)).toEqual([]);
      expect(await ids(staff, '/students?q=martin&status=active')).toEqual([s.alice]);
    });

    it('sorting: name or enrolledAt, ascending or descending (`-`)', async () => {
      for (const [field, dir] of [
        ['name', 1],
        ['name', -1],
        ['enrolledAt', 1],
        ['enrolledAt', -1],
      ] as const) {
        const answer = await get(staff, fresh(`/students?sort=${dir === 1 ? '' : '-'}${field}`));
        expect(answer.status).toBe(200);
        expect(answer.body.items).toHaveLength(5);
        expect(answer.body.items).toEqual([...answer.body.items].sort(byKey(field, dir)));
      }
      expect(await ids(staff, '/students?sort=enrolledAt')).toEqual([s.alice, s.samir, s.eve, s.zoe, s.dan]);
      expect(await ids(staff, '/students?sort=-name')).toEqual([s.dan, s.zoe, s.samir, s.eve, s.alice]);
    });

    it('pages with limit and the cursor it answers, in any sort', async () => {
      for (const sort of ['name', '-enrolledAt']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const answer = await get(staff, fresh(`/students?limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`));
          expect(answer.status).toBe(200);
          expect(answer.body.items.length).toBeLessThanOrEqual(2);
          seen.push(...answer.body.items.map((i: any) => i.studentId));
          cursor = answer.body.nextCursor;
        } while (cursor);
        expect(seen).toEqual(await ids(staff, `/students?sort=${sort}`));
      }
    });

    it('a mentor lists only their own students, without e-mails, and searches names only', async () => {
      const answer = await get(ava, fresh('/students'));
      expect(answer.status).toBe(200);
      expect(answer.body.items.map((i: any) => i.studentId)).toEqual([s.alice, s.samir]);
      for (const item of answer.body.items) expect(item).not.toHaveProperty('email');
      expect(await ids(ava, `/students?mentorId=${ava.actor.id}`)).toEqual([s.alice, s.samir]);
      expect(await ids(ava, '/students?q=samir')).toEqual([s.samir]);
      expect(await ids(ava, '/students?q=students.example')).toEqual([]); // e-mail search is for staff
      expect(await ids(bo, '/students')).toEqual([s.eve]);
      expect(await ids(cy, '/students')).toEqual([]);
    });

    it('an empty page for another mentor’s students (a filter never widens what a mentor sees); 403 for other roles', async () => {
      expect((await get(ava, fresh(`/students?mentorId=${bo.actor.id}`))).body).toEqual({ items: [], nextCursor: null });
      expectProblem(await get(student, '/students'), 403, 'role_not_allowed');
      expectProblem(await get(await person(t, 'auditor', 'audit-1'), '/students'), 403, 'role_not_allowed');
      expectProblem(await get(await person(t, 'funder', 'acme'), '/students'), 403, 'role_not_allowed');
    });

    it('400 for a bad limit, cursor, sort or filter, and for unknown parameters', async () => {
      for (const query of ['limit=0', 'limit=201', 'limit=abc', 'limit=2.5', 'sort=email', 'status=sleeping', 'profile=rich', 'mentorId=a%20b', 'colour=blue']) {
        expectProblem(await get(staff, `/students?${query}`), 400, 'validation_failed');
      }
      expectProblem(await get(staff, '/students?cursor=not-a-cursor'), 400, 'invalid_cursor');
      expectProblem(await get(staff, '/students?cursor=%2F%2F%2F'), 400, 'invalid_cursor');
      const forged = Buffer.from(JSON.stringify({ s: 'name', k: { $gt: '' }, i: 'x' })).toString('base64url');
      expectProblem(await get(staff, `/students?cursor=${forged}`), 400, 'invalid_cursor');
      const first = await get(staff, fresh('/students?limit=1&sort=name'));
      expectProblem(await get(staff, `/students?sort=enrolledAt&cursor=${first.body.nextCursor}`), 400, 'invalid_cursor');
      expect((await get(staff, `/students?limit=200&cursor=${first.body.nextCursor}`)).status).toBe(200);
    });
  });

  describe('ListMentors: GET /mentors', () => {
    it('staff and admins see every mentor with capacity and remaining capacity, sorted by name', async () => {
      const answer = await get(staff, fresh('/mentors'));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        items: [
          { mentorId: ava.actor.id, name: 'Ava Moreno', trainingPaths: ['web-development'], capacity: 2, remainingCapacity: 0, disabilityFriendly: true, unavailable: false },
          { mentorId: bo.actor.id, name: 'Bo Ivanov', trainingPaths: ['data-science', 'web-development'], capacity: 5, remainingCapacity: 4, disabilityFriendly: false, unavailable: false },
          { mentorId: cy.actor.id, name: 'Cy Okafor', trainingPaths: ['data-science'], capacity: 3, remainingCapacity: 3, disabilityFriendly: false, unavailable: true },
        ],
        nextCursor: null,
      });
      expect(await ids(admin, '/mentors')).toEqual([ava.actor.id, bo.actor.id, cy.actor.id]);
    });

    it('filters: training path, disability-friendly, remaining capacity, availability; search; sort', async () => {
      expect(await ids(staff, '/mentors?trainingPath=data-science')).toEqual([bo.actor.id, cy.actor.id]);
      expect(await ids(staff, '/mentors?disabilityFriendly=true')).toEqual([ava.actor.id]);
      expect(await ids(staff, '/mentors?disabilityFriendly=false')).toEqual([bo.actor.id, cy.actor.id]);
      expect(await ids(staff, '/mentors?hasCapacity=true')).toEqual([bo.actor.id, cy.actor.id]);
      expect(await ids(staff, '/mentors?hasCapacity=false')).toEqual([ava.actor.id]);
      expect(await ids(staff, '/mentors?unavailable=false&hasCapacity=true')).toEqual([bo.actor.id]);
      expect(await ids(staff, '/mentors?trainingPath=web-development&hasCapacity=true')).toEqual([bo.actor.id]);
      expect(await ids(staff, '/mentors?q=ELSEWHERE')).toEqual([cy.actor.id]);
      expect(await ids(staff, '/mentors?q=iva')).toEqual([bo.actor.id]);
      expect(await ids(staff, `/mentors?q=${encodeURIComponent('.')}`)).toEqual([ava.actor.id, bo.actor.id, cy.actor.id]); // every e-mail has a dot
      expect(await ids(staff, `/mentors?q=${encodeURIComponent('a.*')}`)).toEqual([]);
      expect(await ids(staff, '/mentors?sort=-remainingCapacity')).toEqual([bo.actor.id, cy.actor.id, ava.actor.id]);
      expect(await ids(staff, '/mentors?sort=remainingCapacity')).toEqual([ava.actor.id, cy.actor.id, bo.actor.id]);
      expect(await ids(staff, '/mentors?sort=-name')).toEqual([cy.actor.id, bo.actor.id, ava.actor.id]);
    });

    it('pages with the cursor, sorted by remaining capacity', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const answer = await get(staff, fresh(`/mentors?limit=1&sort=-remainingCapacity${cursor ? `&cursor=${cursor}` : ''}`));
        expect(answer.status).toBe(200);
        seen.push(...answer.body.items.map((i: any) => i.mentorId));
        cursor = answer.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([bo.actor.id, cy.actor.id, ava.actor.id]);
    });

    it('403 for anyone but staff and admins; 400 for bad parameters', async () => {
      expectProblem(await get(ava, '/mentors'), 403, 'role_not_allowed');
      expectProblem(await get(student, '/mentors'), 403, 'role_not_allowed');
      for (const query of ['limit=0', 'limit=500', 'sort=capacity', 'hasCapacity=yes', 'disabilityFriendly=1', 'mentorId=x']) {
        expectProblem(await get(staff, `/mentors?${query}`), 400, 'validation_failed');
      }
      expectProblem(await get(staff, '/mentors?cursor=abc'), 400, 'invalid_cursor');
      const first = await get(staff, fresh('/mentors?limit=1'));
      expectProblem(await get(staff, `/mentors?sort=remainingCapacity&cursor=${first.body.nextCursor}`), 400, 'invalid_cursor');
    });
  });
});

describe('paging through 1,000 students while enrolments keep arriving', () => {
  let t: TestApp;
  let staff: Person;

  beforeAll(async () => {
    t = await startTestApp();
    staff = await person(t, 'staff', 'staff-1');
  });
  afterAll(() => t.close());

  /** Runs `work(0..n-1)` with at most `inFlight` at a time. */
  async function bounded<T>(n: number, inFlight: number, work: (i: number) => Promise<T>): Promise<T[]> {
    const out: T[] = new Array(n);
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < n) {
          const i = next++;
          out[i] = await work(i);
        }
      }),
    );
    return out;
  }

  // Names in a scrambled order, so that the later enrolments land all over the name order.
  const nameOf = (i: number) => `Student ${String((i * 7919) % 100_003).padStart(6, '0')} ${i}`;

  async function enrol(i: number): Promise<{ studentId: string; position: string }> {
    const answer = await post(t, staff, '/students', enrolment(i % 2 ? 'self_funded' : 'employee', { name: nameOf(i), email: `s${i}@students.example` }));
    expect(outcome(answer)).toEqual({ status: 201, events: expect.any(Array) });
    return { studentId: answer.body.studentId, position: answer.body.position };
  }

  it('every one of the first 1,000 is seen exactly once, in name order, with limit 37', async () => {
    const first = await bounded(1000, 16, enrol);
    const expected = new Set(first.map((e) => e.studentId));
    expect(expected.size).toBe(1000);
    // Wait until the read model has all of them: answers arrive out of log order, so wait for the highest position.
    const highest = first.map((e) => e.position).reduce((a, b) => (comparePositions(parsePosition(a), parsePosition(b)) >= 0 ? a : b));
    expect((await t.request('GET', `/students?limit=1&waitFor=${highest}`, { token: staff.token })).status).toBe(200);

    let stop = false;
    const more = bounded(100, 4, async (i) => (stop ? undefined : enrol(1000 + i)));
    const seen: string[] = [];
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await t.request('GET', `/students?limit=37${cursor ? `&cursor=${cursor}` : ''}`, { token: staff.token });
      expect(answer.status).toBe(200);
      expect(answer.body.items.length).toBeLessThanOrEqual(37);
      seen.push(...answer.body.items.map((i: any) => i.studentId));
      names.push(...answer.body.items.map((i: any) => i.name));
      cursor = answer.body.nextCursor;
      pages++;
      await new Promise((resolve) => setTimeout(resolve, 10)); // let the concurrent enrolments in between pages
    } while (cursor);
    stop = true;
    const added = (await more).filter(Boolean);

    expect(new Set(seen).size).toBe(seen.length); // nothing twice
    expect(seen.filter((id) => expected.has(id))).toHaveLength(1000); // each of the first 1,000 once
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(1000 / 37));
    expect(added.length).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(1000); // some of the concurrent enrolments were listed: writes did happen while paging
    // Afterwards, everything is there exactly once.
    const lastPosition = added[added.length - 1]!.position;
    const all: string[] = [];
    cursor = null;
    do {
      const answer: any = await t.request('GET', `/students?limit=200&sort=-enrolledAt&waitFor=${lastPosition}${cursor ? `&cursor=${cursor}` : ''}`, { token: staff.token });
      all.push(...answer.body.items.map((i: any) => i.studentId));
      cursor = answer.body.nextCursor;
    } while (cursor);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(1000 + added.length);
  }, 120_000);
});
