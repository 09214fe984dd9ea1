// Who is calling: a bearer JWT verified against the school's identity provider (an OIDC provider's JSON
// Web Key Set, RS256/ES256, keys fetched and cached by jose, a rotated key picked up on its first use) or,
// for development and deployments without one, an HS256 key (JWT_SECRET, or the key generated into
// DATA_DIR). The subject and role are read from configurable claims, so Keycloak (`realm_access.roles`),
// Auth0 (a namespaced claim), Entra ID (`roles`) or any provider fits without code changes.
import { createSecretKey, KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, JWTPayload, jwtVerify, JWTVerifyGetKey, SignJWT } from 'jose';
import type { AppConfig } from '@mentoring/config';
import type { Actor, Role } from '@mentoring/event-store';
import { Problem } from './problem';

/** The roles a person can hold in a token. `system` is reserved for the platform's own reactors. */
export const TOKEN_ROLES = ['student', 'mentor', 'staff', 'tutor', 'funder', 'auditor', 'analyst', 'admin'] as const satisfies readonly Role[];
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Asymmetric algorithms accepted from the identity provider; HS256 only for the local key. */
const PROVIDER_ALGORITHMS = ['RS256', 'ES256', 'PS256', 'EdDSA'];

export type TokenSettings = Pick<
  AppConfig,
  'jwtSecret' | 'jwtJwksUrl' | 'jwtIssuer' | 'jwtAudience' | 'jwtSubjectClaim' | 'jwtRoleClaim' | 'jwtMaxLifetimeSeconds' | 'jwtClockSkewSeconds'
>;

export interface VerifiedToken {
  actor: Actor;
  /** When the token stops being valid (its `exp`, in ms). */
  expiresAtMs: number;
}

const unauthorized = (detail: string) => new Problem(401, 'unauthenticated', 'Unauthorized', detail);

/** A claim by name; dots reach into objects (`realm_access.roles`) unless the whole name is itself a claim. */
function claim(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  return name.split('.').reduce<unknown>((value, part) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined), payload);
}

/** The one known role in a claim that is a role or a list of roles (a provider's list may hold others too). */
function roleFrom(value: unknown): TokenRole | undefined {
  const candidates = Array.isArray(value) ? value : [value];
  const known = [...new Set(candidates.filter((v): v is TokenRole => typeof v === 'string' && (TOKEN_ROLES as readonly string[]).includes(v)))];
  return known.length === 1 ? known[0] : undefined;
}

export class TokenVerifier {
  // A KeyObject, not raw bytes: jose would otherwise import the key again on every request.
  private readonly secret?: KeyObject;
  private readonly jwks?: JWTVerifyGetKey;

  constructor(
    private readonly settings: TokenSettings,
    options: { jwksCooldownMs?: number; fetch?: typeof fetch } = {},
  ) {
    if (settings.jwtSecret) this.secret = createSecretKey(Buffer.from(settings.jwtSecret, 'utf8'));
    if (settings.jwtJwksUrl) {
      // The key set is cached; a token with a key id not in the cache makes jose fetch the set again (a
      // rotation), at most once per cooldown, so random key ids cannot make us hammer the provider.
      this.jwks = createRemoteJWKSet(new URL(settings.jwtJwksUrl), { cooldownDuration: options.jwksCooldownMs ?? 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });
    }
  }

  /** The actor of an `Authorization: Bearer <jwt>` header; 401 `unauthenticated` with the reason otherwise. */
  async verify(header: string | undefined, nowMs = Date.now()): Promise<VerifiedToken> {
    if (!header) throw unauthorized('A bearer token is required (Authorization: Bearer <jwt>).');
    const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <jwt>".');
    const token = match[1];
    let algorithm: unknown;
    try {
      algorithm = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthorized('The token is not a JWT.');
    }
    const skew = this.settings.jwtClockSkewSeconds;
    const common = {
      issuer: this.settings.jwtIssuer,
      audience: this.settings.jwtAudience,
      clockTolerance: skew,
      currentDate: new Date(nowMs),
      requiredClaims: ['exp'],
    };
    let payload: JWTPayload;
    try {
      if (algorithm === 'HS256' && this.secret) {
        ({ payload } = await jwtVerify(token, this.secret, { ...common, algorithms: ['HS256'] }));
      } else if (typeof algorithm === 'string' && PROVIDER_ALGORITHMS.includes(algorithm) && this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, { ...common, algorithms: PROVIDER_ALGORITHMS }));
      } else {
        throw unauthorized(`Tokens signed with ${String(algorithm)} are not accepted here.`);
      }
    } catch (error) {
      if (error instanceof Problem) throw error;
      const code = (error as { code?: unknown }).code;
      if (code === 'ERR_JWT_EXPIRED') throw unauthorized('The token has expired.');
      if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') throw unauthorized(`The token's "${String((error as { claim?: unknown }).claim)}" claim is not accepted.`);
      // The provider's key set could not be fetched (timeout, network, not a key set): not the caller's
      // fault, and a retry may succeed. 503 store_unavailable carries Retry-After.
      if (code === 'ERR_JWKS_TIMEOUT' || code === 'ERR_JWKS_INVALID' || typeof code !== 'string' || !code.startsWith('ERR_')) {
        throw new Problem(503, 'store_unavailable', 'Service Unavailable', 'The identity provider’s keys could not be fetched; retry shortly.');
      }
      throw unauthorized('The token is invalid.');
    }
    const exp = payload.exp as number;
    const iat = typeof payload.iat === 'number' ? payload.iat : undefined;
    const nowSeconds = nowMs / 1000;
    if (iat !== undefined && iat > nowSeconds + skew) throw unauthorized('The token was issued in the future (iat).');
    if (exp - (iat ?? nowSeconds) > this.settings.jwtMaxLifetimeSeconds) {
      throw unauthorized(`The token lives longer than ${this.settings.jwtMaxLifetimeSeconds} s (JWT_MAX_LIFETIME_SECONDS).`);
    }
    const subject = claim(payload, this.settings.jwtSubjectClaim);
    if (typeof subject !== 'string' || subject.length === 0 || subject.length > 200) throw unauthorized(`The token has no subject (${this.settings.jwtSubjectClaim}).`);
    const role = roleFrom(claim(payload, this.settings.jwtRoleClaim));
    if (!role) throw unauthorized(`The token's ${this.settings.jwtRoleClaim} must hold exactly one of ${TOKEN_ROLES.join(', ')}.`);
    return { actor: { id: subject, role }, expiresAtMs: exp * 1000 };
  }
}

/**
 * Signs an HS256 token with the local key: `npm run token`, the seed, the tests. Carries JWT_ISSUER and
 * JWT_AUDIENCE when they are configured, since the verifier checks them on every token.
 */
export async function signToken(
  secret: string,
  sub: string,
  role: TokenRole,
  expiresIn: string | number = '12h',
  claims: { issuer?: string; audience?: string } = {},
): Promise<string> {
  // `exp` before `iat`: each reads the clock, and when a second ended between the two reads the other way round, a
  // token of exactly JWT_MAX_LIFETIME_SECONDS (the default 12 h) lived one second longer and was refused (seen once
  // in a CI run: every request of one test's analyst answered 401).
  let jwt = new SignJWT({ role }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(sub).setExpirationTime(expiresIn).setIssuedAt();
  if (claims.issuer) jwt = jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt = jwt.setAudience(claims.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
