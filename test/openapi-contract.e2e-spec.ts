// The served document says what the server answers: every command documents its 201/200 body (its ids,
// revision, position, events) and headers, and the problems every command may answer (412, 413, 415, 503);
// queries with ?waitFor= document 504; no `accept` header is required; request bodies are closed
// (additionalProperties: false) and integers are integers. Then real commands are sent and their answers
// validated with ajv against the documented schemas, so the document cannot drift from the server for those.
// The served document is OpenAPI 3.1 (converted from Nest's 3.0 in bootstrap.ts): its schemas are JSON Schema
// 2020-12, validated with ajv's 2020 dialect. The queries' answers (GetStudent, GetMentor, the lists, the
// suggestions, the history in JSON and CSV, /health, RebuildProjection's 202) are validated for several roles.
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import { EventStoreUnavailableError } from '@mentoring/event-store';
import addFormats from 'ajv-formats';
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { Answer } from './support/test-app';
import { outcome, Person, person, post, TestClock } from './support/commands';

type AnyObject = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  operation: AnyObject;
}

const COMMAND_IDS: Record<string, string[]> = {
  EnrolStudent: ['studentId'],
  RegisterMentor: ['mentorId'],
  AssignMentor: ['studentId', 'mentorId'],
  BookDiscoverySession: ['studentId', 'sessionId'],
  BookSession: ['studentId', 'sessionId'],
  DeclareMentorUnavailability: ['mentorId', 'unavailabilityId'],
  RequestMentorChange: ['studentId', 'requestId'],
  RequestFollowUp: ['studentId', 'followUpId'],
  AddInternalComment: ['studentId', 'commentId'],
};

describe('OpenAPI contract', () => {
  const clock = new TestClock('2027-03-01T08:00:00.000Z');
  let t: TestApp;
  let document: AnyObject;
  let operations: Operation[];
  let commands: Operation[];
  let ajv: Ajv2020;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    const answer = await t.request('GET', '/docs-json');
    expect(answer.status).toBe(200);
    document = answer.body;
    operations = Object.entries(document.paths as Record<string, Record<string, AnyObject>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
    );
    // A command is an operation documenting If-Match (the command conventions of CommandEndpoint).
    commands = operations.filter(({ operation }) => (operation.parameters ?? []).some((p: AnyObject) => p.name === 'If-Match'));
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    // The document's components, so `#/components/schemas/X` resolves: ajv resolves $refs against this id.
    ajv.addSchema({ $id: 'openapi.json', components: document.components }, 'openapi.json');
  });
  afterAll(() => t.close());

  /** A validator for one documented response body of an operation. */
  function validatorFor(operationId: string, status: number, media = 'application/json'): ValidateFunction {
    const found = operations.find(({ operation }) => operation.operationId === operationId);
    const schema = found?.operation.responses?.[status]?.content?.[media]?.schema;
    expect({ operationId, status, documented: schema !== undefined }).toEqual({ operationId, status, documented: true });
    // Rewrite the local refs to point into the registered components.
    const rewritten = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi.json#/components/'));
    return ajv.compile(rewritten);
  }

  function expectConforms(operationId: string, answer: Answer, media?: string): void {
    const validate = validatorFor(operationId, answer.status, media);
    validate(answer.body);
    expect({ operationId, status: answer.status, errors: validate.errors ?? [] }).toEqual({ operationId, status: answer.status, errors: [] });
  }

  describe('the document', () => {
    it('has the 30 commands', () => {
      expect(commands.length).toBe(30);
    });

    it('documents every command’s 201 and 200 bodies: its ids, revision (integer), position, events', () => {
      for (const { operation } of commands) {
        for (const status of ['201', '200']) {
          const schema = operation.responses[status]?.content?.['application/json']?.schema;
          expect({ op: operation.operationId, status, schema }).toEqual({
            op: operation.operationId,
            status,
            schema: expect.objectContaining({ type: 'object', required: expect.arrayContaining(['revision', 'position', 'events']) }),
          });
          expect(schema.properties.revision.type).toBe('integer');
          expect(schema.properties.events).toMatchObject({ type: 'array', items: { type: 'string' } });
          expect(schema.properties.position).toMatchObject({ type: ['string', 'null'] }); // 3.1: nullable as a type
          const ids = COMMAND_IDS[operation.operationId];
          if (ids) expect({ op: operation.operationId, required: schema.required }).toEqual({ op: operation.operationId, required: expect.arrayContaining(ids) });
        }
        const headers = Object.keys(operation.responses['201'].headers ?? {});
        expect({ op: operation.operationId, headers }).toEqual({ op: operation.operationId, headers: expect.arrayContaining(['ETag', 'X-Global-Position', 'Idempotent-Replayed']) });
      }
    });

    it('documents Location on the creations', () => {
      for (const id of ['EnrolStudent', 'RegisterMentor']) {
        const found = commands.find(({ operation }) => operation.operationId === id)!;
        expect(Object.keys(found.operation.responses['201'].headers)).toContain('Location');
      }
    });

    it('documents 412, 413 and 415 on every command and 503 on every operation, as problems', () => {
      const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
      for (const { operation } of commands) {
        for (const status of ['412', '413', '415']) {
          expect({ op: operation.operationId, status, content: operation.responses[status]?.content }).toEqual({ op: operation.operationId, status, content: problem });
        }
      }
      // GetReadiness's 503 is its answer, not a failure: `{status: 'unready', reasons}` (a probe reads it).
      for (const { method, path, operation } of operations.filter(({ operation }) => operation.operationId !== 'GetReadiness')) {
        expect({ route: `${method} ${path}`, content: operation.responses['503']?.content }).toEqual({ route: `${method} ${path}`, content: problem });
        if (path !== '/docs-json') expect(operation.responses['503'].headers?.['Retry-After']).toBeDefined();
      }
    });

    it('documents 504 on every query with ?waitFor=', () => {
      const waiting = operations.filter(({ operation }) => (operation.parameters ?? []).some((p: AnyObject) => p.in === 'query' && p.name === 'waitFor'));
      expect(waiting.length).toBeGreaterThan(0);
      for (const { method, path, operation } of waiting) expect({ route: `${method} ${path}`, has504: '504' in operation.responses }).toEqual({ route: `${method} ${path}`, has504: true });
    });

    it('marks no `accept` header required', () => {
      const required = operations.flatMap(({ operation }) =>
        (operation.parameters ?? []).filter((p: AnyObject) => p.in === 'header' && String(p.name).toLowerCase() === 'accept' && p.required).map(() => operation.operationId),
      );
      expect(required).toEqual([]);
    });

    it('closes every request body (additionalProperties: false), down to the nested objects', () => {
      const open: string[] = [];
      const seen = new Set<unknown>();
      const walk = (schema: AnyObject | undefined, at: string): void => {
        if (!schema || seen.has(schema)) return;
        seen.add(schema);
        if (schema.$ref) return walk(document.components.schemas[schema.$ref.split('/').pop()], schema.$ref);
        if (schema.properties && schema.additionalProperties !== false) open.push(at);
        for (const [name, property] of Object.entries(schema.properties ?? {})) walk(property as AnyObject, `${at}.${name}`);
        if (schema.items) walk(schema.items, `${at}[]`);
        for (const key of ['oneOf', 'anyOf', 'allOf']) (schema[key] ?? []).forEach((branch: AnyObject, i: number) => walk(branch, `${at}.${key}[${i}]`));
      };
      let bodies = 0;
      for (const { operation } of commands) {
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        if (schema) bodies++;
        walk(schema, operation.operationId);
      }
      expect(bodies).toBeGreaterThan(20);
      expect(open).toEqual([]);
    });

    it('types the integer fields as integers', () => {
      const schemas = document.components.schemas;
      const property = (dto: string, name: string) => schemas[dto]?.properties?.[name]?.type;
      expect(property('RegisterMentorDto', 'capacity')).toBe('integer');
      expect(property('ChangeMentorCapacityDto', 'capacity')).toBe('integer');
      expect(property('RecordSubstantialDelayDto', 'delayMinutes')).toBe('integer');
      expect(property('RhythmDto', 'studyWeeks')).toBe('integer');
      expect(property('RhythmDto', 'workWeeks')).toBe('integer');
    });

    it('documents R7 on AssignMentor under 409, as the server answers it', () => {
      const assign = commands.find(({ operation }) => operation.operationId === 'AssignMentor')!.operation;
      expect(assign.responses['409'].description).toContain('R7_mentor_not_disability_friendly');
      expect(assign.responses['422']?.description ?? '').not.toContain('R7');
    });
  });

  describe('real answers conform to the document', () => {
    let staff: Person;

    beforeAll(async () => {
      staff = await person(t, 'staff', 'staff-1');
    });

    it('RegisterMentor, EnrolStudent, AssignMentor, BookDiscoverySession: 201 bodies and a 412 problem', async () => {
      const registered = await post(t, staff, '/mentors', mentorBody({ disabilityFriendly: false }));
      expect(outcome(registered).status).toBe(201);
      expectConforms('RegisterMentor', registered);
      const mentorId = registered.body.mentorId;

      const enrolled = await post(t, staff, '/students', enrolment('self_funded', { registeredDisability: true }));
      expect(outcome(enrolled).status).toBe(201);
      expectConforms('EnrolStudent', enrolled);
      expect(enrolled.headers.location).toBe(`/students/${enrolled.body.studentId}`);
      expect(enrolled.headers['x-global-position']).toBe(enrolled.body.position);
      const studentId = enrolled.body.studentId;

      // R7: a student with a registered disability and a mentor who is not disability-friendly: 409, as documented.
      const refused = await post(t, staff, `/students/${studentId}/assignment`, { mentorId });
      expect(outcome(refused)).toEqual({ status: 409, code: 'R7_mentor_not_disability_friendly' });
      expectConforms('AssignMentor', refused, 'application/problem+json');

      const other = await post(t, staff, '/students', enrolment('employee', { email: 'kim@students.example' }));
      expectConforms('EnrolStudent', other);
      const stale = await post(t, staff, `/students/${other.body.studentId}/assignment`, { mentorId }, { 'if-match': '"41"' });
      expect(outcome(stale).status).toBe(412);
      expectConforms('AssignMentor', stale, 'application/problem+json');

      const assigned = await post(t, staff, `/students/${other.body.studentId}/assignment`, { mentorId }, { 'idempotency-key': 'assign-kim' });
      expect(outcome(assigned).status).toBe(201);
      expectConforms('AssignMentor', assigned);
      const replayed = await post(t, staff, `/students/${other.body.studentId}/assignment`, { mentorId }, { 'idempotency-key': 'assign-kim' });
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expectConforms('AssignMentor', replayed);

      const booked = await post(t, staff, `/students/${other.body.studentId}/discovery-session`, { start: '2027-03-02T10:00:00Z' });
      expect(outcome(booked).status).toBe(201);
      expectConforms('BookDiscoverySession', booked);
      expect(booked.body.sessionId).toEqual(expect.any(String));
    });

    it('a body with an unknown field is refused, as additionalProperties: false says', async () => {
      const answer = await post(t, staff, '/mentors', { ...mentorBody({ email: 'x@mentors.example' }), nickname: 'X' });
      expect(answer.status).toBe(400);
      expectConforms('RegisterMentor', answer, 'application/problem+json');
      const validate = ajv.compile(
        JSON.parse(JSON.stringify(commands.find(({ operation }) => operation.operationId === 'RegisterMentor')!.operation.requestBody.content['application/json'].schema).replace(/"#\/components\//g, '"openapi.json#/components/')),
      );
      expect(validate({ ...mentorBody(), nickname: 'X' })).toBe(false);
      expect(validate(mentorBody())).toBe(true);
      expect(validate(mentorBody({ capacity: 2.5 }))).toBe(false);
    });
  });

  describe('query answers conform to the document, for every role that may read them', () => {
    let staff: Person;
    let admin: Person;
    let mentor: Person; // Lou: disability-friendly, mentors Ana
    let fullMentor: Person; // Max: capacity 1, mentors Fay: full (R9)
    let student: Person; // Ana: apprenticeship (tutor-1, company acme), registered disability
    let tutor: Person;
    let funder: Person;
    let auditor: Person;
    let analyst: Person;
    let studentId = '';
    let waiting = ''; // Wes: social programme, no mentor yet
    let position = '';

    async function created(who: Person, url: string, body?: unknown): Promise<Record<string, any>> {
      const answer = await post(t, who, url, body);
      expect({ url, ...outcome(answer) }).toEqual({ url, status: 201, events: expect.any(Array) });
      position = answer.body.position;
      return answer.body;
    }

    /** A query that documents ?waitFor=, read at the last command's position. */
    const read = (who: Person, url: string) => t.request('GET', `${url}${url.includes('?') ? '&' : '?'}waitFor=${position}`, { token: who.token });
    const readPlain = (who: Person, url: string, headers?: Record<string, string>) => t.request('GET', url, { token: who.token, headers });

    beforeAll(async () => {
      staff = await person(t, 'staff', 'staff-9');
      admin = await person(t, 'admin', 'admin-9');
      tutor = await person(t, 'tutor', 'tutor-1');
      funder = await person(t, 'funder', 'acme');
      auditor = await person(t, 'auditor', 'auditor-9');
      analyst = await person(t, 'analyst', 'analyst-9');
      const lou = await created(staff, '/mentors', mentorBody({ name: 'Lou Reyes', email: 'lou@mentors.example', disabilityFriendly: true, disabilityTrainingCompletedOn: '2026-01-15' }));
      mentor = await person(t, 'mentor', lou.mentorId);
      fullMentor = await person(t, 'mentor', (await created(staff, '/mentors', mentorBody({ name: 'Max Full', email: 'max@mentors.example', capacity: 1 }))).mentorId);
      studentId = (await created(staff, '/students', enrolment('apprenticeship', { name: 'Ana Tutored', email: 'ana@students.example', registeredDisability: true }))).studentId;
      student = await person(t, 'student', studentId);
      waiting = (await created(staff, '/students', enrolment('social_programme', { name: 'Wes Waiting', email: 'wes@students.example' }))).studentId;
      const fay = (await created(staff, '/students', enrolment('self_funded', { name: 'Fay Self', email: 'fay@students.example' }))).studentId;
      await created(staff, `/students/${studentId}/assignment`, { mentorId: mentor.actor.id });
      await created(staff, `/students/${fay}/assignment`, { mentorId: fullMentor.actor.id });
      await created(mentor, `/students/${studentId}/internal-comments`, { text: 'Prefers mornings.' });
      await created(mentor, `/students/${studentId}/discovery-session`, { start: '2027-03-03T10:00:00Z' });
    });

    it('GetStudent: 200 for staff, admin, the mentor, the student, the tutor, the funder, the auditor; R7 and R11 fields only where allowed; ETag = revision', async () => {
      const seen: Record<string, string[]> = {};
      for (const [name, who] of Object.entries({ staff, admin, mentor, student, tutor, funder, auditor })) {
        const answer = await read(who, `/students/${studentId}`);
        expect({ name, status: answer.status }).toEqual({ name, status: 200 });
        expectConforms('GetStudent', answer);
        expect(answer.headers.etag).toBe(`"${answer.body.revision}"`);
        seen[name] = ['registeredDisability', 'comments'].filter((key) => key in answer.body);
      }
      expect(seen).toEqual({
        staff: ['registeredDisability', 'comments'],
        admin: ['registeredDisability', 'comments'],
        mentor: ['registeredDisability', 'comments'],
        student: ['registeredDisability'],
        tutor: [],
        funder: [],
        auditor: [],
      });
      const mentorId = mentor.actor.id;
      // Least privilege (issue 10): the tutor sees who, not how to reach them (no e-mails).
      const { tutor: tutorParty, ...fundingOthers } = enrolment('apprenticeship').funding as Record<string, any>;
      expect((await read(tutor, `/students/${studentId}`)).body).toEqual({
        studentId,
        name: 'Ana Tutored',
        trainingPath: 'web-development',
        startDate: '2027-01-04',
        funding: { ...fundingOthers, tutor: { id: tutorParty.id, name: tutorParty.name } },
        attendanceObligatory: true,
        status: 'active',
        mentorId,
        assignedAt: expect.any(String),
        enrolledAt: expect.any(String),
        updatedAt: expect.any(String),
        revision: 3,
        sessions: [{ sessionId: expect.any(String), kind: 'discovery', mentorId, start: '2027-03-03T10:00:00.000Z', end: expect.any(String), status: 'booked', outcome: null }],
        mentor: { mentorId, name: 'Lou Reyes' },
      });
      const staffView = await read(staff, `/students/${studentId}`);
      expect(staffView.body.comments).toEqual([{ commentId: expect.any(String), text: 'Prefers mornings.', authorId: mentorId, authorRole: 'mentor', addedAt: expect.any(String) }]);
      expect(staffView.body.registeredDisability).toBe(true);
    });

    it('GetStudent: a student without a mentor (nulls) and a social programme conform; 404 and 403 are documented problems', async () => {
      const answer = await read(staff, `/students/${waiting}`);
      expectConforms('GetStudent', answer);
      expect(answer.body).toMatchObject({ mentorId: null, assignedAt: null, mentor: null, status: 'awaiting_mentor', sessions: [], comments: [], funding: enrolment('social_programme').funding });
      const hidden = await read(fullMentor, `/students/${studentId}`);
      expect(outcome(hidden)).toEqual({ status: 404, code: 'student_not_found' });
      expectConforms('GetStudent', hidden, 'application/problem+json');
      const closed = await read(analyst, `/students/${studentId}`);
      expect(outcome(closed)).toEqual({ status: 403, code: 'role_not_allowed' });
      expectConforms('GetStudent', closed, 'application/problem+json');
    });

    it('GetMentor: 200 for the mentor, staff, admin, the auditor, with ETag = revision; 404 for another mentor, 403 for a student', async () => {
      for (const [name, who] of Object.entries({ mentor, staff, admin, auditor })) {
        const answer = await read(who, `/mentors/${mentor.actor.id}`);
        expect({ name, status: answer.status }).toEqual({ name, status: 200 });
        expectConforms('GetMentor', answer);
        expect(answer.headers.etag).toBe(`"${answer.body.revision}"`);
      }
      expect((await read(mentor, `/mentors/${mentor.actor.id}`)).body).toEqual({
        mentorId: mentor.actor.id,
        name: 'Lou Reyes',
        email: 'lou@mentors.example',
        trainingPaths: ['web-development'],
        capacity: 5,
        disabilityFriendly: true,
        unavailable: false,
        caseload: [{ studentId, since: expect.any(String), name: 'Ana Tutored', trainingPath: 'web-development', fundingProfile: 'apprenticeship', status: 'active' }],
        remainingCapacity: 4,
        revision: expect.any(Number),
      });
      const hidden = await read(fullMentor, `/mentors/${mentor.actor.id}`);
      expect(outcome(hidden)).toEqual({ status: 404, code: 'mentor_not_found' });
      expectConforms('GetMentor', hidden, 'application/problem+json');
      const closed = await read(student, `/mentors/${mentor.actor.id}`);
      expect(outcome(closed)).toEqual({ status: 403, code: 'role_not_allowed' });
      expectConforms('GetMentor', closed, 'application/problem+json');
    });

    it('ListStudents and ListMentors: pages for staff and admin, a mentor’s own students without e-mails; a next page’s cursor', async () => {
      for (const who of [staff, admin]) {
        const all = await read(who, '/students');
        expect(all.status).toBe(200);
        expectConforms('ListStudents', all);
        expect(all.body.items.every((i: Record<string, unknown>) => typeof i.email === 'string')).toBe(true);
        const page = await read(who, '/students?limit=1');
        expectConforms('ListStudents', page);
        expect(page.body.nextCursor).toEqual(expect.any(String));
        const mentors = await read(who, '/mentors?limit=2');
        expect(mentors.status).toBe(200);
        expectConforms('ListMentors', mentors);
        expect(mentors.body.nextCursor).toEqual(expect.any(String));
      }
      const own = await read(mentor, '/students');
      expectConforms('ListStudents', own);
      expect(own.body).toEqual({
        items: [{ studentId, name: 'Ana Tutored', status: 'active', fundingProfile: 'apprenticeship', trainingPath: 'web-development', mentorId: mentor.actor.id, enrolledAt: expect.any(String) }],
        nextCursor: null,
      });
      const refused = await read(mentor, '/mentors');
      expect(outcome(refused)).toEqual({ status: 403, code: 'role_not_allowed' });
      expectConforms('ListMentors', refused, 'application/problem+json');
    });

    it('GetMentorSuggestions: ranked items without ?explain, and the excluded mentors with ?explain=all (R7, R9, current mentor)', async () => {
      const plain = await read(staff, `/students/${waiting}/mentor-suggestions`);
      expect(plain.status).toBe(200);
      expectConforms('GetMentorSuggestions', plain);
      expect(Object.keys(plain.body).sort()).toEqual(['items', 'studentId']);
      expect(plain.body.items.map((i: { name: string }) => i.name)).toContain('Lou Reyes');
      const explained = await read(admin, `/students/${studentId}/mentor-suggestions?explain=all`);
      expect(explained.status).toBe(200);
      expectConforms('GetMentorSuggestions', explained);
      const excluded = Object.fromEntries(explained.body.excluded.map((e: { name: string; reasons: Array<{ code: string }> }) => [e.name, e.reasons.map((r) => r.code)]));
      expect(excluded['Lou Reyes']).toEqual(['current_mentor']);
      expect(excluded['Max Full']).toEqual(['not_disability_friendly', 'mentor_full']);
      const refused = await read(mentor, `/students/${studentId}/mentor-suggestions`);
      expect(outcome(refused)).toEqual({ status: 403, code: 'role_not_allowed' });
      expectConforms('GetMentorSuggestions', refused, 'application/problem+json');
    });

    it('GetStudentHistory: JSON (with and without asOf) and CSV for the auditor, staff and admin', async () => {
      for (const who of [auditor, staff, admin]) {
        const history = await readPlain(who, `/students/${studentId}/history`);
        expect(history.status).toBe(200);
        expectConforms('GetStudentHistory', history);
        expect(history.body.asOf).toBeNull();
        expect(history.body.assignments.map((e: { kind: string }) => e.kind)).toEqual(['assigned']);
        const asOf = await readPlain(who, `/students/${studentId}/history?asOf=2027-03-01T07:00:00Z`);
        expectConforms('GetStudentHistory', asOf);
        expect(asOf.body.asOf).toEqual({ asOf: '2027-03-01T07:00:00.000Z', status: 'not_enrolled', mentorId: null, revision: -1 });
        for (const csv of [await readPlain(who, `/students/${studentId}/history?format=csv`), await readPlain(who, `/students/${studentId}/history`, { accept: 'text/csv' })]) {
          expect(csv.status).toBe(200);
          expect(String(csv.headers['content-type'])).toContain('text/csv');
          expectConforms('GetStudentHistory', csv, 'text/csv');
          expect(csv.raw.split('\r\n')[0]).toBe(
            'section,studentId,kind,eventType,mentorId,fromMentorId,reason,sessionId,sessionStart,detail,actorId,actorRole,occurredAt,recordedAt,correlationId,causationId,eventId,revision,position',
          );
        }
      }
      const refused = await readPlain(student, `/students/${studentId}/history`);
      expect(outcome(refused)).toEqual({ status: 403, code: 'role_not_allowed' });
      expectConforms('GetStudentHistory', refused, 'application/problem+json');
      const badFormat = await readPlain(auditor, `/students/${studentId}/history?format=xml`);
      expect(outcome(badFormat)).toEqual({ status: 400, code: 'invalid_query' });
      expect(badFormat.body.field).toBe('format');
    });

    it('GetHealth: the status alone without a token, the details with an admin token, and 503 store_unavailable with Retry-After while the event store is unreachable', async () => {
      const anonymous = await t.request('GET', '/health');
      expect({ status: anonymous.status, body: anonymous.body }).toEqual({ status: 200, body: { status: 'ok' } });
      expectConforms('GetHealth', anonymous);
      const notAdmin = await t.request('GET', '/health', { token: await t.token('staff', 'staff-1') });
      expect(notAdmin.body).toEqual({ status: 'ok' });
      const health = await t.request('GET', '/health', { token: await t.token('admin', 'ops-1') });
      expect(health.status).toBe(200);
      expectConforms('GetHealth', health);
      expect(health.body.projections.length).toBeGreaterThan(0);
      expect(health.body.reactors.length).toBeGreaterThan(0);
      const store = t.eventStore as unknown as { headPosition: () => Promise<unknown> };
      const headPosition = store.headPosition;
      store.headPosition = async () => {
        throw new EventStoreUnavailableError('injected: the event store is failing over');
      };
      try {
        const down = await t.request('GET', '/health');
        expect(outcome(down)).toEqual({ status: 503, code: 'store_unavailable' });
        // The cause stays private: no driver message or host for the public.
        expect(down.body.detail).toBe('A store is unreachable.');
        expect(down.headers['retry-after']).toBe('2');
        expectConforms('GetHealth', down, 'application/problem+json');
      } finally {
        store.headPosition = headPosition;
      }
    });

    it('RebuildProjection: 202 with the stored request for an admin; 403 for staff and 404 for an unknown projection, as problems', async () => {
      const requested = await post(t, admin, '/admin/projections/mentor-caseloads/rebuild');
      expect(requested.status).toBe(202);
      expectConforms('RebuildProjection', requested);
      expect(requested.body).toEqual({ _id: 'mentor-caseloads', state: 'requested', requestedAt: '2027-03-01T08:00:00.000Z', startedAt: null, finishedAt: null, done: 0, total: 0, error: null });
      const refused = await post(t, staff, '/admin/projections/mentor-caseloads/rebuild');
      expect(outcome(refused)).toEqual({ status: 403, code: 'role_not_allowed' });
      expectConforms('RebuildProjection', refused, 'application/problem+json');
      const unknown = await post(t, admin, '/admin/projections/nope/rebuild');
      expect(outcome(unknown)).toEqual({ status: 404, code: 'projection_not_found' });
      expectConforms('RebuildProjection', unknown, 'application/problem+json');
    });
  });
});
