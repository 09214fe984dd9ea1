// What every command carries besides its data: who acts, why (correlation), and the HTTP
// preconditions (If-Match, Idempotency-Key).
import { randomUUID } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '@mentoring/event-store';
import { Problem } from '../http/problem';
import type { CommandContext } from '@mentoring/application';

/** Defined with the command glue in libs/application; over HTTP it comes from the request (below). */
export type { CommandContext } from '@mentoring/application';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
/** What an `X-Correlation-Id` may be: it is stored in every event's metadata, for ever. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's correlation id, once the HTTP layer has checked or generated it (http/correlation-id.ts). */
export type WithCorrelationId = { correlationId?: string };

/** `X-Correlation-Id` as sent; undefined when absent; 400 invalid_correlation_id when malformed. */
export function parseCorrelationId(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!CORRELATION_ID.test(header)) {
    throw new Problem(400, 'invalid_correlation_id', 'Bad Request', 'X-Correlation-Id must be 1–128 characters among A-Z a-z 0-9 . _ : -.');
  }
  return header;
}

export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match) {
    throw new Problem(400, 'invalid_if_match', 'Bad Request', 'If-Match must be an ETag returned by this API, e.g. "3".');
  }
  return Number(match[1]);
}

export function parseIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new Problem(400, 'invalid_idempotency_key', 'Bad Request', 'Idempotency-Key must be 1–128 visible ASCII characters.');
  }
  return header;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The correlation id the HTTP layer settled for the request (checked header, or generated). */
export function correlationIdOf(request: FastifyRequest & WithCorrelationId): string {
  return (request.correlationId ??= parseCorrelationId(header(request, 'x-correlation-id')) ?? randomUUID());
}

export function commandContextOf(request: FastifyRequest & { actor?: Actor } & WithCorrelationId): CommandContext {
  if (!request.actor) throw new Problem(401, 'unauthenticated', 'Unauthorized', 'A bearer token is required.');
  const correlationId = correlationIdOf(request);
  return {
    actor: request.actor,
    correlationId,
    causationId: `http:${request.id}`,
    expectedRevision: parseIfMatch(header(request, 'if-match')),
    idempotencyKey: parseIdempotencyKey(header(request, 'idempotency-key')),
    answerRetriesWithOwnEvents: true,
  };
}

/** The command context of the current request. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext =>
  commandContextOf(context.switchToHttp().getRequest()),
);

// The id derivation and the expected revision are shared with the reactors (framework-free core).
export { deterministicUuid, expectedFrom } from '@mentoring/application';
