// Bad input never appends and never answers 500: every refusal is 4xx application/problem+json.
import { allEvents, enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';

describe('bad input answers 4xx problem+json and appends nothing', () => {
  let t: TestApp;
  let staff: string;
  let studentId: string;

  beforeAll(async () => {
    t = await startTestApp();
    staff = await t.token('staff', 'staff-1');
    studentId = (await t.request('POST', '/students', { token: staff, body: enrolment('self_funded') })).body.studentId;
  });
  afterAll(() => t.close());

  const { funding: _funding, ...withoutFunding } = enrolment('self_funded');
  const cases: Array<[string, string, string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, number, string]> = [
    ['missing field', 'POST', '/students', { body: withoutFunding }, 400, 'validation_failed'],
    ['unknown field', 'POST', '/students', { body: { ...enrolment('self_funded'), nickname: 'x' } }, 400, 'validation_failed'],
    ['unknown nested field', 'POST', '/students', { body: enrolment('self_funded', { funding: { kind: 'self_funded', endDate: '2030-01-01' } }) }, 400, 'validation_failed'],
    ['wrong type', 'POST', '/mentors', { body: mentorBody({ capacity: 'three' }) }, 400, 'validation_failed'],
    ['wrong type (boolean as string)', 'POST', '/students', { body: enrolment('self_funded', { registeredDisability: 'yes' }) }, 400, 'validation_failed'],
    ['unknown funding profile', 'POST', '/students', { body: enrolment('self_funded', { funding: { kind: 'lottery' } }) }, 400, 'validation_failed'],
    ['funding not an object', 'POST', '/students', { body: enrolment('self_funded', { funding: 'self_funded' }) }, 400, 'validation_failed'],
    ['R6: third-party funding without end date', 'POST', '/students', { body: enrolment('employee', { funding: { ...enrolment('employee').funding, endDate: undefined } }) }, 400, 'validation_failed'],
    ['R6: end date before start', 'POST', '/students', { body: enrolment('employee', { funding: { ...enrolment('employee').funding, endDate: '2026-01-01' } }) }, 422, 'R6_end_date_must_follow_start'],
    ['malformed JSON', 'POST', '/students', { rawBody: '{"name": "Sam",', headers: { 'content-type': 'application/json' } }, 400, 'malformed_json'],
    ['empty JSON body', 'POST', '/students', { rawBody: '', headers: { 'content-type': 'application/json' } }, 400, 'empty_json_body'],
    ['a JSON array', 'POST', '/students', { rawBody: '[1,2]', headers: { 'content-type': 'application/json' } }, 400, 'validation_failed'],
    ['1 MB body', 'POST', '/students', { rawBody: JSON.stringify({ ...enrolment('self_funded'), name: 'x'.repeat(1024 * 1024) }), headers: { 'content-type': 'application/json' } }, 413, 'body_too_large'],
    ['wrong media type', 'POST', '/students', { rawBody: 'name=Sam', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
    ['unknown student id', 'POST', '/students/00000000-0000-0000-0000-000000000000/assignment', { body: { mentorId: 'nobody' } }, 404, 'student_not_found'],
    ['malformed id', 'GET', '/students/bad%20id!', {}, 400, 'invalid_id'],
    ['unknown route', 'GET', '/nowhere', {}, 404, 'route_not_found'],
    ['malformed If-Match', 'POST', '/mentors', { body: mentorBody(), headers: { 'if-match': 'yesterday' } }, 400, 'invalid_if_match'],
    ['malformed waitFor', 'GET', '/students/abc?waitFor=soon', {}, 400, 'invalid_wait_for'],
  ];

  it.each(cases)('%s (%s %s)', async (_name, method, url, options, status, code) => {
    const before = (await allEvents(t.eventStore)).length;
    const answer = await t.request(method, url, { token: staff, ...options });
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status, code, title: expect.any(String), type: expect.any(String) });
    expect((await allEvents(t.eventStore)).length).toBe(before);
  });

  it('unknown mentor id on assignment is 404 mentor_not_found', async () => {
    const answer = await t.request('POST', `/students/${studentId}/assignment`, { token: staff, body: { mentorId: 'no-such-mentor' } });
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('mentor_not_found');
  });

  it('lists every invalid field in the validation problem', async () => {
    const answer = await t.request('POST', '/mentors', { token: staff, body: { name: '', email: 'not-an-email', trainingPaths: [], capacity: 0, disabilityFriendly: 'no', extra: 1 } });
    expect(answer.status).toBe(400);
    const fields = (answer.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['capacity', 'disabilityFriendly', 'email', 'extra', 'name', 'trainingPaths']);
  });

  it('a body that is not a JSON object, or a key naming a prototype member at any depth, is 400 validation_failed and appends nothing', async () => {
    const registered = await t.request('POST', '/mentors', { token: staff, body: mentorBody({ email: 'proto@mentors.example' }) });
    expect(registered.status).toBe(201);
    const before = (await allEvents(t.eventStore)).length;
    const unavailability = await t.request('POST', `/mentors/${registered.body.mentorId}/unavailabilities`, {
      token: staff,
      body: { from: '2027-06-01T00:00:00.000Z', until: '2027-06-08T00:00:00.000Z', reason: 'holiday' },
    });
    const cases: Array<[string, string, string]> = [
      ['/mentors', JSON.stringify({ ...mentorBody({ email: 'c@mentors.example' }), constructor: {} }), 'constructor'],
      ['/mentors', JSON.stringify({ ...mentorBody({ email: 'p@mentors.example' }), prototype: null }), 'prototype'],
      ['/students', JSON.stringify(enrolment('apprenticeship', { funding: { ...enrolment('apprenticeship').funding, tutor: { id: 't', name: 'T', email: 't@x.example', constructor: 1 } } })), 'funding.tutor.constructor'],
      [`/mentors/${registered.body.mentorId}/unavailabilities/${unavailability.body.unavailabilityId ?? 'u'}/end`, '1', '(body)'],
      [`/mentors/${registered.body.mentorId}/capacity`, '[{"capacity":3}]', '(body)'],
      ['/mentors', '"text"', '(body)'],
    ];
    const after = (await allEvents(t.eventStore)).length;
    for (const [url, rawBody, field] of cases) {
      const answer = await t.request('POST', url, { token: staff, rawBody, headers: { 'content-type': 'application/json' } });
      expect({ url, status: answer.status, code: answer.body.code, fields: answer.body.errors?.map((e: { field: string }) => e.field) }).toEqual({ url, status: 400, code: 'validation_failed', fields: [field] });
    }
    expect((await allEvents(t.eventStore)).length).toBe(after);
    expect(after - before).toBeLessThanOrEqual(1);
  });

  it('a discriminated union given an array holding null (funding: [1, "a", null]) is 400 validation_failed, not a 500 (fuzzer seed 20101)', async () => {
    const before = (await allEvents(t.eventStore)).length;
    const answer = await t.request('POST', '/students', { token: staff, body: { ...enrolment('self_funded'), funding: [1, 'a', null] } });
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 400, code: 'validation_failed' });
    expect((await allEvents(t.eventStore)).length).toBe(before);
  });
});
