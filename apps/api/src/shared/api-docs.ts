// OpenAPI decorators shared by the use cases: the command conventions (ETag, If-Match,
// Idempotency-Key) and the problem answers, declared once.
import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, OpenAPIObject } from '@nestjs/swagger';

export type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

/**
 * `#/components/schemas/Problem`, which every error answer references: RFC 9457 problem details with
 * the stable `code` clients switch on, and `errors` (one entry per invalid field) on `validation_failed`.
 * Added to the document's components in bootstrap.ts.
 */
export const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json). Other members may appear, depending on `code`.',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'Identifies the kind of problem', example: 'https://mentoring.example/problems/validation-failed' },
    title: { type: 'string', description: 'Short summary of the status', example: 'Bad Request' },
    status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status', example: 400 },
    detail: { type: 'string', description: 'What went wrong with this request', example: 'The request body is not valid.' },
    instance: { type: 'string', description: 'The request path', example: '/students' },
    code: { type: 'string', description: 'Stable machine-readable code (see the README’s error table)', example: 'validation_failed' },
    errors: {
      type: 'array',
      description: 'On `validation_failed`: the invalid fields, each with its problems',
      items: {
        type: 'object',
        required: ['field', 'problems'],
        properties: {
          field: { type: 'string', example: 'funding.endDate' },
          problems: { type: 'array', items: { type: 'string' }, example: ['endDate must be a valid ISO 8601 date string'] },
        },
      },
    },
  },
  additionalProperties: true,
};

const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

const problem = (status: number, description: string) => ApiResponse({ status, description: `${description} (application/problem+json)`, content: PROBLEM_CONTENT });

/** What a command answers besides its ids: the stream revision, the log position, the events appended. */
export interface CommandAnswerDoc {
  /** The ids in the answer's body, in order (e.g. `studentId`, `sessionId`): what `answerCommand` is given. */
  ids: string[];
  /** On a creation: the `Location` of the new resource, e.g. `/students/{studentId}`. */
  location?: string;
}

/** The body of a command's 201/200 answer, as `answerCommand` (command-response.ts) builds it. */
export function commandAnswerSchema(ids: string[]): SchemaObject {
  return {
    type: 'object',
    required: [...ids, 'revision', 'position', 'events'],
    properties: {
      ...Object.fromEntries(ids.map((id) => [id, { type: 'string', description: `The ${id.replace(/Id$/, '')}'s id`, example: `${id.replace(/Id$/, '')}-1` }])),
      revision: { type: 'integer', description: 'The stream’s revision after the command (also the ETag): send it back as If-Match', example: 0 },
      position: {
        type: 'string',
        nullable: true,
        pattern: '^[0-9]+(\\.[0-9]+)?$',
        description: 'The log position reached (also X-Global-Position; `commit` or `commit.prepare`): pass it as ?waitFor= to read your own write. null when nothing was appended.',
        example: '42',
      },
      events: { type: 'array', items: { type: 'string' }, description: 'The types of the events appended, in order (empty on 200)', example: ['StudentEnrolled'] },
    },
    additionalProperties: false,
  };
}

const header = (description: string, example: string) => ({ description, schema: { type: 'string' as const, example } });

function commandHeaders(created: boolean, location?: string) {
  return {
    ETag: header('The stream’s revision, quoted: send it back as If-Match', '"0"'),
    ...(created ? { 'X-Global-Position': header('The log position reached: pass it as ?waitFor= to a query', '42') } : {}),
    ...(location ? { Location: header(`The new resource (${location})`, location) } : {}),
    'Idempotent-Replayed': header('`true` when this is the stored answer to an earlier request with the same Idempotency-Key', 'true'),
  };
}

/** 503 store_unavailable: a store is unreachable or failing over; `Retry-After` says when to retry. Every operation may answer it. */
export const STORE_UNAVAILABLE_RESPONSE = {
  description: 'store_unavailable: a store is unreachable or failing over; retry after Retry-After seconds (application/problem+json)',
  headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', example: 2 } } },
  content: PROBLEM_CONTENT,
};

/** 503 of the reports that read a read model's newer structures: store_unavailable, or read_model_upgrading while it is rebuilt. */
export const READ_MODEL_UPGRADING_RESPONSE = {
  ...STORE_UNAVAILABLE_RESPONSE,
  description:
    'store_unavailable: a store is unreachable or failing over; read_model_upgrading: the read model is rebuilt after an upgrade (minutes); retry after Retry-After seconds (application/problem+json)',
};

/** 500 internal_error: a fault of the server (never a client's error); logged at ERROR with the request's correlation id. */
export const INTERNAL_ERROR_RESPONSE = {
  description: 'internal_error: an unexpected fault of the server, logged; not the client’s doing (application/problem+json)',
  content: PROBLEM_CONTENT,
};

/** 504 projection_not_caught_up: `?waitFor=` was not reached by the read model within 5 s. */
export const NOT_CAUGHT_UP_RESPONSE = {
  description: 'projection_not_caught_up: the read model did not reach ?waitFor= within 5 s (application/problem+json)',
  content: PROBLEM_CONTENT,
};

/** A command endpoint: `operationId` is the command's name; `answer` names the ids its 201/200 body carries. */
export function CommandEndpoint(name: string, summary: string, refusals: Record<number, string>, answer: CommandAnswerDoc) {
  const body = { 'application/json': { schema: commandAnswerSchema(answer.ids) } };
  return applyDecorators(
    ApiOperation({ operationId: name, summary }),
    ApiBearerAuth(),
    ApiHeader({ name: 'If-Match', required: false, description: 'The ETag (stream revision) the client last saw; 412 if it moved on.' }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe key: a retry returns the first answer and appends nothing.' }),
    ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Written into the events’ metadata; generated when absent.' }),
    ApiResponse({ status: 201, description: 'Events appended. ETag: stream revision; X-Global-Position: log position.', headers: commandHeaders(true, answer.location), content: body }),
    ApiResponse({ status: 200, description: 'Nothing to do (already in that state); nothing appended.', headers: commandHeaders(false), content: body }),
    problem(400, 'Malformed or invalid request'),
    problem(401, 'Missing or invalid bearer token'),
    ...Object.entries(refusals).map(([status, description]) => problem(Number(status), description)),
    ...(refusals[412] ? [] : [problem(412, 'revision_mismatch: If-Match does not name the stream’s current revision')]),
    problem(413, 'body_too_large: the body is over the size limit (BODY_LIMIT_BYTES)'),
    problem(415, 'unsupported_media_type: send application/json'),
    ApiResponse({ status: 503, ...STORE_UNAVAILABLE_RESPONSE }),
  );
}

/** What a query answers on success, for the document. */
export interface QueryAnswerDoc {
  /** The 200 body (application/json). Write 3.0-style `nullable: true`; the document is converted to 3.1 in one place. */
  json?: SchemaObject;
  /** Also answers `text/csv` with `?format=csv`. */
  csv?: boolean;
  /** Answers `ETag: "<stream revision>"` (reads of a stream-backed resource). */
  etag?: boolean;
  /** Other statuses the query may answer (e.g. `{ 403: 'Only staff' }`), besides 400, 401, 404 and 503. */
  problems?: Record<number, string>;
  /** The 404 description; `false` when the query never answers 404. */
  notFound?: string | false;
  /** Also answers 503 `read_model_upgrading` (with Retry-After) while its read model is rebuilt after an upgrade. */
  upgrading?: boolean;
}

/** A query endpoint: `operationId` is `Get<Thing>` or `List<Things>`. */
export function QueryEndpoint(name: string, summary: string, answer: QueryAnswerDoc = {}) {
  const content: Record<string, { schema: SchemaObject }> = {};
  if (answer.json) content['application/json'] = { schema: answer.json };
  if (answer.csv) content['text/csv'] = { schema: { type: 'string', description: 'RFC 4180 CSV with a header row' } };
  const headers = answer.etag ? { ETag: header('The stream’s revision, quoted (the body’s `revision`): send it back as If-Match', '"3"') } : undefined;
  return applyDecorators(
    ApiOperation({ operationId: name, summary }),
    ApiBearerAuth(),
    ...(Object.keys(content).length > 0 ? [ApiResponse({ status: 200, description: 'OK', ...(headers ? { headers } : {}), content })] : []),
    problem(400, 'Malformed or invalid query parameter'),
    problem(401, 'Missing or invalid bearer token'),
    ...(answer.notFound === false ? [] : [problem(404, answer.notFound ?? 'Not found, or not visible to you')]),
    ...Object.entries(answer.problems ?? {}).map(([status, description]) => problem(Number(status), description)),
    ...(answer.upgrading ? [ApiResponse({ status: 503, ...READ_MODEL_UPGRADING_RESPONSE })] : []),
  );
}

/** The one envelope of every list in the API: a page of items and where the next page starts. */
export function pageSchema(item: SchemaObject, description = 'A page of items'): SchemaObject {
  return {
    type: 'object',
    description,
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: item },
      nextCursor: { type: 'string', nullable: true, description: 'Pass it back as `cursor` for the next page; null on the last page', example: null },
    },
    additionalProperties: false,
  };
}

type Doc = OpenAPIObject;
type AnyObject = Record<string, any>;

/** The HTTP layer's answers that any operation may give (http/rate-limit.ts, correlation-id.ts, json-depth.ts, edge-errors.ts). */
const EDGE_RESPONSES = {
  400: {
    description:
      'Malformed request: invalid_correlation_id (X-Correlation-Id), invalid_url, json_too_deep (body nested deeper than JSON_MAX_DEPTH), malformed_json, … (application/problem+json)',
    content: PROBLEM_CONTENT,
  },
  413: { description: 'body_too_large: the body is over the size limit (BODY_LIMIT_BYTES) (application/problem+json)', content: PROBLEM_CONTENT },
  414: { description: 'uri_too_long: a path segment is over the router’s limit (application/problem+json)', content: PROBLEM_CONTENT },
  415: { description: 'unsupported_media_type: send application/json (application/problem+json)', content: PROBLEM_CONTENT },
  429: {
    description:
      'rate_limited: over RATE_LIMIT_PER_MINUTE for this subject (or address, without a verified token), or over RATE_LIMIT_AUTH_FAILURES_PER_MINUTE failed authentications from this address; retry after Retry-After seconds (application/problem+json)',
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', example: 42 } } },
    content: PROBLEM_CONTENT,
  },
};
const CORRELATION_ID_HEADER = {
  description: 'The request’s correlation id (the one sent, or generated): written into the events’ metadata and the logs',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$', example: 'b5f6f1c2-0d7e-4c57-9a57-3f1f0e8f2a10' },
};

/**
 * Every operation: 400 and 429 documented, 414 with path parameters, 413 and 415 for a POST (whose body is
 * read, with or without a declared one); X-Correlation-Id accepted, and echoed on every answer.
 */
function addEdgeAnswers(operation: AnyObject, path: string, method: string): void {
  operation.responses['400'] ??= EDGE_RESPONSES[400];
  operation.responses['429'] ??= EDGE_RESPONSES[429];
  if (path.includes('{')) operation.responses['414'] ??= EDGE_RESPONSES[414];
  if (method === 'post') {
    operation.responses['413'] ??= EDGE_RESPONSES[413];
    operation.responses['415'] ??= EDGE_RESPONSES[415];
  }
  for (const [status, response] of Object.entries(operation.responses as Record<string, AnyObject>)) {
    if (response.$ref) continue;
    operation.responses[status] = { ...response, headers: { ...response.headers, 'X-Correlation-Id': CORRELATION_ID_HEADER } };
  }
  operation.parameters ??= [];
  if (!operation.parameters.some((p: AnyObject) => p.in === 'header' && String(p.name).toLowerCase() === 'x-correlation-id')) {
    operation.parameters.push({ name: 'X-Correlation-Id', in: 'header', required: false, description: 'Written into the events’ metadata; generated when absent.', schema: CORRELATION_ID_HEADER.schema });
  }
}

/**
 * The pass over the built document for what the decorators cannot say per operation (bootstrap.ts runs it):
 * - every operation may answer 500 internal_error (a fault of ours) and 503 store_unavailable (with Retry-After);
 * - every operation may answer 400 (a malformed correlation id, URL or body) and 429 rate_limited, 414 when it
 *   has path parameters, 413 and 415 when it is a POST; every answer carries X-Correlation-Id;
 * - every operation with a `waitFor` query parameter may answer 504 projection_not_caught_up;
 * - `accept` is never a required header (Nest marks `@Headers('accept')` required; a missing Accept means JSON);
 * - request bodies are closed: the validation pipe refuses unknown fields (forbidNonWhitelisted), so every
 *   object schema reachable from a request body gets `additionalProperties: false` unless it says otherwise.
 */
export function completeTheContract(document: Doc): Doc {
  const schemas: AnyObject = document.components?.schemas ?? {};
  const closed = new Set<unknown>();
  const close = (schema: AnyObject | undefined): void => {
    if (!schema || typeof schema !== 'object' || closed.has(schema)) return;
    closed.add(schema);
    if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/components/schemas/')) close(schemas[schema.$ref.slice('#/components/schemas/'.length)]);
    if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
    Object.values(schema.properties ?? {}).forEach((property) => close(property as AnyObject));
    if (schema.items) close(schema.items);
    for (const key of ['oneOf', 'anyOf', 'allOf']) (schema[key] ?? []).forEach((branch: AnyObject) => close(branch));
  };
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(methods as AnyObject)) {
      if (!['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method)) continue;
      operation.responses ??= {};
      operation.responses['500'] ??= INTERNAL_ERROR_RESPONSE;
      if ((operation.parameters ?? []).some((p: AnyObject) => p.in === 'header' && p.name === 'If-Match')) {
        // Every command is decided on its stream's state: beside its own rules' codes, the state may refuse it
        // (a student or mentor whose personal data was erased, a race lost twice).
        operation.responses['409'] ??= {
          description: 'The current state refuses the command (application/problem+json; `code` says why, e.g. `student_personal_data_erased`, `concurrency_conflict`)',
          content: PROBLEM_CONTENT,
        };
      }
      if (method === 'post') {
        // Every POST goes through the body limit and the JSON-only media type check, documented or not by its decorators.
        operation.responses['413'] ??= { description: 'body_too_large: the body is over the size limit (BODY_LIMIT_BYTES) (application/problem+json)', content: PROBLEM_CONTENT };
        operation.responses['415'] ??= { description: 'unsupported_media_type: send application/json (application/problem+json)', content: PROBLEM_CONTENT };
      }
      operation.responses['503'] ??= STORE_UNAVAILABLE_RESPONSE;
      const parameters: AnyObject[] = operation.parameters ?? [];
      if (parameters.some((p) => p.in === 'query' && p.name === 'waitFor')) operation.responses['504'] ??= NOT_CAUGHT_UP_RESPONSE;
      addEdgeAnswers(operation, path, method);
      for (const p of parameters) if (p.in === 'header' && String(p.name).toLowerCase() === 'accept') p.required = false;
      Object.values(operation.requestBody?.content ?? {}).forEach((media) => close((media as AnyObject).schema));
    }
  }
  return document;
}

/**
 * OpenAPI 3.1 (JSON Schema 2020-12) from the 3.0-style document Nest builds: `nullable: true` becomes a
 * `null` member of the type (or of `anyOf` around a `$ref`), and an `enum` that may be null lists null.
 * Done once here, over the whole document, so decorators and schema files stay in one (3.0) style.
 */
export function toOpenApi31(document: Doc): Doc {
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) return node.forEach(visit);
    const schema = node as AnyObject;
    if (schema.nullable === true) {
      delete schema.nullable;
      if (typeof schema.type === 'string') {
        schema.type = [schema.type, 'null'];
        if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
      } else if (schema.$ref || schema.oneOf || schema.anyOf || schema.allOf) {
        const inner: AnyObject = {};
        for (const key of ['$ref', 'oneOf', 'anyOf', 'allOf', 'discriminator']) {
          if (schema[key] !== undefined) {
            inner[key] = schema[key];
            delete schema[key];
          }
        }
        schema.anyOf = [inner, { type: 'null' }];
      }
    } else if (schema.nullable === false) {
      delete schema.nullable;
    }
    Object.values(schema).forEach(visit);
  };
  visit(document.paths);
  visit(document.components);
  (document as AnyObject).openapi = '3.1.0';
  return document;
}

/** What each tag of the document is about (Swagger UI groups the operations by tag). */
const TAG_DESCRIPTIONS: Record<string, string> = {
  students: 'Enrolment, assignment and change of mentor, sessions, follow-ups and internal comments: commands on a student’s stream, and the student’s views',
  mentors: 'Mentors: registration, capacity, disability-friendliness, unavailabilities; the mentor view and list',
  dashboards: 'The mentor’s and the mentorship team’s dashboards (read models)',
  oversight: 'What tutors, employers, companies and public funders may see of the students they oversee or fund (R2, R4)',
  audit: 'The assignment history of a student, replayed from the event store, for auditors',
  analytics: 'Pseudonymous aggregates for analysts (weekly activity, attendance, mentor load), JSON or CSV',
  admin: 'Operations: projections (status, rebuild), parked events and failed due work',
  health: 'Liveness and readiness of the service',
};

/** An example value built from a schema's own examples (the example of each operation's answers and bodies). */
export function exampleOf(schema: AnyObject | undefined, components: AnyObject, depth = 0): unknown {
  if (!schema || depth > 8) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (typeof schema.$ref === 'string') return exampleOf(components[schema.$ref.split('/').pop() as string], components, depth + 1);
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    if (Array.isArray(schema[key]) && schema[key].length > 0) {
      if (key === 'allOf') return Object.assign({}, ...schema.allOf.map((s: AnyObject) => exampleOf(s, components, depth + 1) ?? {}));
      return exampleOf(schema[key].find((s: AnyObject) => s.type !== 'null') ?? schema[key][0], components, depth + 1);
    }
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  if (type === 'object' || schema.properties) {
    const out: AnyObject = {};
    const required = new Set<string>(schema.required ?? []);
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const value = exampleOf(property as AnyObject, components, depth + 1);
      if (value !== undefined || required.has(name)) out[name] = value ?? null;
    }
    return out;
  }
  if (type === 'array') {
    const item = exampleOf(schema.items, components, depth + 1);
    return item === undefined ? [] : [item];
  }
  if (type === 'string') return schema.format === 'date' ? '2027-03-01' : schema.format === 'date-time' ? '2027-03-01T09:00:00.000Z' : 'string';
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return false;
  return undefined;
}

export interface DocumentContext {
  /** Where the API is served, for `servers` (PUBLIC_BASE_URL; `/` when unset: the document's own origin). */
  serverUrl: string;
}

/**
 * The document-level parts of the contract: `servers`, the license, a description per tag, the security
 * scheme explained (how to get a token), and an example on every request body and success answer that
 * has none, built from the schemas' property examples.
 */
export function describeTheApi(document: Doc, context: DocumentContext): Doc {
  const doc = document as AnyObject;
  doc.servers = [{ url: context.serverUrl, description: 'This deployment' }];
  doc.info.license = { name: 'UNLICENSED (proprietary)', identifier: 'LicenseRef-Proprietary' };
  delete doc.info.contact;
  const used = new Set<string>();
  for (const methods of Object.values(doc.paths ?? {})) for (const operation of Object.values(methods as AnyObject)) (operation as AnyObject).tags?.forEach((t: string) => used.add(t));
  doc.tags = [...used].sort().map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name }));
  const bearer = doc.components?.securitySchemes?.bearer;
  if (bearer) {
    bearer.description =
      'A JWT with `sub` (the caller’s id: a student’s is their studentId, a mentor’s their mentorId) and `role` ' +
      '(student, mentor, staff, tutor, funder, auditor, analyst, admin). In development: `npm run token -- <role> <sub>` ' +
      'prints one signed with the deployment’s key. In production: a token from the school’s identity provider.';
  }
  const components = doc.components?.schemas ?? {};
  const addExamples = (content: AnyObject | undefined) => {
    for (const [media, body] of Object.entries(content ?? {})) {
      const entry = body as AnyObject;
      if (entry.example !== undefined || entry.examples !== undefined || media === 'text/csv') continue;
      const example = exampleOf(entry.schema, components);
      if (example !== undefined) entry.example = example;
    }
  };
  for (const methods of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(methods as AnyObject)) {
      const op = operation as AnyObject;
      addExamples(op.requestBody?.content);
      for (const [status, response] of Object.entries(op.responses ?? {})) if (/^2/.test(status)) addExamples((response as AnyObject).content);
    }
  }
  return document;
}
