// Bearer JWT on every route but the public ones (token-verifier.ts says which tokens). The verified
// subject and role become the actor written into every event's metadata.
import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Actor } from '@mentoring/event-store';
import { Problem } from './problem';
import { TokenVerifier } from './token-verifier';

export { signToken, TOKEN_ROLES, TokenVerifier } from './token-verifier';
export type { TokenRole } from './token-verifier';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
const PUBLIC_ROUTE = 'mentoring:public';

/** Marks a route as reachable without a token (health, docs). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

export type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  /**
   * Tokens already verified, until they expire. A client sends the same token with every request, and
   * checking a signature costs more than the rest of a validated request; a token string cannot change,
   * so checking it once is enough (its `exp` still applies). Bounded: the least recently used go first.
   */
  private readonly verified = new LRUCache<string, { actor: Actor; expiresAtMs: number }>({ max: VERIFIED_TOKEN_CACHE_SIZE });

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const cached = header ? this.verified.get(header) : undefined;
    if (cached && cached.expiresAtMs > Date.now()) {
      request.actor = cached.actor;
      return true;
    }
    const { actor, expiresAtMs } = await this.verifier.verify(header);
    this.verified.set(header!, { actor, expiresAtMs });
    request.actor = actor;
    return true;
  }
}

/** The authenticated actor of the request. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Problem(401, 'unauthenticated', 'Unauthorized', 'A bearer token is required.');
  return actor;
});
