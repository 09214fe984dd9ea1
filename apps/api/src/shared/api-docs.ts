// OpenAPI decorators shared by the use cases: the command conventions (ETag, If-Match,
// Idempotency-Key) and the problem answers, declared once.
import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, OpenAPIObject } from '@nestjs/swagger';

type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

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

const problem = (status: number, description: string) =>
  ApiResponse({ status, description: `${description} (application/problem+json)`, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

/** A command endpoint: `operationId` is the command's name. */
export function CommandEndpoint(name: string, summary: string, refusals: Record<number, string> = {}) {
  return applyDecorators(
    ApiOperation({ operationId: name, summary }),
    ApiBearerAuth(),
    ApiHeader({ name: 'If-Match', required: false, description: 'The ETag (stream revision) the client last saw; 412 if it moved on.' }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe key: a retry returns the first answer and appends nothing.' }),
    ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Written into the events’ metadata; generated when absent.' }),
    ApiResponse({ status: 201, description: 'Events appended. ETag: stream revision; X-Global-Position: log position.' }),
    ApiResponse({ status: 200, description: 'Nothing to do (already in that state); nothing appended.' }),
    problem(400, 'Malformed or invalid request'),
    problem(401, 'Missing or invalid bearer token'),
    ...Object.entries(refusals).map(([status, description]) => problem(Number(status), description)),
  );
}

/** A query endpoint: `operationId` is `Get<Thing>`. */
export function QueryEndpoint(name: string, summary: string) {
  return applyDecorators(ApiOperation({ operationId: name, summary }), ApiBearerAuth(), problem(401, 'Missing or invalid bearer token'), problem(404, 'Not found'));
}
