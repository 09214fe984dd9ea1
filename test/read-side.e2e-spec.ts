// The read side over HTTP (issue 4): dashboards, oversight, funders' attendance and analytics, each
// filtered by who asks, reading its own writes through `waitFor`, with CSV where a report is exported.
// Needs READ_SIDE (apps/api/src/use-cases/read-side.ts) wired into the application module. Every list is
// `{items, nextCursor}`, and every answer is checked against the schema the OpenAPI document gives it.
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { expectProblem, outcome, Person, person, post, TestClock } from './support/commands';
import { conformanceTo, ExpectConforms } from './openapi-conformance';

describe('read side over HTTP', () => {
  const clock = new TestClock('2027-03-01T08:00:00.000Z');
  let t: TestApp;
  let staff: Person;
  let ava: Person;
  let bo: Person;
  let apprentice: string; // tutor-1 / acme; first contact, discovery held, recording sent, next session booked
  let social: string; // pub-employment, cohort 2027-spring; discovery held, then a no-show
  let waiting: string; // employee of globex, no mentor
  let position: string;
  let expectConforms: ExpectConforms;

  async function created(who: Person, url: string, body?: unknown): Promise<any> {
    const answer = await post(t, who, url, body);
    expect({ url, ...outcome(answer) }).toEqual({ url, status: 201, events: expect.any(Array) });
    position = answer.body.position;
    return answer.body;
  }

  const get = (who: Person | null, url: string, headers?: Record<string, string>) => t.request('GET', url, { token: who?.token, headers });
  const fresh = (url: string) => `${url}${url.includes('?') ? '&' : '?'}waitFor=${position}`;

  beforeAll(async () => {
    // Groups of one student are the point of these scenarios: no small-group suppression here (see analytics-privacy).
    t = await startTestApp({ ANALYTICS_MIN_GROUP: '1' }, { clock });
    expectConforms = await conformanceTo(t);
    staff = await person(t, 'staff', 'staff-1');
    ava = await person(t, 'mentor', (await created(staff, '/mentors', mentorBody({ name: 'Ava Moreno', email: 'ava.moreno@mentors.example', capacity: 2 }))).mentorId);
    bo = await person(t, 'mentor', (await created(staff, '/mentors', mentorBody({ name: 'Boris Ivanov', email: 'boris.ivanov@mentors.example' }))).mentorId);
    apprentice = (await created(staff, '/students', enrolment('apprenticeship', { name: 'Alice Martin', email: 'alice.martin@students.example' }))).studentId;
    social = (await created(staff, '/students', enrolment('social_programme', { name: 'Samir Haddou', email: 'samir.haddou@students.example', registeredDisability: false }))).studentId;
    waiting = (await created(staff, '/students', enrolment('employee', { name: 'Eve Lindgren', email: 'eve.lindgren@students.example' }))).studentId;
    await created(staff, `/students/${apprentice}/assignment`, { mentorId: ava.actor.id });
    await created(staff, `/students/${social}/assignment`, { mentorId: ava.actor.id });
    await created(ava, `/students/${apprentice}/first-contact`);
    const discovery = (await created(ava, `/students/${apprentice}/discovery-session`, { start: '2027-03-02T10:00:00Z' })).sessionId;
    const socialDiscovery = (await created(ava, `/students/${social}/discovery-session`, { start: '2027-03-02T14:00:00Z' })).sessionId;
    clock.set('2027-03-02T15:00:00.000Z');
    await created(ava, `/students/${apprentice}/sessions/${discovery}/held`);
    await created(ava, `/students/${social}/sessions/${socialDiscovery}/held`);
    await created(ava, `/students/${apprentice}/first-session-recording`, { sessionId: discovery, recordingUrl: 'https://recordings.example/1' });
    await created(ava, `/students/${apprentice}/sessions`, { start: '2027-03-09T10:00:00Z' });
    const missed = (await created(ava, `/students/${social}/sessions`, { start: '2027-03-03T10:00:00Z' })).sessionId;
    clock.set('2027-03-03T10:30:00.000Z');
    await created(ava, `/students/${social}/sessions/${missed}/no-show`);
    await created(ava, `/students/${social}/follow-ups`, { reason: 'missed_sessions', note: 'Missed the second session' });
    clock.set('2027-03-04T09:00:00.000Z');
  });
  afterAll(() => t.close());

  describe('GetMentorDashboard: GET /mentors/{mentorId}/dashboard', () => {
    it('a mentor reads their own: students with profile, status, next session and pending actions; remaining capacity', async () => {
      const answer = await get(ava, fresh(`/mentors/${ava.actor.id}/dashboard`));
      expect(answer.status).toBe(200);
      expectConforms('GetMentorDashboard', answer);
      expect(answer.body).toMatchObject({
        mentorId: ava.actor.id,
        name: 'Ava Moreno',
        capacity: 2,
        caseloadSize: 2,
        remainingCapacity: 0,
        asOf: '2027-03-04T09:00:00.000Z',
        pendingActionCounts: { no_first_contact: 1, discovery_session_not_booked: 0, first_session_recording_not_submitted: 1, session_outcome_not_recorded: 0 },
        students: { items: expect.any(Array), nextCursor: null },
        otherPendingActions: { items: [], nextCursor: null },
      });
      const byId = Object.fromEntries(answer.body.students.items.map((s: any) => [s.studentId, s]));
      expect(byId[apprentice]).toMatchObject({
        name: 'Alice Martin',
        profileKind: 'apprenticeship',
        status: 'active',
        nextSession: { kind: 'regular', start: '2027-03-09T10:00:00.000Z', end: '2027-03-09T10:45:00.000Z' },
        pendingActions: [],
      });
      expect(byId[social]).toMatchObject({
        profileKind: 'social_programme',
        nextSession: null,
        openFollowUps: 1,
        pendingActions: [{ kind: 'no_first_contact' }, { kind: 'first_session_recording_not_submitted' }],
      });
    });

    it('staff read any mentor’s; another mentor learns nothing (404); a student or an overseer is refused as a role (403)', async () => {
      const byStaff = await get(staff, `/mentors/${ava.actor.id}/dashboard`);
      expect(byStaff.status).toBe(200);
      expectConforms('GetMentorDashboard', byStaff);
      const missing = await get(bo, `/mentors/${ava.actor.id}/dashboard`);
      expectConforms('GetMentorDashboard', missing);
      expectProblem(await get(bo, `/mentors/${ava.actor.id}/dashboard`), 404, 'mentor_not_found');
      expectProblem(await get(await person(t, 'student', apprentice), `/mentors/${ava.actor.id}/dashboard`), 403, 'role_not_allowed');
      expectProblem(await get(await person(t, 'tutor', 'tutor-1'), `/mentors/${ava.actor.id}/dashboard`), 403, 'role_not_allowed');
      expectProblem(await get(staff, '/mentors/nobody/dashboard'), 404, 'mentor_not_found');
    });
  });

  describe('GetTeamDashboard: GET /team/dashboard', () => {
    it('staff see the waiting student, the open follow-up, the recording awaiting feedback, the attendance alert and full mentors', async () => {
      const answer = await get(staff, fresh('/team/dashboard'));
      expect(answer.status).toBe(200);
      expectConforms('GetTeamDashboard', answer);
      expect(answer.body.waitingForMentor).toEqual({
        total: 1,
        nextCursor: null,
        items: [
          {
            studentId: waiting,
            name: 'Eve Lindgren',
            trainingPath: 'web-development',
            profileKind: 'employee',
            registeredDisability: false,
            funder: 'Globex',
            cohort: null,
            waitingSince: '2027-03-01T08:00:00.000Z',
            waitingDays: 3,
          },
        ],
      });
      expect(answer.body.openFollowUps).toMatchObject({ total: 1, nextCursor: null, items: [{ studentId: social, studentName: 'Samir Haddou', reason: 'missed_sessions' }] });
      expect(answer.body.mentorChangeRequests).toEqual({ total: 0, nextCursor: null, items: [] });
      expect(answer.body.recordingsAwaitingFeedback).toMatchObject({ total: 1, nextCursor: null, items: [{ studentId: apprentice, recordingUrl: 'https://recordings.example/1' }] });
      expect(answer.body.attendanceAlerts).toMatchObject({
        total: 1,
        nextCursor: null,
        weeks: ['2027-W08', '2027-W09'],
        since: '2027-02-22T00:00:00.000Z',
        items: [{ studentId: social, kind: 'no_show', funderId: 'pub-employment', funder: 'Public Employment Service', cohort: '2027-spring' }],
      });
      expect(answer.body.mentorsNearCapacity).toMatchObject({ threshold: 0.8, total: 1, nextCursor: null, items: [{ mentorId: ava.actor.id, remainingCapacity: 0, load: 1 }] });
    });

    it('only the mentorship team: others are refused with 403; parameters are checked', async () => {
      for (const who of [ava, await person(t, 'analyst', 'analyst-1'), await person(t, 'tutor', 'tutor-1'), await person(t, 'student', waiting)]) {
        expectProblem(await get(who, '/team/dashboard'), 403, 'role_not_allowed');
        expectConforms('GetTeamDashboard', await get(who, '/team/dashboard'));
      }
      expectProblem(await get(staff, '/team/dashboard?limit=0'), 400, 'invalid_query');
      expectProblem(await get(staff, '/team/dashboard?nearCapacity=2'), 400, 'invalid_query');
      expectProblem(await get(staff, '/team/dashboard?limit=501'), 400, 'invalid_query');
      const byAdmin = await get(await person(t, 'admin', 'admin-1'), '/team/dashboard?limit=1&alertWeeks=1&nearCapacity=0.5');
      expect(byAdmin.status).toBe(200);
      expectConforms('GetTeamDashboard', byAdmin);
      expect(byAdmin.body.attendanceAlerts).toMatchObject({ weeks: ['2027-W09'], since: '2027-03-01T00:00:00.000Z' });
    });
  });

  describe('GetOverseenApprentices: GET /oversight/apprentices (R2)', () => {
    it('the tutor and the employer see their apprentice’s progress and attendance, without e-mail or disability', async () => {
      for (const who of [await person(t, 'tutor', 'tutor-1'), await person(t, 'funder', 'acme')]) {
        const answer = await get(who, fresh('/oversight/apprentices'));
        expect(answer.status).toBe(200);
        expectConforms('GetOverseenApprentices', answer);
        expect([answer.body.asOf, answer.body.nextCursor, answer.body.items.map((a: any) => a.studentId)]).toEqual(['2027-03-04T09:00:00.000Z', null, [apprentice]]);
        expect(answer.body.items[0]).toMatchObject({
          name: 'Alice Martin',
          status: 'active',
          mentor: { mentorId: ava.actor.id, name: 'Ava Moreno' },
          progress: { sessionsHeld: 1, nextSession: { start: '2027-03-09T10:00:00.000Z' } },
          attendance: { held: 1, noShows: 0, attendanceRate: 1 },
        });
        expect(answer.raw).not.toMatch(/disab|@students|@mentors/i);
      }
    });

    it('nobody else’s apprentices; staff name the party; other roles 403', async () => {
      for (const [role, id] of [['tutor', 'tutor-2'], ['funder', 'globex']] as const) {
        const none = await get(await person(t, role, id), '/oversight/apprentices');
        expect(none.body).toEqual({ asOf: '2027-03-04T09:00:00.000Z', items: [], nextCursor: null });
        expectConforms('GetOverseenApprentices', none);
      }
      expectProblem(await get(await person(t, 'tutor', 'tutor-2'), '/oversight/apprentices?partyId=tutor-1'), 403, 'not_the_overseer');
      expect((await get(staff, '/oversight/apprentices?partyId=tutor-1')).body.items.map((a: any) => a.studentId)).toEqual([apprentice]);
      expectProblem(await get(staff, '/oversight/apprentices'), 400, 'invalid_query');
      expectProblem(await get(ava, '/oversight/apprentices'), 403, 'role_not_allowed');
      expectProblem(await get(await person(t, 'analyst', 'analyst-1'), '/oversight/apprentices'), 403, 'role_not_allowed');
    });
  });

  describe('GetFunderAttendance: GET /funders/{funderId}/attendance (R4)', () => {
    it('the public funder reads attendance per student and per cohort; also as CSV', async () => {
      const funder = await person(t, 'funder', 'pub-employment');
      const answer = await get(funder, fresh('/funders/pub-employment/attendance'));
      expect(answer.status).toBe(200);
      expectConforms('GetFunderAttendance', answer);
      expect(answer.body).toMatchObject({
        funderId: 'pub-employment',
        funder: 'Public Employment Service',
        totals: { students: 1, held: 1, noShows: 1, attendanceRate: 0.5 },
        cohorts: { items: [{ profileKind: 'social_programme', cohort: '2027-spring', students: 1, held: 1, noShows: 1, attendanceRate: 0.5 }], nextCursor: null },
        students: { items: [{ studentId: social, name: 'Samir Haddou', held: 1, noShows: 1, facts: [{ kind: 'no_show' }] }], nextCursor: null },
      });
      expect(answer.raw).not.toMatch(/disab|@students/i);
      const csv = await get(funder, '/funders/pub-employment/attendance?format=csv');
      expect([csv.status, csv.headers['content-type']]).toEqual([200, 'text/csv; charset=utf-8']);
      expect(csv.raw.split('\r\n')).toEqual([
        'studentId,name,profile,cohort,status,held,noShows,lateCancellations,cancellations,substantialDelays,weeksWithoutSession,attendanceRate',
        `${social},Samir Haddou,social_programme,2027-spring,active,1,1,0,0,0,0,0.5`,
        '',
      ]);
    });

    it('another funder’s report does not exist for a funder (404); staff and auditors read any; others 403', async () => {
      expectProblem(await get(await person(t, 'funder', 'acme'), '/funders/pub-employment/attendance'), 404, 'funder_not_found');
      expect((await get(await person(t, 'auditor', 'auditor-1'), '/funders/pub-employment/attendance')).status).toBe(200);
      const notFound = await get(await person(t, 'funder', 'acme'), '/funders/pub-employment/attendance');
      expectConforms('GetFunderAttendance', notFound);
      expect((await get(staff, '/funders/acme/attendance')).body.students.items.map((s: any) => s.studentId)).toEqual([apprentice]);
      expectProblem(await get(staff, '/funders/nobody/attendance'), 404, 'funder_not_found');
      expectProblem(await get(await person(t, 'analyst', 'analyst-1'), '/funders/pub-employment/attendance'), 403, 'role_not_allowed');
      expectProblem(await get(ava, '/funders/pub-employment/attendance'), 403, 'role_not_allowed');
    });
  });

  describe('analytics: GetWeeklyAnalytics, GetAttendanceAnalytics, GetMentorLoadAnalytics', () => {
    it('analysts read weekly figures per profile, as JSON or CSV, with no names or e-mails', async () => {
      const analyst = await person(t, 'analyst', 'analyst-1');
      const answer = await get(analyst, fresh('/analytics/weekly?from=2027-W09&to=2027-W09'));
      expect(answer.status).toBe(200);
      expectConforms('GetWeeklyAnalytics', answer);
      expect(answer.body).toMatchObject({ from: '2027-W09', to: '2027-W09', generatedAt: '2027-03-04T09:00:00.000Z', nextCursor: null });
      expect(Object.keys(answer.body).sort()).toEqual(['from', 'generatedAt', 'items', 'nextCursor', 'to']);
      expect(answer.body.items.map((r: any) => [r.profile, r.studentsEnrolled, r.waitingForMentor.count, r.assignmentToDiscovery.count])).toEqual([
        ['apprenticeship', 1, 1, 1],
        ['employee', 1, 0, 0],
        ['social_programme', 1, 1, 1],
        ['self_funded', 0, 0, 0],
      ]);
      const byFormat = await get(analyst, '/analytics/weekly?from=2027-W09&to=2027-W09&format=csv');
      const byAccept = await get(analyst, '/analytics/weekly?from=2027-W09&to=2027-W09', { accept: 'text/csv' });
      for (const csv of [byFormat, byAccept]) {
        expect([csv.status, csv.headers['content-type'], csv.headers['content-disposition']]).toEqual([
          200,
          'text/csv; charset=utf-8',
          'attachment; filename="weekly-analytics-2027-W09-2027-W09.csv"',
        ]);
        const lines = csv.raw.trimEnd().split('\r\n');
        expect(lines[0]).toBe(
          'week,weekStart,profile,studentsEnrolled,assignedAfterWaiting,waitingMedianHours,waitingP90Hours,discoverySessionsHeld,assignmentToDiscoveryMedianHours,assignmentToDiscoveryP90Hours,mentorChanges,requestedMentorChanges,mentoredStudents,mentorChangeRate',
        );
        expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
          '2027-W09,2027-03-01,apprenticeship,1',
          '2027-W09,2027-03-01,employee,1',
          '2027-W09,2027-03-01,social_programme,1',
          '2027-W09,2027-03-01,self_funded,0',
        ]);
      }
      for (const raw of [answer.raw, byFormat.raw]) expect(raw).not.toMatch(/Alice|Samir|Martin|Haddou|Lindgren|@|disab/i);
    });

    it('attendance per cohort and funder, and mentor load, as JSON and CSV', async () => {
      const analyst = await person(t, 'analyst', 'analyst-1');
      const attendance = await get(analyst, fresh('/analytics/attendance?from=2027-W09&to=2027-W09&funderId=pub-employment'));
      expectConforms('GetAttendanceAnalytics', attendance);
      expect(attendance.body).toMatchObject({
        from: '2027-W09',
        to: '2027-W09',
        nextCursor: null,
        items: [{ week: '2027-W09', profile: 'social_programme', funderId: 'pub-employment', cohort: '2027-spring', held: 1, noShows: 1, attendanceRate: 0.5 }],
      });
      expect(attendance.body.totals).toEqual([
        { profile: 'social_programme', funderId: 'pub-employment', cohort: '2027-spring', students: 1, held: 1, noShows: 1, lateCancellations: 0, substantialDelays: 0, weeksWithoutSession: 0, sessions: 2, attendanceRate: 0.5, suppressed: false },
      ]);
      const csv = await get(analyst, '/analytics/attendance?from=2027-W09&to=2027-W09&funderId=pub-employment&format=csv');
      expect(csv.raw.split('\r\n').slice(1)).toEqual([
        '2027-W09,social_programme,pub-employment,2027-spring,1,2,1,1,0,0,0,0.5,false',
        'total,social_programme,pub-employment,2027-spring,1,2,1,1,0,0,0,0.5,false',
        '',
      ]);
      const load = await get(staff, fresh('/analytics/mentor-load'));
      expectConforms('GetMentorLoadAnalytics', load);
      expect(load.body).toMatchObject({
        mentors: 2,
        totalCapacity: 7,
        totalCaseload: 2,
        atCapacity: 1,
        nextCursor: null,
        items: [
          { bucket: 'empty', mentors: 1 },
          { bucket: 'under 25%', mentors: 0 },
          { bucket: '25-50%', mentors: 0 },
          { bucket: '50-75%', mentors: 0 },
          { bucket: '75-100%', mentors: 0 },
          { bucket: 'full', mentors: 1 },
        ],
        caseloadSizes: [{ caseloadSize: 0, mentors: 1 }, { caseloadSize: 2, mentors: 1 }],
      });
      expect((await get(analyst, '/analytics/mentor-load?format=csv')).raw).toBe(
        'bucket,mentors\r\nempty,1\r\nunder 25%,0\r\n25-50%,0\r\n50-75%,0\r\n75-100%,0\r\nfull,1\r\n',
      );
      expect(load.raw).not.toMatch(/Ava Moreno|Boris|Ivanov|@|disab/i);
    });

    it('only analysts and the team (403 otherwise); malformed parameters are 400; no token is 401', async () => {
      for (const url of ['/analytics/weekly', '/analytics/attendance', '/analytics/mentor-load']) {
        for (const who of [ava, await person(t, 'student', apprentice), await person(t, 'funder', 'acme'), await person(t, 'auditor', 'auditor-1')]) {
          expectProblem(await get(who, url), 403, 'role_not_allowed');
        }
        expectConforms(({ '/analytics/weekly': 'GetWeeklyAnalytics', '/analytics/attendance': 'GetAttendanceAnalytics', '/analytics/mentor-load': 'GetMentorLoadAnalytics' } as Record<string, string>)[url], await get(ava, url));
        expectProblem(await get(null, url), 401, 'unauthenticated');
      }
      const analyst = await person(t, 'analyst', 'analyst-1');
      expectProblem(await get(analyst, '/analytics/weekly?from=March'), 400, 'invalid_query');
      expectProblem(await get(analyst, '/analytics/weekly?from=2027-W10&to=2027-W01'), 400, 'invalid_query');
      expectProblem(await get(analyst, '/analytics/weekly?profile=rich'), 400, 'invalid_query');
      expectProblem(await get(analyst, '/analytics/weekly?format=xml'), 400, 'invalid_query');
      expectProblem(await get(analyst, '/analytics/attendance?cohort=%3Cscript%3E'), 400, 'invalid_query');
    });
  });

  // Last: it enrols a student, which the figures above do not count.
  it('read your writes: a slot freed by the reservations process after the answer is free in a read with waitFor (R9)', async () => {
    const student = (await created(staff, '/students', enrolment('self_funded', { name: 'Wes Tan', email: 'wes.tan@students.example' }))).studentId;
    await created(staff, `/students/${student}/assignment`, { mentorId: bo.actor.id });
    const assigned = await get(bo, fresh(`/mentors/${bo.actor.id}/dashboard`));
    expect(assigned.body).toMatchObject({ capacity: 5, caseloadSize: 1, remainingCapacity: 4 });
    expect(assigned.body.students.items.map((s: any) => s.studentId)).toEqual([student]);
    // The withdrawal's answer comes before the release; waitFor waits for the process, then the projections.
    await created(await person(t, 'student', student), `/students/${student}/withdrawal`, { reason: 'Moved abroad' });
    const freed = await get(bo, fresh(`/mentors/${bo.actor.id}/dashboard`));
    expect(freed.status).toBe(200);
    expect(freed.body).toMatchObject({ capacity: 5, caseloadSize: 0, remainingCapacity: 5 });
  });

  // After the figures above: it enrols many students.
  describe('GetTeamDashboardList: GET /team/dashboard/{list}, a page at a time', () => {
    const enrol = async (tag: string) => (await created(staff, '/students', enrolment('self_funded', { name: `Pat ${tag}`, email: `pat.${tag}@students.example` }))).studentId as string;
    const page = (list: string, query: string) => get(staff, fresh(`/team/dashboard/${list}?${query}`));

    it('pages the students waiting for a mentor through 120 new ones while more enrol between pages: each seen once, oldest first', async () => {
      clock.set('2027-03-05T09:00:00.000Z');
      const before = (await get(staff, fresh('/team/dashboard/waiting-students?limit=500'))).body.items.map((s: any) => s.studentId);
      const enrolled: string[] = [];
      for (let i = 0; i < 120; i++) enrolled.push(await enrol(`a${i}`));
      const expected = [...before, ...enrolled];

      // The dashboard shows the first page of each list: the same page.
      const dashboard = await get(staff, fresh('/team/dashboard?limit=50'));
      const first = await page('waiting-students', 'limit=50');
      expect(first.status).toBe(200);
      expectConforms('GetTeamDashboardList', first);
      expect(dashboard.body.waitingForMentor).toEqual(first.body);
      expect([first.body.total, first.body.items.length, typeof first.body.nextCursor]).toEqual([expected.length, 50, 'string']);

      const seen: any[] = [...first.body.items];
      const lateComers: string[] = [];
      let cursor: string | null = first.body.nextCursor;
      let pages = 1;
      while (cursor !== null) {
        // Between pages: some enrol at the same instant as the others (their ids fall before or after the
        // cursor), some later (after every page so far).
        lateComers.push(await enrol(`b${pages}`));
        clock.set(`2027-03-0${5 + pages}T09:00:00.000Z`);
        lateComers.push(await enrol(`c${pages}`));
        clock.set('2027-03-05T09:00:00.000Z');
        const next = await page('waiting-students', `limit=50&cursor=${cursor}`);
        expect(next.status).toBe(200);
        expectConforms('GetTeamDashboardList', next);
        expect(next.body.total).toBe(expected.length + lateComers.length);
        seen.push(...next.body.items);
        cursor = next.body.nextCursor;
        pages++;
      }
      const ids = seen.map((s) => s.studentId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter((id) => expected.includes(id)).sort()).toEqual([...expected].sort());
      // Each list keeps its order: oldest wait first, then by id.
      const order = seen.map((s) => `${s.waitingSince}|${s.studentId}`);
      expect(order).toEqual([...order].sort());
      // Those enrolled later than the cursor's position are on a later page; only same-instant ones may be behind it.
      const later = lateComers.filter((_, i) => i % 2 === 1);
      expect(later.every((id) => ids.includes(id))).toBe(true);
      // 121 + 4 enrolled between pages, 50 a page.
      expect([pages, seen.length >= expected.length + 2, seen.length <= expected.length + lateComers.length]).toEqual([3, true, true]);
      clock.set('2027-03-04T09:00:00.000Z');
    });

    it('every list pages with its own cursors, in the dashboard’s shape', async () => {
      const dashboard = (await get(staff, fresh('/team/dashboard?limit=1'))).body;
      const fields: Record<string, string> = {
        'waiting-students': 'waitingForMentor',
        'follow-ups': 'openFollowUps',
        'mentor-change-requests': 'mentorChangeRequests',
        'recordings-awaiting-feedback': 'recordingsAwaitingFeedback',
        'attendance-alerts': 'attendanceAlerts',
        'mentors-near-capacity': 'mentorsNearCapacity',
      };
      for (const [list, field] of Object.entries(fields)) {
        const answer = await page(list, 'limit=1');
        expect({ list, status: answer.status }).toEqual({ list, status: 200 });
        expectConforms('GetTeamDashboardList', answer);
        expect({ list, body: answer.body }).toEqual({ list, body: dashboard[field] });
      }
      expect(await page('follow-ups', 'limit=1').then((a) => a.body)).toEqual({
        total: 1,
        nextCursor: null,
        items: [expect.objectContaining({ studentId: social, studentName: 'Samir Haddou', reason: 'missed_sessions' })],
      });
      expect((await page('mentors-near-capacity', 'nearCapacity=0&limit=1')).body).toEqual({
        threshold: 0,
        total: 2,
        nextCursor: expect.any(String),
        items: [expect.objectContaining({ mentorId: ava.actor.id, remainingCapacity: 0 })],
      });
      const fuller = await page('mentors-near-capacity', 'nearCapacity=0&limit=1');
      const rest = await page('mentors-near-capacity', `nearCapacity=0&limit=1&cursor=${fuller.body.nextCursor}`);
      expect([rest.body.total, rest.body.nextCursor, rest.body.items.map((m: any) => m.mentorId)]).toEqual([2, null, [bo.actor.id]]);
    });

    it('staff only (403 before anything else); an unknown list is 404; a cursor not made by this list is 400; limits are checked', async () => {
      for (const who of [ava, await person(t, 'analyst', 'analyst-1'), await person(t, 'student', waiting)]) {
        for (const url of ['/team/dashboard/waiting-students', '/team/dashboard/nope']) {
          const refused = await get(who, url);
          expectProblem(refused, 403, 'role_not_allowed');
          expectConforms('GetTeamDashboardList', refused);
        }
      }
      expectProblem(await get(null, '/team/dashboard/waiting-students'), 401, 'unauthenticated');
      const unknown = await get(staff, '/team/dashboard/waitingStudents');
      expectProblem(unknown, 404, 'list_not_found');
      expectConforms('GetTeamDashboardList', unknown);
      const other = (await page('waiting-students', 'limit=1')).body.nextCursor;
      for (const [list, cursor] of [
        ['follow-ups', other],
        ['waiting-students', 'not-a-cursor'],
        ['waiting-students', '%E2%9C%93'],
        ['waiting-students', Buffer.from('{"s":"waiting-students","k":{},"i":"x"}').toString('base64url')],
      ]) {
        const bad = await get(staff, `/team/dashboard/${list}?cursor=${cursor}`);
        expect({ list, cursor, ...outcome(bad) }).toEqual({ list, cursor, status: 400, code: 'invalid_cursor' });
        expectConforms('GetTeamDashboardList', bad);
      }
      for (const query of ['limit=0', 'limit=501', 'limit=ten', 'alertWeeks=53', 'nearCapacity=-1']) {
        const bad = await get(staff, `/team/dashboard/waiting-students?${query}`);
        expect({ query, ...outcome(bad) }).toEqual({ query, status: 400, code: 'invalid_query' });
      }
    });
  });

  it('every read-side query is in the OpenAPI document under its Get<Thing> operationId', async () => {
    const doc = (await t.request('GET', '/docs-json')).body;
    const operations: Record<string, string> = {};
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>)) {
      for (const [method, op] of Object.entries(methods)) operations[op.operationId] = `${method.toUpperCase()} ${path}`;
    }
    expect({
      GetMentorDashboard: operations.GetMentorDashboard,
      GetTeamDashboard: operations.GetTeamDashboard,
      GetTeamDashboardList: operations.GetTeamDashboardList,
      GetOverseenApprentices: operations.GetOverseenApprentices,
      GetFunderAttendance: operations.GetFunderAttendance,
      GetWeeklyAnalytics: operations.GetWeeklyAnalytics,
      GetAttendanceAnalytics: operations.GetAttendanceAnalytics,
      GetMentorLoadAnalytics: operations.GetMentorLoadAnalytics,
    }).toEqual({
      GetMentorDashboard: 'GET /mentors/{mentorId}/dashboard',
      GetTeamDashboard: 'GET /team/dashboard',
      GetTeamDashboardList: 'GET /team/dashboard/{list}',
      GetOverseenApprentices: 'GET /oversight/apprentices',
      GetFunderAttendance: 'GET /funders/{funderId}/attendance',
      GetWeeklyAnalytics: 'GET /analytics/weekly',
      GetAttendanceAnalytics: 'GET /analytics/attendance',
      GetMentorLoadAnalytics: 'GET /analytics/mentor-load',
    });
  });
});
