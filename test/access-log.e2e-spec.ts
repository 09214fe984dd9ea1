// Who read what (issue 11, part 3): every read of a student's sensitive data leaves exactly one
// SensitiveDataRead in the event store (granted or refused), and auditors query them with GetAccessLog.
import { formatPosition } from '@mentoring/event-store';
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { expectProblem, Person, person, post } from './support/commands';

describe('access log: who read what', () => {
  let t: TestApp;
  let now = new Date('2027-01-04T09:00:00.000Z');
  let staff: Person;
  let mentor: Person;
  let auditor: Person;
  let admin: Person;
  let studentId: string;
  let mentorId: string;
  /** The assignment's position: the mentor may read the student once the read model has it (read your writes). */
  let assignedAt: string;

  const accessStream = (id: string) => `access-log-student-${id}`;
  const logOf = async (id: string) => (await t.eventStore.readStream(accessStream(id))).map((e) => ({ type: e.type, data: e.data as Record<string, any> }));
  const head = async () => formatPosition((await t.eventStore.headPosition())!);
  const accessLog = async (who: Person, query: string) => t.request('GET', `/audit/access-log?waitFor=${await head()}${query ? `&${query}` : ''}`, { token: who.token });

  beforeAll(async () => {
    t = await startTestApp({}, { clock: { now: () => now } });
    staff = await person(t, 'staff', 'staff-1');
    auditor = await person(t, 'auditor', 'auditor-1');
    admin = await person(t, 'admin', 'admin-1');
    mentorId = (await post(t, staff, '/mentors', mentorBody({ disabilityFriendly: true, disabilityTrainingCompletedOn: '2026-06-01' }))).body.mentorId;
    mentor = await person(t, 'mentor', mentorId);
    studentId = (await post(t, staff, '/students', enrolment('apprenticeship', { registeredDisability: true }))).body.studentId;
    const assigned = await post(t, staff, `/students/${studentId}/assignment`, { mentorId });
    expect(assigned.status).toBe(201);
    assignedAt = assigned.body.position;
  });
  afterAll(() => t.close());

  it('R7: reading a disabled student’s record as their mentor, as staff and as an auditor leaves one entry each (who, role, when, student, what, purpose)', async () => {
    now = new Date('2027-01-10T10:00:00.000Z');
    const byMentor = await t.request('GET', `/students/${studentId}?waitFor=${assignedAt}`, { token: mentor.token, headers: { 'x-purpose': 'prepare the discovery session' } });
    expect(byMentor.status).toBe(200);
    expect(byMentor.body.registeredDisability).toBe(true);
    now = new Date('2027-01-10T11:00:00.000Z');
    expect((await t.request('GET', `/students/${studentId}`, { token: staff.token, headers: { 'x-purpose': 'TICKET-42' } })).body.registeredDisability).toBe(true);
    now = new Date('2027-01-10T12:00:00.000Z');
    const byAuditor = await t.request('GET', `/students/${studentId}`, { token: auditor.token });
    expect(byAuditor.status).toBe(200);
    expect(byAuditor.body).not.toHaveProperty('registeredDisability');

    const entry = (reader: Person, at: string, what: string, purpose: string | null) => ({
      type: 'SensitiveDataRead',
      data: {
        reader: reader.actor,
        studentId,
        funderId: null,
        what,
        format: 'json',
        operationId: 'GetStudent',
        purpose,
        outcome: 'granted',
        status: 200,
        at,
      },
    });
    expect(await logOf(studentId)).toEqual([
      entry(mentor, '2027-01-10T10:00:00.000Z', 'disability', 'prepare the discovery session'),
      entry(staff, '2027-01-10T11:00:00.000Z', 'disability', 'TICKET-42'),
      entry(auditor, '2027-01-10T12:00:00.000Z', 'student_record', null),
    ]);
  });

  it('a tutor’s refused read (404) leaves one refused entry; an analyst’s (403) too; a malformed X-Purpose is 400 invalid_purpose and leaves none', async () => {
    const before = (await logOf(studentId)).length;
    now = new Date('2027-01-11T09:00:00.000Z');
    const tutor = await person(t, 'tutor', 'tutor-2');
    expectProblem(await t.request('GET', `/students/${studentId}`, { token: tutor.token, headers: { 'x-purpose': 'curious' } }), 404, 'student_not_found');
    const refusals = (await logOf(studentId)).slice(before);
    expect(refusals).toEqual([
      {
        type: 'SensitiveDataRead',
        data: {
          reader: { id: 'tutor-2', role: 'tutor' },
          studentId,
          funderId: null,
          what: 'student_record',
          format: 'json',
          operationId: 'GetStudent',
          purpose: 'curious',
          outcome: 'refused',
          status: 404,
          at: '2027-01-11T09:00:00.000Z',
        },
      },
    ]);
    const analyst = await person(t, 'analyst', 'analyst-1');
    expectProblem(await t.request('GET', `/students/${studentId}`, { token: analyst.token }), 403, 'role_not_allowed');
    expect((await logOf(studentId)).slice(before + 1).map((e) => [e.data.reader.role, e.data.outcome, e.data.status])).toEqual([['analyst', 'refused', 403]]);

    const count = (await logOf(studentId)).length;
    for (const purpose of ['x'.repeat(201), 'line\u0007bell', '   ']) {
      expectProblem(await t.request('GET', `/students/${studentId}`, { token: staff.token, headers: { 'x-purpose': purpose } }), 400, 'invalid_purpose');
    }
    expect((await logOf(studentId)).length).toBe(count);
  });

  it('the audit history (JSON and CSV) and a funder’s CSV export leave entries; the funder’s JSON report does not', async () => {
    now = new Date('2027-01-12T09:00:00.000Z');
    const before = (await logOf(studentId)).length;
    expect((await t.request('GET', `/students/${studentId}/history`, { token: auditor.token })).status).toBe(200);
    expect((await t.request('GET', `/students/${studentId}/history?format=csv`, { token: auditor.token, headers: { 'x-purpose': 'annual audit' } })).status).toBe(200);
    expect((await logOf(studentId)).slice(before).map((e) => [e.data.reader.id, e.data.what, e.data.format, e.data.operationId, e.data.purpose, e.data.outcome])).toEqual([
      ['auditor-1', 'audit_history', 'json', 'GetStudentHistory', null, 'granted'],
      ['auditor-1', 'audit_history', 'csv', 'GetStudentHistory', 'annual audit', 'granted'],
    ]);

    const funder = await person(t, 'funder', 'acme');
    expect((await t.request('GET', '/funders/acme/attendance', { token: funder.token })).status).toBe(200);
    expect(await t.eventStore.readStream('access-log-funder-acme')).toEqual([]);
    const csv = await t.request('GET', '/funders/acme/attendance?format=csv', { token: funder.token });
    expect(csv.status).toBe(200);
    expect((await t.eventStore.readStream('access-log-funder-acme')).map((e) => e.data)).toEqual([
      {
        reader: { id: 'acme', role: 'funder' },
        studentId: null,
        funderId: 'acme',
        what: 'csv_export',
        format: 'csv',
        operationId: 'GetFunderAttendance',
        purpose: null,
        outcome: 'granted',
        status: 200,
        at: '2027-01-12T09:00:00.000Z',
      },
    ]);
  });

  it('the entries are events in the event store, appended like any other (the hash chain covers them)', async () => {
    const events = await t.eventStore.readStream(accessStream(studentId));
    expect(events.length).toBeGreaterThanOrEqual(7);
    for (const e of events) {
      expect(e).toMatchObject({ type: 'SensitiveDataRead', schemaVersion: 1, streamId: accessStream(studentId), metadata: { actor: e.data && (e.data as any).reader } });
    }
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
  });

  it('GetAccessLog filters by student, reader and period, newest first, a page at a time', async () => {
    const all = await accessLog(auditor, `studentId=${studentId}`);
    expect(all.status).toBe(200);
    const stored = await logOf(studentId);
    expect(all.body.items).toHaveLength(stored.length);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items.map((i: any) => i.at)).toEqual([...all.body.items.map((i: any) => i.at)].sort().reverse());
    expect(all.body.items.at(-1)).toMatchObject({
      reader: { id: mentorId, role: 'mentor' },
      studentId,
      what: 'disability',
      purpose: 'prepare the discovery session',
      outcome: 'granted',
      operationId: 'GetStudent',
      streamId: accessStream(studentId),
    });

    const byTutor = await accessLog(auditor, 'readerId=tutor-2');
    expect(byTutor.body.items.map((i: any) => [i.reader.role, i.studentId, i.outcome, i.status])).toEqual([['tutor', studentId, 'refused', 404]]);

    const tenth = await accessLog(admin, `studentId=${studentId}&from=2027-01-10T10:30:00Z&to=2027-01-11`);
    expect(tenth.body.items.map((i: any) => i.reader.id)).toEqual(['auditor-1', 'staff-1']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await accessLog(auditor, `studentId=${studentId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i: any) => i.eventId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((i: any) => i.eventId));

    expectProblem(await accessLog(auditor, 'from=yesterday'), 400, 'validation_failed');
    expectProblem(await accessLog(auditor, 'cursor=bogus'), 400, 'invalid_cursor');
  });

  it('only auditors and admins read the access log (403 role_not_allowed for everyone else)', async () => {
    for (const role of ['staff', 'mentor', 'student', 'tutor', 'funder', 'analyst'] as const) {
      expectProblem(await t.request('GET', '/audit/access-log', { token: await t.token(role, `${role}-1`) }), 403, 'role_not_allowed');
    }
  });

  it('a read whose entry cannot be appended fails (503 store_unavailable): no answered read is missing from the log', async () => {
    const store = t.eventStore as unknown as { append: (...args: unknown[]) => Promise<unknown> };
    const append = store.append;
    store.append = async (...args: unknown[]) => {
      if (String(args[0]).startsWith('access-log-')) throw new Error('disk full');
      return append.apply(t.eventStore, args);
    };
    try {
      const answer = await t.request('GET', `/students/${studentId}`, { token: staff.token });
      expectProblem(answer, 503, 'store_unavailable');
      expect(answer.raw).not.toContain('Sam Lee');
    } finally {
      store.append = append;
    }
  });
});
