// Bearer JWT (HS256) on every route but the public ones. The verified subject and role become the
// actor written into every event's metadata.
import { createSecretKey, KeyObject } from 'node:crypto';
import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { jwtVerify, SignJWT } from 'jose';
import type { Actor, Role } from '@mentoring/event-store';
import { Problem } from './problem';

/** The roles a person can hold in a token. `system` is reserved for the platform's own reactors. */
export const TOKEN_ROLES = ['student', 'mentor', 'staff', 'tutor', 'funder', 'auditor', 'analyst', 'admin'] as const satisfies readonly Role[];
export type TokenRole = (typeof TOKEN_ROLES)[number];

export const JWT_SECRET = Symbol('JWT_SECRET');
const PUBLIC_ROUTE = 'mentoring:public';

/** Marks a route as reachable without a token (health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

@Injectable()
export class JwtAuthGuard implements CanActivate {
  // A KeyObject, not raw bytes: jose would otherwise import the key again on every request.
  private readonly key: KeyObject;

  constructor(
    private readonly reflector: Reflector,
    @Inject(JWT_SECRET) secret: string,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /**
   * Tokens already verified, until they expire. A client sends the same token with every request, and
   * jose's HMAC check (WebCrypto) costs more than the rest of a validated request; a token string
   * cannot change, so checking its signature once is enough. Bounded: the oldest entries go first.
   */
  private readonly verified = new Map<string, { actor: Actor; expiresAtMs: number }>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const cached = header ? this.verified.get(header) : undefined;
    if (cached && cached.expiresAtMs > Date.now()) {
      request.actor = cached.actor;
      return true;
    }
    const { actor, expiresAtMs } = await verifyBearerWithExpiry(header, this.key);
    if (this.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(header!, { actor, expiresAtMs });
    request.actor = actor;
    return true;
  }
}

const VERIFIED_TOKEN_CACHE_SIZE = 10_000;
/** Tokens without `exp` are re-verified at least this often. */
const MAX_CACHE_MS = 5 * 60_000;

export async function verifyBearer(header: string | undefined, key: KeyObject | Uint8Array): Promise<Actor> {
  return (await verifyBearerWithExpiry(header, key)).actor;
}

async function verifyBearerWithExpiry(header: string | undefined, key: KeyObject | Uint8Array): Promise<{ actor: Actor; expiresAtMs: number }> {
  const unauthorized = (detail: string) =>
    new Problem(401, 'unauthenticated', 'Unauthorized', detail);
  if (!header) throw unauthorized('A bearer token is required (Authorization: Bearer <jwt>).');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthorized('The Authorization header must be "Bearer <jwt>".');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(match[1], key, { algorithms: ['HS256'] }));
  } catch {
    throw unauthorized('The token is invalid or expired.');
  }
  const sub = payload.sub;
  const role = payload.role;
  if (typeof sub !== 'string' || sub.length === 0) throw unauthorized('The token has no subject.');
  if (typeof role !== 'string' || !(TOKEN_ROLES as readonly string[]).includes(role)) {
    throw unauthorized(`The token's role must be one of ${TOKEN_ROLES.join(', ')}.`);
  }
  const expiresAtMs = Math.min(typeof payload.exp === 'number' ? payload.exp * 1000 : Infinity, Date.now() + MAX_CACHE_MS);
  return { actor: { id: sub, role: role as TokenRole }, expiresAtMs };
}

/** Signs a token; used by `npm run token` and the tests. */
export async function signToken(secret: string, sub: string, role: TokenRole, expiresIn = '12h'): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** The authenticated actor of the request. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Problem(401, 'unauthenticated', 'Unauthorized', 'A bearer token is required.');
  return actor;
});
