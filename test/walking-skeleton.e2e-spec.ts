// The first slice over HTTP: enrol → register → assign, the caseload, the HTTP conventions.
import { allEvents, enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';

describe('walking skeleton over HTTP', () => {
  let t: TestApp;
  let staff: string;

  beforeAll(async () => {
    t = await startTestApp();
    staff = await t.token('staff', 'staff-1');
  });
  afterAll(() => t.close());

  const enrol = (body = enrolment('self_funded'), headers?: Record<string, string>) =>
    t.request('POST', '/students', { token: staff, body, headers });
  const register = (body = mentorBody()) => t.request('POST', '/mentors', { token: staff, body });

  it('serves /health, /docs and /docs-json without a token', async () => {
    expect((await t.request('GET', '/health')).body).toEqual({ status: 'ok' });
    const health = await t.request('GET', '/health', { token: await t.token('admin', 'ops-1') });
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.projections.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['mentor-caseloads', 'student-profiles']));
    const docs = await t.request('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.raw).toContain('swagger');
    const json = await t.request('GET', '/docs-json');
    expect(json.status).toBe(200);
    const operationIds = Object.values(json.body.paths as Record<string, Record<string, { operationId: string }>>)
      .flatMap((methods) => Object.values(methods).map((m) => m.operationId))
      .sort();
    expect(operationIds).toEqual(expect.arrayContaining(['AssignMentor', 'EnrolStudent', 'GetMentor', 'GetStudent', 'RegisterMentor']));
  });

  it('answers 401 problem+json without a token, with a bad token, or with an unknown role', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt', 'Basic abc']) {
      const answer = await t.request('POST', '/students', { body: enrolment('self_funded'), headers: authorization ? { authorization } : {} });
      expect(answer.status).toBe(401);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 401, code: 'unauthenticated', title: 'Unauthorized' });
    }
  });

  it('enrols, registers and assigns; the caseload shows the assignment (read-your-writes)', async () => {
    const enrolled = await enrol();
    expect(enrolled.status).toBe(201);
    expect(enrolled.headers.etag).toBe('"0"');
    expect(enrolled.headers.location).toBe(`/students/${enrolled.body.studentId}`);
    const registered = await register();
    expect(registered.status).toBe(201);
    const { studentId } = enrolled.body;
    const { mentorId } = registered.body;

    const assigned = await t.request('POST', `/students/${studentId}/assignment`, { token: staff, body: { mentorId } });
    expect(assigned.status).toBe(201);
    expect(assigned.body).toEqual({ studentId, mentorId, revision: 1, position: expect.any(String), events: ['StudentAssigned'] });
    expect(assigned.headers.etag).toBe('"1"');
    expect(assigned.headers['x-global-position']).toBe(assigned.body.position);

    const mentor = await t.request('GET', `/mentors/${mentorId}?waitFor=${assigned.body.position}`, { token: staff });
    expect(mentor.status).toBe(200);
    expect(mentor.body).toMatchObject({
      mentorId,
      capacity: 5,
      remainingCapacity: 4,
      caseload: [{ studentId, name: 'Sam Lee', trainingPath: 'web-development', fundingProfile: 'self_funded', status: 'active', since: expect.any(String) }],
    });
    const student = await t.request('GET', `/students/${studentId}?waitFor=${assigned.body.position}`, { token: staff });
    expect(student.status).toBe(200);
    expect(student.body).toMatchObject({ studentId, status: 'active', mentorId, registeredDisability: false });

    // The actor is in every event's metadata.
    const events = (await allEvents(t.eventStore)).filter((e) => [`student-${studentId}`, `mentor-${mentorId}`].includes(e.streamId));
    expect(events.map((e) => e.type)).toEqual(['StudentEnrolled', 'MentorRegistered', 'CaseloadSlotReserved', 'StudentAssigned']);
    for (const e of events) expect(e.metadata.actor).toEqual({ id: 'staff-1', role: 'staff' });
  });

  it('assigning the same mentor again is a no-op (200, nothing appended)', async () => {
    const { studentId } = (await enrol()).body;
    const { mentorId } = (await register()).body;
    await t.request('POST', `/students/${studentId}/assignment`, { token: staff, body: { mentorId } });
    const before = (await allEvents(t.eventStore)).length;
    const again = await t.request('POST', `/students/${studentId}/assignment`, { token: staff, body: { mentorId } });
    expect(again.status).toBe(200);
    expect(again.body.events).toEqual([]);
    expect((await allEvents(t.eventStore)).length).toBe(before);
  });

  it('R7: refuses a mentor who is not disability-friendly for a student with a registered disability, appending nothing', async () => {
    const { studentId } = (await enrol(enrolment('self_funded', { registeredDisability: true }))).body;
    const { mentorId } = (await register(mentorBody({ disabilityFriendly: false }))).body;
    const before = (await allEvents(t.eventStore)).length;
    const refused = await t.request('POST', `/students/${studentId}/assignment`, { token: staff, body: { mentorId } });
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.code).toBe('R7_mentor_not_disability_friendly');
    expect((await allEvents(t.eventStore)).length).toBe(before);
  });

  it('R9: 50 concurrent assignments to a mentor of capacity 3: exactly 3 succeed, 47 get 409, the caseload shows 3', async () => {
    const { mentorId } = (await register(mentorBody({ capacity: 3 }))).body;
    const students: string[] = [];
    for (let i = 0; i < 50; i++) students.push((await enrol(enrolment('self_funded', { name: `Student ${i}`, email: `s${i}@students.example` }))).body.studentId);

    const answers = await Promise.all(students.map((studentId) => t.request('POST', `/students/${studentId}/assignment`, { token: staff, body: { mentorId } })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(47);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ status: 409, code: 'R9_mentor_at_capacity' });
    }
    const last = answers.filter((a) => a.status === 201).map((a) => a.body.position).sort((a, b) => Number(a) - Number(b)).pop();
    const mentor = await t.request('GET', `/mentors/${mentorId}?waitFor=${last}`, { token: staff });
    expect(mentor.body.caseload).toHaveLength(3);
    expect(mentor.body.remainingCapacity).toBe(0);
    const assigned = (await allEvents(t.eventStore)).filter((e) => e.type === 'StudentAssigned' && (e.data as { mentorId: string }).mentorId === mentorId);
    expect(assigned).toHaveLength(3);
  });

  it('If-Match: a stale revision answers 412 and appends nothing; the current one passes', async () => {
    const { studentId } = (await enrol()).body;
    const { mentorId } = (await register()).body;
    const stale = await t.request('POST', `/students/${studentId}/assignment`, { token: staff, body: { mentorId }, headers: { 'if-match': '"7"' } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'revision_mismatch', currentRevision: 0 });
    const current = await t.request('POST', `/students/${studentId}/assignment`, { token: staff, body: { mentorId }, headers: { 'if-match': '"0"' } });
    expect(current.status).toBe(201);
  });

  it('Idempotency-Key: a retry returns the first answer and appends nothing; the same key on another body is 422', async () => {
    const key = `enrol-${Date.now()}`;
    const first = await enrol(enrolment('employee'), { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const before = (await allEvents(t.eventStore)).length;
    const retry = await enrol(enrolment('employee'), { 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect((await allEvents(t.eventStore)).length).toBe(before);
    const other = await enrol(enrolment('self_funded'), { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  });

  it('concurrent duplicates with one Idempotency-Key append once', async () => {
    const key = `dup-${Date.now()}`;
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => t.request('POST', '/mentors', { token: staff, body: mentorBody(), headers: { 'idempotency-key': key } })));
    const ids = new Set(answers.map((a) => a.body.mentorId));
    expect(ids.size).toBe(1);
    const [mentorId] = ids;
    const events = (await allEvents(t.eventStore)).filter((e) => e.streamId === `mentor-${mentorId}`);
    expect(events).toHaveLength(1);
  });
});
