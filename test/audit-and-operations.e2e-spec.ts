// Auditors replay the assignment history from the event store (R8), as of any instant, in JSON and
// CSV; admins rebuild a read model without downtime.
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { conformanceTo, ExpectConforms } from './openapi-conformance';

describe('audit and projection operations over HTTP', () => {
  let t: TestApp;
  let now = new Date('2027-01-04T09:00:00.000Z');
  let staff: string;
  let admin: string;
  let auditor: string;
  let expectConforms: ExpectConforms;

  beforeAll(async () => {
    t = await startTestApp({}, { clock: { now: () => now } });
    staff = await t.token('staff', 'staff-1');
    admin = await t.token('admin', 'admin-1');
    auditor = await t.token('auditor', 'auditor-1');
    expectConforms = await conformanceTo(t);
  });
  afterAll(() => t.close());

  it('R8: after two mentor changes the history lists three mentors with reasons and actors, and asOf names the right one at three instants', async () => {
    const studentId = (await t.request('POST', '/students', { token: staff, body: enrolment('social_programme') })).body.studentId;
    const [a, b, c] = await Promise.all([1, 2, 3].map(async (i) => (await t.request('POST', '/mentors', { token: staff, body: mentorBody({ name: `Mentor ${i}` }) })).body.mentorId));

    now = new Date('2027-01-05T09:00:00.000Z');
    expect((await t.request('POST', `/students/${studentId}/assignment`, { token: staff, body: { mentorId: a } })).status).toBe(201);
    now = new Date('2027-02-01T09:00:00.000Z');
    const first = await t.request('POST', `/students/${studentId}/mentor-change`, { token: staff, body: { mentorId: b, fromMentorId: a, reason: 'schedules do not match' }, headers: { 'x-correlation-id': 'corr-change-1' } });
    expect(first.status).toBe(201);
    now = new Date('2027-03-01T09:00:00.000Z');
    const second = await t.request('POST', `/students/${studentId}/mentor-change`, { token: admin, body: { mentorId: c, fromMentorId: b, reason: 'mentor left the school' } });
    expect(second.status).toBe(201);

    const history = await t.request('GET', `/students/${studentId}/history`, { token: auditor });
    expect(history.status).toBe(200);
    expect(history.body.assignments.map((e: Record<string, unknown>) => [e.kind, e.fromMentorId, e.mentorId, e.reason, e.actorId, e.actorRole, e.occurredAt])).toEqual([
      ['assigned', null, a, 'first assignment', 'staff-1', 'staff', '2027-01-05T09:00:00.000Z'],
      ['changed', a, b, 'schedules do not match', 'staff-1', 'staff', '2027-02-01T09:00:00.000Z'],
      ['changed', b, c, 'mentor left the school', 'admin-1', 'admin', '2027-03-01T09:00:00.000Z'],
    ]);
    expect(history.body.assignments[1]).toMatchObject({ correlationId: 'corr-change-1', recordedAt: expect.any(String), position: expect.any(String) });

    for (const [instant, mentorId] of [['2027-01-20T00:00:00Z', a], ['2027-02-15T00:00:00Z', b], ['2027-04-01T00:00:00Z', c]]) {
      const asOf = await t.request('GET', `/students/${studentId}/history?asOf=${instant}`, { token: auditor });
      expect(asOf.body.asOf).toEqual({ asOf: new Date(instant).toISOString(), status: 'active', mentorId, revision: expect.any(Number) });
    }

    const csv = await t.request('GET', `/students/${studentId}/history?format=csv`, { token: auditor });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.raw.split('\r\n').filter((l) => l.startsWith('assignments,'))).toHaveLength(3);
  });

  it('refuses the history to roles that do not audit (403), unknown students (404), and a malformed asOf (400)', async () => {
    const studentId = (await t.request('POST', '/students', { token: staff, body: enrolment('self_funded') })).body.studentId;
    const analyst = await t.token('analyst', 'an-1');
    expect((await t.request('GET', `/students/${studentId}/history`, { token: analyst })).body).toMatchObject({ status: 403, code: 'role_not_allowed' });
    expect((await t.request('GET', '/students/nobody/history', { token: auditor })).body).toMatchObject({ status: 404, code: 'student_not_found' });
    expect((await t.request('GET', `/students/${studentId}/history?asOf=yesterday`, { token: auditor })).body).toMatchObject({ status: 400, code: 'invalid_as_of' });
  });

  it('admins rebuild a read model without downtime and follow it in GetProjections', async () => {
    expect((await t.request('POST', '/admin/projections/student-profiles/rebuild', { token: staff })).status).toBe(403);
    expect((await t.request('POST', '/admin/projections/nope/rebuild', { token: admin })).body.code).toBe('projection_not_found');
    const projections = async () => {
      const answer = await t.request('GET', '/admin/projections', { token: admin });
      expect([answer.status, answer.body.nextCursor]).toEqual([200, null]);
      expectConforms('GetProjections', answer);
      return answer.body.items;
    };
    const refused = await t.request('GET', '/admin/projections', { token: staff });
    expect([refused.status, refused.body.code]).toEqual([403, 'role_not_allowed']);
    expectConforms('GetProjections', refused);
    const requested = await t.request('POST', '/admin/projections/student-profiles/rebuild', { token: admin });
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ _id: 'student-profiles', state: 'requested' });
    let status;
    // Switched, then caught up: an event appended meanwhile (a reactor's, an access record) may wait a moment.
    for (let i = 0; i < 100; i++) {
      status = (await projections()).find((p: { name: string }) => p.name === 'student-profiles');
      if (status.rebuild.state === 'switched' && status.status.lag === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status.rebuild).toMatchObject({ state: 'switched', error: null });
    expect(status.status).toMatchObject({ lag: 0, running: true });
    expect((await projections()).map((p: { name: string }) => p.name)).toContain('dashboards');
  });
});
