// OpenAPI decorators shared by the use cases: the command conventions (ETag, If-Match,
// Idempotency-Key) and the problem answers, declared once.
import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';

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
