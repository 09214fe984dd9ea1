// The served document says what the server answers: every command documents its 201/200 body (its ids,
// revision, position, events) and headers, and the problems every command may answer (412, 413, 415, 503);
// queries with ?waitFor= document 504; no `accept` header is required; request bodies are closed
// (additionalProperties: false) and integers are integers. Then real commands are sent and their answers
// validated with ajv against the documented schemas, so the document cannot drift from the server for those.
// The document is OpenAPI 3.0 (Nest): its schemas are JSON Schema draft-04-like with `nullable`, which ajv's
// default (draft-07) dialect understands.
import Ajv, { ValidateFunction } from 'ajv';
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
  let ajv: Ajv;

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
    ajv = new Ajv({ strict: false, allErrors: true });
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
    it('has the 28 commands', () => {
      expect(commands.length).toBe(28);
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
          expect(schema.properties.position).toMatchObject({ type: 'string', nullable: true });
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
      for (const { method, path, operation } of operations) {
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
});
