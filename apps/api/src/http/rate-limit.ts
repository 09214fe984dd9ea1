// Rate limits (@fastify/rate-limit, fixed one-minute windows, in the memory of each process):
// - RATE_LIMIT_PER_MINUTE requests per authenticated subject (role + subject), or per client address for
//   a request that carries no token this process has verified;
// - RATE_LIMIT_AUTH_FAILURES_PER_MINUTE failed authentications (401 to a request that presented an
//   Authorization header) per address: once there, the address gets 429 before anything else is done,
//   verification included, until the window ends. A request without any credentials costs no
//   verification and proves nothing: it counts against the address's request limit only.
// Over a limit: 429 problem+json `rate_limited` with Retry-After (seconds). /health, /health/live and /health/ready are never limited.
//
// How the subject is known before Nest's guard runs: the check runs as a Fastify onRequest hook, before
// the body is read and before the guard verifies the token. Decoding the token's `sub` there without
// verifying it would let anyone pick a fresh subject per request and never be limited. Instead, once the
// guard has verified a token (the answer's request has `actor`), the token string is remembered with its
// subject, until the token expires; a later request presenting that exact string is keyed by that subject
// (a token string cannot be altered without failing verification, so it can only be a token that was
// valid). A token not seen yet is keyed by address: the first request of each token costs its address one
// request. Tokens that were verified are also exempt from the address's auth-failure ban, so that one
// attacker behind a shared NAT does not lock out everyone signed in there.
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import rateLimitPlugin, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { AppConfig } from '@mentoring/config';
import type { Actor } from '@mentoring/event-store';
import { titleFor } from './error-mapping';
import { Problem } from './problem';
import { sendProblem } from './problem.filter';

const WINDOW_MS = 60_000;
/** Keys kept per limiter (least recently used dropped beyond). */
const KEYS_KEPT = 20_000;
/** Verified tokens remembered (oldest dropped beyond), and for how long at most. */
const TOKENS_KEPT = 20_000;
const TOKEN_MEMORY_MS = 15 * 60_000;

const EXEMPT_PATHS = new Set(['/health', '/health/live', '/health/ready']);

type Limiter = ReturnType<import('fastify').FastifyInstance['createRateLimit']>;

export function rateLimited(retryAfterSeconds: number, what: string): Problem {
  return new Problem(429, 'rate_limited', titleFor(429), `Too many ${what}; retry in ${retryAfterSeconds} s.`);
}

/** The `exp` of a token the guard has verified (so its claims can be trusted), in ms; undefined without one. */
function expiryOf(header: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(header.replace(/^Bearer\s+/i, '').split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export async function useRateLimits(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  if (!config.rateLimitEnabled) return;
  const logger = new Logger('RateLimit');
  await app.register(rateLimitPlugin, { global: false });
  const fastify = app.getHttpAdapter().getInstance();

  const subjects = new LRUCache<string, { key: string; untilMs: number }>({ max: TOKENS_KEPT });
  const addressOf = (request: FastifyRequest) => `address:${normalizeIP(request.ip)}`;
  const knownSubject = (request: FastifyRequest): string | undefined => {
    const header = request.headers.authorization;
    const known = header === undefined ? undefined : subjects.get(header);
    if (!known) return undefined;
    if (known.untilMs > Date.now()) return known.key;
    subjects.delete(header!);
    return undefined;
  };

  const limiter = (max: number, keyGenerator: (request: FastifyRequest) => string): Limiter =>
    fastify.createRateLimit({ max, timeWindow: WINDOW_MS, keyGenerator, cache: KEYS_KEPT } as Parameters<typeof fastify.createRateLimit>[0]);
  const requests = limiter(config.rateLimitPerMinute, (request) => knownSubject(request) ?? addressOf(request));
  const authFailures = limiter(config.rateLimitAuthFailuresPerMinute, addressOf);

  const refuse = (request: FastifyRequest, reply: FastifyReply, seconds: number, what: string) => {
    const retryAfter = Math.max(1, seconds);
    void reply.header('retry-after', String(retryAfter));
    sendProblem(rateLimited(retryAfter, what), request, reply, logger);
  };

  fastify.addHook('onRequest', async (request, reply) => {
    if (EXEMPT_PATHS.has(request.url.split('?')[0])) return;
    if (knownSubject(request) === undefined) {
      const failures = await authFailures(request, { increment: false });
      if (!failures.isAllowed && failures.remaining === 0) {
        refuse(request, reply, failures.ttlInSeconds, 'failed authentications from this address');
        return reply;
      }
    }
    const counted = await requests(request);
    if (!counted.isAllowed && counted.isExceeded) {
      refuse(request, reply, counted.ttlInSeconds, 'requests');
      return reply;
    }
  });

  fastify.addHook('onResponse', async (request: FastifyRequest & { actor?: Actor }, reply) => {
    const header = request.headers.authorization;
    if (header === undefined) return;
    if (reply.statusCode === 401) {
      await authFailures(request);
    } else if (request.actor && !subjects.has(header)) {
      const untilMs = Math.min(expiryOf(header) ?? Infinity, Date.now() + TOKEN_MEMORY_MS);
      subjects.set(header, { key: `subject:${request.actor.role}:${request.actor.id}`, untilMs });
    }
  });
}
