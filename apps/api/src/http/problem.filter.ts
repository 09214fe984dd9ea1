// The one exception filter: everything that escapes a handler leaves as application/problem+json.
import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemHeaders, titleFor, toProblem, unavailableStore } from './error-mapping';
import { allowedMethods } from './method-not-allowed';
import { Problem, PROBLEM_CONTENT_TYPE } from './problem';
import type { WithCorrelationId } from '../shared/command-context';

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    sendProblem(error, request, reply, this.logger);
  }
}

export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
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
  const correlationId = (request as FastifyRequest & WithCorrelationId).correlationId;
  const context = `${request.method} ${path}${correlationId ? ` (correlation ${correlationId})` : ''}`;
  if (problem.code === 'store_unavailable') {
    // Expected during a failover, and the client is told to retry: one line, no stack.
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
    logger.warn(`${request.method} ${path}: 503 store_unavailable, ${unavailableStore(error) ?? 'a store'} unavailable: ${message}`);
  } else if (problem.status >= 500) {
    logger.error(`${context}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } else {
    // A client's error: one debug line, never a stack.
    logger.debug(`${context}: ${problem.status} ${problem.code}`);
  }
  void reply
    .status(problem.status)
    .headers(headers)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(problem.toBody(path));
}
