// The one exception filter: everything that escapes a handler leaves as application/problem+json.
import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemHeaders, titleFor, toProblem, unavailableStore } from './error-mapping';
import { allowedMethods } from './method-not-allowed';
import { Problem, PROBLEM_CONTENT_TYPE } from './problem';
import { noteProblem } from '../observability/request-log';

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    sendProblem(error, request, reply);
  }
}

/** `_logger` is no longer written to: the request line logs the problem (callers still pass their logger). */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply, _logger?: Logger): void {
  let problem = toProblem(error);
  const path = request.url?.split('?')[0];
  const headers = problemHeaders(problem);
  if (problem.code === 'route_not_found') {
    // A known path asked with another method: 405 with the methods it has.
    const allow = allowedMethods(request);
    if (allow.length > 0 && !allow.includes(request.method)) {
      problem = new Problem(405, 'method_not_allowed', titleFor(405), `${request.method} is not allowed on ${path}; allowed: ${allow.join(', ')}.`);
      headers.allow = allow.join(', ');
    }
  }
  // Logged once, by the request line (observability/request-log.ts): a client's error at info with its code,
  // a store outage or a 504 at warn without a stack, any other 5xx at error with the stack.
  const detail = problem.code === 'store_unavailable'
    ? `${unavailableStore(error) ?? 'a store'} unavailable: ${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ')}`
    : undefined;
  noteProblem(request, problem, error, detail);
  void reply
    .status(problem.status)
    .headers(headers)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(problem.toBody(path));
}
