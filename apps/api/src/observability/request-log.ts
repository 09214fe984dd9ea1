// One JSON line per request, written when the answer is sent (Fastify's onResponse), and its duration in
// the metrics: method, route template, operationId (from the OpenAPI document), status, durationMs,
// correlationId, the actor's id and role. Never the URL (a query may hold a name), a body or a header.
// A client's error (4xx) is an info line with its code; an expected 5xx (503 store_unavailable, 504
// projection_not_caught_up) a warn line without a stack; any other 5xx an error line with the stack.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Metrics, PinoLogger } from '@mentoring/config';
import type { Actor } from '@mentoring/event-store';
import type { Problem } from '../http/problem';
import type { WithCorrelationId } from '../shared/command-context';

const PROBLEM = Symbol('problem');

type Observed = FastifyRequest & WithCorrelationId & { actor?: Actor; [PROBLEM]?: { problem: Problem; error: unknown; detail?: string } };

/** Called by sendProblem: the request line carries the problem (and, for a 5xx, the error). */
export function noteProblem(request: FastifyRequest, problem: Problem, error: unknown, detail?: string): void {
  (request as Observed)[PROBLEM] = { problem, error, detail };
}

/** Statuses of a refused command (a decider's rule, a missing resource, a lost race, If-Match). */
const REFUSALS = new Set([403, 404, 409, 412, 422]);
/** 5xx answers that are outcomes the client is told how to handle, not bugs. */
const EXPECTED_5XX = new Set(['store_unavailable', 'projection_not_caught_up']);

/** `GET /students/:studentId` (Fastify's route) → operationId, from the document's paths. */
export function operationIndex(document: OpenAPIObject): Map<string, string> {
  const index = new Map<string, string>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item as Record<string, { operationId?: string }>)) {
      if (typeof operation?.operationId !== 'string') continue;
      index.set(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`, operation.operationId);
    }
  }
  return index;
}

export function useRequestLog(fastify: FastifyInstance, logger: PinoLogger, metrics: Metrics, operations: Map<string, string>): void {
  const log = logger.child({ context: 'HTTP' });
  fastify.addHook('onResponse', (request: Observed, reply: FastifyReply, done) => {
    const route = request.routeOptions?.url ?? null;
    const method = request.method;
    const status = reply.statusCode;
    const operationId = route ? (operations.get(`${method} ${route}`) ?? operations.get(`${method} ${route.replace(/\/$/, '')}`) ?? null) : null;
    metrics.httpDuration.observe({ operationId: operationId ?? 'none', method, status: String(status) }, reply.elapsedTime / 1000);
    const noted = request[PROBLEM];
    if (noted && method === 'POST' && REFUSALS.has(status)) metrics.commandsRefused.inc({ code: noted.problem.code });
    const line: Record<string, unknown> = {
      method,
      route,
      operationId,
      status,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
      correlationId: request.correlationId ?? null,
      actor: request.actor ? { id: request.actor.id, role: request.actor.role } : null,
    };
    if (noted) line.code = noted.problem.code;
    const message = `${method} ${route ?? '(no route)'} ${status}`;
    if (status < 500) log.info(line, message);
    else if (noted && EXPECTED_5XX.has(noted.problem.code)) log.warn({ ...line, ...(noted.detail ? { detail: noted.detail } : {}) }, message);
    else log.error({ ...line, err: noted?.error instanceof Error ? noted.error : undefined }, message);
    done();
  });
}
