// A property-based fuzzer over every operation of the served OpenAPI document (issue 10): requests with
// hostile path ids, bodies generated from the request schemas and then mutated (wrong types, missing and
// extra fields, huge strings, deep nesting, prototype-pollution keys, malformed JSON), garbage headers and
// query strings, and tokens of every role for their own and others' subjects, against a little real data.
// Properties, each its own test so that the report lists every finding at once:
// - never a 5xx;
// - every 4xx is application/problem+json with a string `code`;
// - a refused (4xx) request appends nothing (the store's event count is unchanged);
// - every answer conforms to the served document (startTestApp checks it; ContractViolations are collected);
// - nothing pollutes Object.prototype.
// Reproducible: a fixed seed, printed; FUZZ_SEED and FUZZ_RUNS override it and the number of requests.
import fc from 'fast-check';
import type { EventStore } from '@mentoring/event-store';
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { outcome, Person, person, post, TestClock } from './support/commands';
import { reactionsSettled } from './support/reactors';
import { ContractViolation } from './support/openapi-validator';
import { fillPath, operationsOf, pathParameterNames, propertiesOf, sampleOf, servedSpec, SpecOperation } from './support/spec-operations';

const SEED = Number(process.env.FUZZ_SEED ?? 20_101);
const RUNS = Number(process.env.FUZZ_RUNS ?? 4_000);
const ROLES = ['staff', 'admin', 'student', 'mentor', 'tutor', 'funder', 'auditor', 'analyst'] as const;
type Role = (typeof ROLES)[number];

/** Used as they are in a path: dot segments, NUL, encoded slashes, invalid percent-encodings and UTF-8. */
const RAW_PATH_IDS = ['', '.', '..', '%2e%2e', '..%2F..%2Fetc%2Fpasswd', '%00', 'a%00b', '%2F', '%ZZ', '%', '%c3%28', '%ff', '%E2%80%AE', '%7B%22%24gt%22%3A%22%22%7D'];
/** Percent-encoded before use. */
const HOSTILE_TEXT = [
  '{"$gt":""}',
  '{"$ne":null}',
  '{"$where":"sleep(1000)"}',
  "' OR '1'='1",
  '1; DROP TABLE events;--',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '🙂',
  'Ünïcödé 名前',
  '\u202eevil',
  '\u0000',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '9'.repeat(40),
  ' ',
  'a b',
  'a/b',
  'a?b=c',
  'a#b',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  'x'.repeat(300),
  'x'.repeat(5000),
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-16',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/problem+json',
  'application/merge-patch+json',
  'application/json, text/plain',
  ';',
  '',
];
const MALFORMED_JSON = ['{', '{"a":}', '{"a":1,}', "{'a':1}", '[1,2', 'nul', '"unterminated', '\uFEFF{}', '{"a":1}{"b":2}', '{"a":"\\u12"}', '\u0000', 'NaN', '{"a":1e99999}', '{"__proto__":'];
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', '$gt', '$where', 'isAdmin', 'actor', 'role', 'revision', 'events', 'studentId', '', '🙂'];
/** Query parameters no operation has. */
const FOREIGN_QUERY_NAMES = ['__proto__', 'constructor', 'x', '$where', 'limit[$gt]', 'a'.repeat(200), '', '🙂'];
const b64 = (text: string) => Buffer.from(text).toString('base64url');

interface Pools {
  [parameter: string]: string[];
}

interface FuzzCase {
  op: SpecOperation;
  method: string;
  url: string;
  headers: Record<string, string>;
  rawBody?: string;
  /** How the body was made (valid, wrong type, deep, …), to group findings by cause. */
  bodyKind: string;
  who: string;
}

interface Finding {
  kind: string;
  key: string;
  example: string;
  operations: Set<string>;
  count: number;
}

/** Rarely: `arbitrary` with probability 1/`oneIn`, else null. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

describe('fuzzing every operation of the served document', () => {
  const clock = new TestClock('2027-03-01T08:00:00.000Z');
  let t: TestApp;
  let doc: Record<string, any>;
  let operations: SpecOperation[];
  const pools: Pools = {};
  const subjects: Record<Role, string[]> = { staff: ['staff-1'], admin: ['admin-1'], student: [], mentor: [], tutor: ['tutor-1', 'tutor-2'], funder: ['acme', 'globex', 'pub-employment', 'nobody'], auditor: ['auditor-1'], analyst: ['analyst-1'] };
  const tokens = new Map<string, string>();
  const findings = { serverErrors: [] as Finding[], notProblems: [] as Finding[], appendedOnRefusal: [] as Finding[], contract: [] as Finding[], harness: [] as Finding[] };
  const statuses: Record<string, Record<number, number>> = {};
  const codes: Record<string, number> = {};
  let requests = 0;
  let elapsed = 0;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_ENABLED: 'false' }, { clock });
    doc = await servedSpec(t);
    operations = operationsOf(doc);
    const staff = await person(t, 'staff', 'staff-1');
    const created = async (url: string, body: unknown, who: Person = staff) => {
      const answer = await post(t, who, url, body);
      expect({ url, ...outcome(answer) }).toMatchObject({ url, status: 201 });
      return answer.body;
    };
    const mentors: string[] = [];
    for (const [i, name] of ['Ada', 'Bo', 'Cy'].entries()) {
      mentors.push((await created('/mentors', mentorBody({ name, email: `m${i}@mentors.example`, capacity: 20 }))).mentorId);
    }
    const students: string[] = [];
    for (const kind of ['apprenticeship', 'employee', 'social_programme', 'self_funded'] as const) {
      for (const i of [1, 2]) students.push((await created('/students', enrolment(kind, { name: `${kind} ${i}`, email: `${kind}-${i}@students.example` }))).studentId);
    }
    const [apprentice, , employee, , social, , selfFunded] = students;
    await created(`/students/${apprentice}/assignment`, { mentorId: mentors[0] });
    await created(`/students/${selfFunded}/assignment`, { mentorId: mentors[1] });
    await created(`/students/${social}/assignment`, { mentorId: mentors[0] });
    const mentorA = await person(t, 'mentor', mentors[0]);
    const session = (await created(`/students/${apprentice}/discovery-session`, { start: '2027-03-02T10:00:00Z' }, mentorA)).sessionId;
    const followUp = (await created(`/students/${apprentice}/follow-ups`, { reason: 'other', note: 'Needs a laptop' }, mentorA)).followUpId;
    const request = (await created(`/students/${selfFunded}/mentor-change-requests`, { reason: 'Time zone' }, await person(t, 'student', selfFunded))).requestId;
    const unavailability = (await created(`/mentors/${mentors[0]}/unavailabilities`, { from: '2027-07-01T00:00:00Z', to: '2027-07-31T00:00:00Z', reason: 'Holidays' }, mentorA))
      .unavailabilityId;
    await reactionsSettled(t);
    const admin = await person(t, 'admin', 'admin-1');
    const projections = await t.request('GET', '/admin/projections', { token: admin.token });
    const names = JSON.stringify(projections.body ?? {}).match(/"name":"([^"]+)"/g)?.map((m) => m.slice(8, -1)) ?? [];
    subjects.student = students;
    subjects.mentor = mentors;
    Object.assign(pools, {
      studentId: students,
      mentorId: mentors,
      fromMentorId: mentors,
      sessionId: [session],
      followUpId: [followUp],
      requestId: [request],
      unavailabilityId: [unavailability],
      name: names.length > 0 ? names : ['student-profiles'],
      funderId: ['acme', 'globex', 'pub-employment'],
      partyId: ['acme', 'globex', 'tutor-1'],
      id: ['1', '0', 'parked-1'],
      list: ['waiting-students', 'follow-ups', 'attendance-alerts'],
    });
    void employee;
    for (const role of ROLES) for (const sub of [...subjects[role], 'nobody', '🙂', '{"$gt":""}']) tokens.set(`${role}:${sub}`, await t.token(role, sub));
    console.log(`fuzz: seed ${SEED}, ${RUNS} runs over ${operations.length} operations (FUZZ_SEED / FUZZ_RUNS override)`);
  }, 60_000);
  afterAll(() => t?.close());

  /** A value for a path parameter: mostly a real id of its kind, else hostile. */
  const pathValue = (name: string): fc.Arbitrary<string> =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...(pools[name] ?? ['x'])) },
      { weight: 1, arbitrary: fc.constantFrom(...(Object.values(pools).flat() as string[])) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_IDS) },
      { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_TEXT).map(encodeURIComponent) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent) },
    );

  /** A value for a query parameter from its schema, or garbage. */
  const queryValue = (name: string, schema: Record<string, any>): fc.Arbitrary<string> => {
    if (name === 'waitFor') {
      // Small positions and garbage only: a position beyond the head waits 5 s by design (then 504).
      return fc.constantFrom('', 'abc', '-1', '0', '1', '1.2', 'null', '{"$gt":""}', '💥', '%00', ' 1', '0x1');
    }
    const fromSchema: string[] = [
      ...(schema.enum ?? []).map(String),
      ...(schema.type === 'integer' || schema.type === 'number' ? ['0', '1', '-1', '1.5', '200', '201', '1e3', '99999999999999999999', 'abc'] : []),
      ...(schema.type === 'boolean' ? ['true', 'false', 'TRUE', '1', 'yes'] : []),
      ...(pools[name] ?? []),
    ];
    const hostile = [
      ...HOSTILE_TEXT,
      '2027-03-01',
      '2027-03-01T00:00:00Z',
      '2027-02-30',
      '9999-99-99T99:99:99Z',
      'csv',
      'json',
      'xml',
      'all',
      b64('{"$gt":""}'),
      b64('{"__proto__":{"polluted":true}}'),
      b64('{"after":["x",{"$ne":null}]}'),
      b64('['.repeat(300) + ']'.repeat(300)),
      'x'.repeat(10_000),
    ];
    return fc.oneof(
      { weight: 3, arbitrary: fromSchema.length > 0 ? fc.constantFrom(...fromSchema) : fc.constantFrom('x') },
      { weight: 2, arbitrary: fc.constantFrom(...hostile) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    );
  };

  const queryOf = (op: SpecOperation): fc.Arbitrary<string> => {
    const params = op.parameters.filter((p) => p.in === 'query');
    const pairs = fc.array(
      fc.oneof(
        ...(params.length > 0 ? [{ weight: 5, arbitrary: fc.constantFrom(...params).chain((p) => queryValue(p.name, p.schema).map((v) => [p.name, v] as const)) }] : []),
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FOREIGN_QUERY_NAMES), queryValue('x', {})) },
      ),
      { maxLength: 4 },
    );
    return fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 2, arbitrary: pairs.map((ps) => (ps.length === 0 ? '' : '?' + ps.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'))) });
  };

  /** A body that validates against the schema, with real ids where it names some. */
  const validBody = (op: SpecOperation): fc.Arbitrary<Record<string, unknown>> => {
    const base = (op.requestExample ?? sampleOf(doc, op.requestSchema ?? {})) as Record<string, unknown>;
    const idFields = Object.keys(base && typeof base === 'object' ? base : {}).filter((k) => /Id$/.test(k) && pools[k]);
    return fc.tuple(...idFields.map((k) => fc.constantFrom(...pools[k]))).map((ids) => {
      const body = structuredClone(base && typeof base === 'object' ? base : {});
      idFields.forEach((k, i) => (body[k] = ids[i]));
      if (op.operationId === 'EnrolStudent' || op.operationId === 'RegisterMentor') body.email = `fuzz-${Math.abs(hash(JSON.stringify(ids)))}@example.com`;
      return body;
    });
  };

  const deep = (depth: number, kind: 'array' | 'object') => (kind === 'array' ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

  /** A raw request body (text undefined: no body), labelled with how it was made. */
  const bodyOf = (op: SpecOperation): fc.Arbitrary<{ kind: string; text: string | undefined }> => {
    const fields = Object.keys(propertiesOf(doc, op.requestSchema));
    const valid = validBody(op);
    const field = fields.length > 0 ? fc.constantFrom(...fields) : fc.constant('x');
    const wrongValue = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.string({ maxLength: 5 }), fc.double(), fc.constant([1, 'a', null]));
    const labelled = (kind: string, weight: number, arbitrary: fc.Arbitrary<string | undefined>) => ({ weight, arbitrary: arbitrary.map((text) => ({ kind, text })) });
    return fc.oneof(
      labelled('valid', 6, valid.map((b) => JSON.stringify(b))),
      labelled('wrong type', 2, fc.tuple(valid, field, wrongValue).map(([b, f, v]) => JSON.stringify({ ...b, [f]: v }))),
      labelled('missing field', 1, fc.tuple(valid, field).map(([b, f]) => (delete b[f], JSON.stringify(b)))),
      labelled(
        'extra field',
        2,
        fc
          .tuple(valid, fc.constantFrom(...POLLUTION_KEYS), fc.jsonValue({ maxDepth: 3 }))
          .map(([b, k, v]) => JSON.stringify(b).replace(/^\{/, `{${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'},`).replace(/,\}$/, '}')),
      ),
      labelled(
        'prototype pollution',
        1,
        valid.map((b) =>
          JSON.stringify(b)
            .replace(/^\{/, '{"__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}},')
            .replace(/,\}$/, '}'),
        ),
      ),
      labelled('huge string', 1, fc.tuple(valid, field, fc.integer({ min: 1_000, max: 150_000 })).map(([b, f, n]) => JSON.stringify({ ...b, [f]: 'x'.repeat(n) }))),
      labelled(
        'deep nesting',
        2,
        fc
          .tuple(valid, fc.constantFrom(...fields, '__whole__'), fc.integer({ min: 20, max: 400 }), fc.constantFrom('array' as const, 'object' as const))
          .map(([b, f, depth, kind]) => (f === '__whole__' ? deep(depth, kind) : JSON.stringify({ ...b, [f]: 0 }).replace(`${JSON.stringify(f)}:0`, `${JSON.stringify(f)}:${deep(depth, kind)}`))),
      ),
      labelled('not an object', 1, fc.constantFrom('[]', '"text"', '1', 'null', 'true', '[{}]')),
      labelled('malformed JSON', 1, fc.constantFrom(...MALFORMED_JSON)),
      labelled('random JSON', 1, fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null')),
      labelled('no body', 1, fc.constant(undefined)),
      labelled('empty body', 1, fc.constant('')),
    );
  };

  const headerGarbage = fc.oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
    fc.constantFrom('', ' ', 'x'.repeat(300), 'x'.repeat(9000), '🙂', 'Ünïcödé', '../../etc/passwd', '{"$gt":""}', 'null', '\t', 'a,b', '*'),
  );

  const caseOf = (op: SpecOperation): fc.Arbitrary<FuzzCase> => {
    const names = pathParameterNames(op.template);
    const isCommand = op.method !== 'GET';
    return fc
      .record({
        path: fc.tuple(...names.map(pathValue)),
        query: queryOf(op),
        body: isCommand
          ? bodyOf(op)
          : fc.oneof(
              { weight: 9, arbitrary: fc.constant({ kind: 'no body', text: undefined as string | undefined }) },
              { weight: 1, arbitrary: fc.constantFrom({ kind: 'body on a read', text: '{"a":1}' }, { kind: 'deep nesting on a read', text: deep(300, 'array') }) },
            ),
        contentType: fc.oneof({ weight: 12, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(undefined) }),
        ifMatch: sometimes(fc.oneof(fc.constantFrom('"0"', '"1"', '"5"', '*', 'W/"1"', '"abc"', '"-1"', '""', '"1e3"', '"99999999999999999999999"', '1', '"1", "2"'), headerGarbage), 6),
        idempotencyKey: sometimes(fc.oneof(fc.uuid(), fc.uuid(), headerGarbage), 5),
        correlationId: sometimes(fc.oneof(fc.uuid(), headerGarbage), 6),
        accept: sometimes(fc.constantFrom('text/csv', 'application/json', '*/*', 'application/xml', 'text/csv;q=0.1, application/json', 'garbage'), 4),
        auth: fc.oneof(
          { weight: 16, arbitrary: fc.constantFrom(...ROLES).chain((role) => fc.constantFrom(...[...subjects[role], 'nobody', '🙂', '{"$gt":""}']).map((sub) => ({ role, sub }))) },
          { weight: 1, arbitrary: fc.constantFrom({ raw: '' }, { raw: 'Bearer' }, { raw: 'Bearer x.y.z' }, { raw: 'Basic YWRtaW46YWRtaW4=' }, { raw: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.' }) },
          { weight: 1, arbitrary: fc.constant({ none: true }) },
        ),
        otherMethod: sometimes(fc.constantFrom('PUT', 'PATCH', 'DELETE', isCommand ? 'GET' : 'POST'), 40),
      })
      .map((c) => {
        const headers: Record<string, string> = {};
        let who = 'anonymous';
        if ('role' in c.auth) {
          headers.authorization = `Bearer ${tokens.get(`${c.auth.role}:${c.auth.sub}`)}`;
          who = `${c.auth.role}:${c.auth.sub}`;
        } else if ('raw' in c.auth) {
          headers.authorization = c.auth.raw;
          who = `authorization "${c.auth.raw.slice(0, 20)}"`;
        }
        if (c.body.text !== undefined && c.contentType !== undefined) headers['content-type'] = c.contentType;
        if (c.ifMatch !== null) headers['if-match'] = c.ifMatch;
        if (c.idempotencyKey !== null) headers['idempotency-key'] = c.idempotencyKey;
        if (c.correlationId !== null) headers['x-correlation-id'] = c.correlationId;
        if (c.accept !== null) headers.accept = c.accept;
        const values = Object.fromEntries(names.map((n, i) => [n, c.path[i]]));
        // Dot segments are resolved as any HTTP client and the injector resolve them (`/students/./x` is `/students/x`).
        const resolved = new URL(fillPath(op.template, values) + c.query, 'http://fuzz.invalid');
        return { op, method: c.otherMethod ?? op.method, url: resolved.pathname + resolved.search, headers, rawBody: c.body.text, bodyKind: c.body.kind, who };
      });
  };

  /** One finding per key (its cause), with the first example and every operation that showed it. */
  const record = (list: Finding[], kind: string, key: string, c: FuzzCase, detail: string) => {
    const known = list.find((f) => f.key === key);
    if (known) {
      known.operations.add(c.op.operationId);
      known.count++;
      return;
    }
    const body = c.rawBody === undefined ? 'no body' : `${c.bodyKind} body(${c.rawBody.length}) ${c.rawBody.slice(0, 160)}`;
    list.push({
      kind,
      key,
      operations: new Set([c.op.operationId]),
      count: 1,
      example: `${c.method} ${c.url.slice(0, 200)} as ${c.who} headers ${JSON.stringify(c.headers).replace(/Bearer [\w.-]+/g, 'Bearer …').slice(0, 300)} ${body} → ${detail.slice(0, 500)}`,
    });
  };

  /** A refused read of sensitive data appends its access-log entry (issue 11, README "Who read what"), and nothing else. */
  const onlyRefusedReadEntries = async (after: Awaited<ReturnType<EventStore['headPosition']>>) =>
    (await t.eventStore.readAll({ after: after ?? undefined })).every((e) => e.type === 'SensitiveDataRead' && (e.data as { outcome?: string }).outcome === 'refused');

  it(`sends ${RUNS} generated requests (seed ${SEED})`, async () => {
    const started = Date.now();
    const arbitrary = fc.constantFrom(...operations).chain(caseOf);
    await fc.assert(
      fc.asyncProperty(arbitrary, async (c) => {
        requests++;
        const before = await t.eventStore.countAfter();
        const headBefore = await t.eventStore.headPosition();
        let status: number;
        let contentType = '';
        let body: any;
        let raw = '';
        try {
          const answer = await t.request(c.method, c.url, { headers: c.headers, rawBody: c.rawBody });
          status = answer.status;
          contentType = String(answer.headers['content-type'] ?? '');
          body = answer.body;
          raw = answer.raw;
        } catch (error) {
          if (!(error instanceof ContractViolation)) {
            record(findings.harness, 'harness', `${c.op.operationId} ${(error as Error).message.slice(0, 80)}`, c, String((error as Error).stack).slice(0, 400));
            return;
          }
          const m = /\((\S+), (\d{3})\) does not match/.exec(error.message);
          status = m ? Number(m[2]) : 0;
          body = { code: /"code":"([^"]+)"/.exec(error.message)?.[1] };
          const problems = error.message
            .split('\n')
            .filter((line) => line.startsWith('  - '))
            .map((line) => line.slice(4).replace(/\(documented: [^)]*\)/, '').replace(/\{.*\}$/, '').trim())
            // The fuzzer adds parameters no operation has (`?__proto__=…`); a server ignoring them is no drift.
            .filter((problem) => !/^query parameter (.*) was accepted but is not documented$/.test(problem) || !FOREIGN_QUERY_NAMES.includes(/^query parameter (.*) was/.exec(problem)![1]));
          const counted = () => {
            (statuses[c.op.operationId] ??= {})[status] = (statuses[c.op.operationId]?.[status] ?? 0) + 1;
          };
          if (problems.length === 0) {
            // Only undocumented parameters the fuzzer made up: not a finding, and the answer was a 2xx.
            counted();
            if ((await t.eventStore.countAfter()) !== before) await reactionsSettled(t);
            return;
          }
          const code = /"code":"([^"]+)"/.exec(error.message)?.[1] ?? '';
          record(findings.contract, 'contract', `${status} ${code}: ${problems.join('; ').slice(0, 200)}`, c, error.message.slice(error.message.indexOf('\n') + 1));
          contentType = 'unknown';
        }
        (statuses[c.op.operationId] ??= {})[status] = (statuses[c.op.operationId]?.[status] ?? 0) + 1;
        codes[`${status} ${body?.code ?? ''}`] = (codes[`${status} ${body?.code ?? ''}`] ?? 0) + 1;
        const after = await t.eventStore.countAfter();
        const detail = `${status} ${contentType} ${raw.slice(0, 300)}`;
        if (status >= 500) record(findings.serverErrors, '5xx', `${status} ${body?.code ?? ''} with ${c.bodyKind}`, c, detail);
        if (status >= 400 && status < 500 && contentType !== 'unknown') {
          if (!contentType.startsWith('application/problem+json') || typeof body?.code !== 'string') {
            record(findings.notProblems, 'not problem+json', `${status} ${contentType.split(';')[0] || '(no content type)'} code ${typeof body?.code === 'string' ? body.code : typeof body?.code}`, c, detail);
          }
        }
        if (status >= 400 && status < 500 && after !== before && !(await onlyRefusedReadEntries(headBefore))) {
          record(findings.appendedOnRefusal, 'appended on refusal', `${c.op.operationId} ${status} ${body?.code ?? ''}`, c, `${detail} (${after - before} events appended)`);
        }
        if (after !== before) await reactionsSettled(t);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    elapsed = Date.now() - started;
    const health = await t.request('GET', '/health');
    expect(health.status).toBe(200);
    const summary = Object.entries(statuses)
      .map(([op, byStatus]) => `${op}: ${Object.entries(byStatus).map(([s, n]) => `${s}×${n}`).join(' ')}`)
      .join('\n');
    const byCode = Object.entries(codes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k}×${n}`)
      .join(', ');
    console.log(`fuzz: ${requests} requests in ${(elapsed / 1000).toFixed(1)} s (seed ${SEED})\n${summary}\n${byCode}`);
  }, 240_000);

  const report = (list: Finding[]) =>
    list.map((f) => `[${f.kind}] ${f.key} (${f.count}×, in ${[...f.operations].sort().join(', ')})\n    e.g. ${f.example}`);

  it('covered every operation of the document', () => {
    expect(operations.filter((op) => !statuses[op.operationId]).map((op) => op.operationId)).toEqual([]);
  });
  it('never answers a 5xx', () => expect(report(findings.serverErrors)).toEqual([]));
  it('answers every 4xx with application/problem+json and a string code', () => expect(report(findings.notProblems)).toEqual([]));
  it('appends nothing on a refusal (4xx)', () => expect(report(findings.appendedOnRefusal)).toEqual([]));
  it('answers as the served document says (no ContractViolation)', () => expect(report(findings.contract)).toEqual([]));
  it('could send every generated request', () => expect(report(findings.harness)).toEqual([]));
  it('leaves Object.prototype unpolluted', () => {
    const probe: Record<string, unknown> = {};
    expect({ polluted: probe.polluted, isAdmin: probe.isAdmin, keys: Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN_PROTOTYPE_KEYS.has(k)) }).toEqual({
      polluted: undefined,
      isAdmin: undefined,
      keys: [],
    });
  });
});

const BUILTIN_PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}
