// What is refused before any hook runs, answered as problem+json like everything else:
// - by Fastify's router (`frameworkErrors`): a malformed URL (400 invalid_url), a path parameter over
//   the router's limit (414 uri_too_long);
// - by Node's HTTP parser (`clientErrorHandler`, straight onto the socket): headers over the size limit
//   (431 headers_too_large), a request that took too long to arrive (408 request_timeout), anything
//   unparseable (400 malformed_request).
// They carry the security headers and a correlation id too. A client's error: at most one debug line.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { settleCorrelationId } from './correlation-id';
import { titleFor } from './error-mapping';
import { Problem, PROBLEM_CONTENT_TYPE } from './problem';
import { sendProblem } from './problem.filter';
import { SECURITY_HEADERS } from './security-headers';

const logger = new Logger('HTTP');

/** The adapter's `frameworkErrors` option. */
export function frameworkErrors(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  void reply.headers(SECURITY_HEADERS);
  if (settleCorrelationId(request, reply, logger)) sendProblem(error, request, reply, logger);
}

function clientProblem(error: NodeJS.ErrnoException): Problem {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return new Problem(431, 'headers_too_large', titleFor(431), 'The request line and headers are over the size limit.');
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new Problem(408, 'request_timeout', titleFor(408), 'The request did not arrive in time.');
  }
  return new Problem(400, 'malformed_request', titleFor(400), 'The request is not valid HTTP/1.1.');
}

/** The server's `clientErrorHandler` option: the answer is written to the socket, which is then closed. */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = clientProblem(error);
  logger.debug(`client error: ${problem.status} ${problem.code} (${error.code ?? error.message})`);
  if (socket.writable) {
    const body = JSON.stringify(problem.toBody());
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
      'content-length': String(Buffer.byteLength(body)),
      'x-correlation-id': randomUUID(),
      connection: 'close',
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n');
    socket.write(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n${head}\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
