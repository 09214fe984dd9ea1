// X-Correlation-Id: accepted when it is 1–128 characters of [A-Za-z0-9._:-] (it is written into every
// event's metadata, for ever), else 400 invalid_correlation_id; generated when absent; echoed on every
// response, errors included, so that a client can quote it.
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { correlationIdOf, WithCorrelationId } from '../shared/command-context';
import { sendProblem } from './problem.filter';

export const CORRELATION_ID_HEADER = 'X-Correlation-Id';

/**
 * Settles the request's correlation id and sets the response header. Answers 400 (with a generated id
 * echoed) and returns false when the header is malformed.
 */
export function settleCorrelationId(request: FastifyRequest & WithCorrelationId, reply: FastifyReply, logger: Logger): boolean {
  try {
    void reply.header(CORRELATION_ID_HEADER, correlationIdOf(request));
    return true;
  } catch (error) {
    request.correlationId = randomUUID();
    void reply.header(CORRELATION_ID_HEADER, request.correlationId);
    sendProblem(error, request, reply, logger);
    return false;
  }
}

export function useCorrelationIds(fastify: FastifyInstance): void {
  const logger = new Logger('HTTP');
  fastify.addHook('onRequest', (request, reply, done) => {
    if (settleCorrelationId(request, reply, logger)) done();
  });
}
