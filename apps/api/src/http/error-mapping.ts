// Maps every error the application can raise to a problem: one edge, one table.
import { HttpException } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@mentoring/domain';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '@mentoring/event-store';
import { DuplicateKeyError, ReadStoreUnavailableError } from '@mentoring/read-store';
import { Problem } from './problem';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  validation: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  precondition: 412,
};

const TITLE_BY_STATUS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Fastify's own errors (body parsing, media type, size; the router's, through `frameworkErrors`) carry a
 * `code` such as FST_ERR_CTP_BODY_TOO_LARGE.
 */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_json_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_TYPE: 'invalid_content_type',
  FST_ERR_BAD_URL: 'invalid_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

/** Seconds a client waits before retrying a `store_unavailable` answer: a failover takes a few. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * The store behind a transient failure (unreachable, failing over, timing out), or null when `error` is
 * not one. The adapters map their clients' errors of that kind to these two port errors.
 */
export function unavailableStore(error: unknown): 'event store' | 'read store' | null {
  if (error instanceof EventStoreUnavailableError) return 'event store';
  if (error instanceof ReadStoreUnavailableError) return 'read store';
  return null;
}

/** Seconds to wait, per 503 code: a store failing over comes back in seconds, a read model rebuilt for an upgrade in minutes. */
const RETRY_AFTER_BY_CODE: Record<string, number> = { store_unavailable: RETRY_AFTER_SECONDS, read_model_upgrading: 60 };

/** Headers that go with a problem: `Retry-After` on every 503 (`store_unavailable`, `read_model_upgrading`). */
export function problemHeaders(problem: Problem): Record<string, string> {
  const seconds = problem.status === 503 ? RETRY_AFTER_BY_CODE[problem.code] : undefined;
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}

export function titleFor(status: number): string {
  return TITLE_BY_STATUS[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof DomainError) {
    const status = STATUS_BY_KIND[error.kind];
    return new Problem(status, error.code, titleFor(status), error.message, error.details ? { details: error.details } : {});
  }
  if (error instanceof WrongExpectedRevisionError) {
    return new Problem(409, 'concurrency_conflict', titleFor(409), 'The resource was changed by another request; read it again and retry.', {
      expectedRevision: String(error.expected),
      actualRevision: String(error.actual),
    });
  }
  if (unavailableStore(error)) {
    return new Problem(503, 'store_unavailable', titleFor(503), 'A backing store is unreachable; retry later.');
  }
  if (error instanceof DuplicateKeyError) {
    return new Problem(409, 'duplicate', titleFor(409), error.message);
  }
  if (error instanceof HttpException) {
    // Nest wraps Fastify's own 4xx errors (body parsing, size, media type) and keeps them as `cause`.
    const cause = error.cause as { code?: unknown } | undefined;
    if (typeof cause?.code === 'string' && FASTIFY_CODES[cause.code]) {
      const status = error.getStatus();
      return new Problem(status, FASTIFY_CODES[cause.code], titleFor(status), error.message);
    }
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const code = status === 404 ? 'route_not_found' : status === 405 ? 'method_not_allowed' : `http_${status}`;
    return new Problem(status, code, titleFor(status), Array.isArray(message) ? message.join('; ') : String(message ?? error.message));
  }
  const candidate = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof candidate?.statusCode === 'number' && candidate.statusCode >= 400 && candidate.statusCode < 500) {
    const fastifyCode = typeof candidate.code === 'string' ? FASTIFY_CODES[candidate.code] : undefined;
    // JSON.parse failures reach us as SyntaxError with statusCode 400 and no FST code.
    const code = fastifyCode ?? (error instanceof SyntaxError ? 'malformed_json' : `http_${candidate.statusCode}`);
    return new Problem(candidate.statusCode, code, titleFor(candidate.statusCode), String(candidate.message ?? ''));
  }
  return new Problem(500, 'internal_error', titleFor(500), 'An unexpected error occurred; it has been logged.');
}
