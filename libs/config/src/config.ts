// Configuration from the environment, validated once at boot: a bad value stops the process with a
// message that names the variable. Every variable is listed, with its default, in `.env.example`.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface AppConfig {
  nodeEnv: string;
  port: number;
  host: string;
  dataDir: string;
  /** Unset = embedded SQLite event store under `dataDir`. */
  esdbConnectionString?: string;
  /** Unset = embedded read store under `dataDir`. */
  mongodbUri?: string;
  /**
   * HS256 key for bearer tokens (development, or a deployment without an identity provider). Undefined when
   * only an identity provider (`jwksUrl`) is configured. Without JWT_SECRET and JWT_JWKS_URL outside
   * production, a random key generated on the first start into `dataDir/secrets/jwt-secret` (mode 0600).
   */
  jwtSecret?: string;
  /** Where `jwtSecret` came from: the environment, or generated into DATA_DIR. */
  jwtSecretSource: 'environment' | 'generated' | 'none';
  /** An OIDC provider's JSON Web Key Set (RS256/ES256 tokens), e.g. https://idp/realms/school/protocol/openid-connect/certs. */
  jwtJwksUrl?: string;
  /** Required `iss` of tokens (checked when set; required with JWT_JWKS_URL). */
  jwtIssuer?: string;
  /** Required `aud` of tokens (checked when set; required with JWT_JWKS_URL). */
  jwtAudience?: string;
  /** The claim naming the caller (a student's studentId, a mentor's mentorId…). */
  jwtSubjectClaim: string;
  /** The claim carrying the role (a string, or an array of which exactly one is a known role); dots reach into objects (`realm_access.roles`). */
  jwtRoleClaim: string;
  /** Longest accepted token lifetime (`exp` − `iat`, or `exp` − now without `iat`), in seconds. */
  jwtMaxLifetimeSeconds: number;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds. */
  jwtClockSkewSeconds: number;
  /** Rate limits (429 with Retry-After): on by default. */
  rateLimitEnabled: boolean;
  /** Requests per minute per authenticated subject (and per client address for anonymous requests). */
  rateLimitPerMinute: number;
  /** Requests with a missing or invalid token per minute per client address before 429. */
  rateLimitAuthFailuresPerMinute: number;
  /** Deepest JSON nesting (objects and arrays) accepted in a request body; deeper is 400 before parsing into classes. */
  jsonMaxDepth: number;
  /** Serve Swagger UI and /docs-json. Default: on, except with NODE_ENV=production. */
  docsEnabled: boolean;
  /** How long a stored Idempotency-Key answer is kept (and a retry answered from it), in hours. */
  idempotencyTtlHours: number;
  /** Analytics groups with fewer students than this are suppressed (re-identification). */
  analyticsMinGroup: number;
  /**
   * HMAC key of the analytics pseudonyms (rotating it changes every pseudonym: rebuild the analytics).
   * Outside production, generated on the first start into `dataDir/secrets/analytics-pseudonym-key`.
   */
  analyticsPseudonymKey: string;
  /**
   * Wraps the per-person data keys of crypto-shredding (KEY_ENCRYPTION_KEY, at least 32 characters). Outside
   * production, generated on the first start into `dataDir/secrets/key-encryption-key`. Losing it loses every
   * personal field of the event log.
   */
  keyEncryptionKey: string;
  /** Run projections inside the API process. */
  runProjections: boolean;
  /** Run the reactors (e-mails, automatic escalations, weekly rhythm) in this process. */
  runReactors: boolean;
  /** SMTP server for the reactors' e-mails (`smtp://` or `smtps://`). Unset = `.eml` files under `dataDir/outbox/`. */
  smtpUrl?: string;
  /** From header of the e-mails; its domain is the right-hand side of every Message-ID. */
  mailFrom: string;
  /** Where automatic escalations (follow-ups requested by the system) are e-mailed. */
  mentorshipTeamEmail: string;
  /** Period of the reactors' scheduler (reminders, escalations, weekly rhythm), in seconds; 0 = no timer. */
  reactorTickSeconds: number;
  /** Attempts at an event (or an item of due work) before a projection or reactor parks it. */
  parkAfterAttempts: number;
  /** An e-mail not delivered this many hours after it was queued is dead-lettered (npm run parked). */
  emailMaxAgeHours: number;
  /** A reactor's first start (no checkpoint) on an existing log sends nothing about events older than this many hours. */
  reactorsHistoryHours: number;
  /**
   * Lifetime of a subscriber's lease in seconds: one runner at a time runs each projection and reactor;
   * when it dies, another takes over within about this time (ADR 0004). Renewed every third of it.
   */
  subscriberLeaseSeconds: number;
  /** `/health/ready` turns unready when a projection or reactor run by this process is more than this many events behind the log's head. */
  readyMaxLagEvents: number;
  /** `/health/ready` turns unready when the volume of `dataDir` has less free space than this, in MB (0: not checked). */
  readyMinFreeDiskMb: number;
  /** How long a caseload or calendar reservation may wait for its fact before the reconciler lapses and releases it. */
  reservationGraceSeconds: number;
  /** `FULL` (default) makes every acknowledged append survive power loss; `NORMAL` trades that for speed. */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Largest accepted request body in bytes. */
  bodyLimitBytes: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose' | 'silent';
  /** `json` (default): one JSON object per line (pino); `pretty`: coloured text for a terminal (pino-pretty). */
  logFormat: 'json' | 'pretty';
  /** When set, Prometheus metrics are also served without a token on this port (bound to `host`), for a scraper on a private network. */
  metricsPort?: number;
  /**
   * Browser origins allowed to call the API (CORS), normalised (`https://app.example.com`), or `['*']`
   * for any origin. Empty = no CORS headers at all.
   */
  corsOrigins: string[];
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

/**
 * SHA-256 of secrets that were once written in this repository (the former development JWT secret):
 * public, so refused as JWT_SECRET even if copied from an old checkout. Tokens signed with them never verify.
 */
const PUBLIC_SECRET_HASHES = new Set(['36620796abfc961346babb2e52970263066bf2764c43c11bbf63a42faeca14d7']);

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * A secret kept in `dataDir/secrets/<name>`: read when present, else generated (32 random bytes, hex) and
 * written with mode 0600 (the folder 0700). Only outside production: there, secrets come from the environment.
 */
export function generatedSecret(dataDir: string, name: string): string {
  const folder = path.join(dataDir, 'secrets');
  const file = path.join(folder, name);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError('DATA_DIR', `cannot read ${file}: ${(error as Error).message}`);
  }
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  try {
    // wx: two processes starting together do not overwrite each other's key; the loser reads the winner's.
    fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw new ConfigError('DATA_DIR', `cannot write ${file}: ${(error as Error).message}`);
  }
}

type Env = Record<string, string | undefined>;

function optional(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function email(env: Env, name: string, fallback: string): string {
  const raw = optional(env, name) ?? fallback;
  if (!EMAIL.test(raw)) throw new ConfigError(name, `must be an e-mail address, got "${raw}"`);
  return raw;
}

/** `Name <address>` or a bare address. */
function mailbox(env: Env, name: string, fallback: string): string {
  const raw = optional(env, name) ?? fallback;
  const match = /^(?:[^<>]*<([^<>]+)>|([^<>\s]+))$/.exec(raw);
  const address = match?.[1] ?? match?.[2];
  if (!address || !EMAIL.test(address)) throw new ConfigError(name, `must be an address or "Name <address>", got "${raw}"`);
  return raw;
}

function smtpUrl(env: Env, name: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a URL such as smtp://user:password@host:587');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError(name, `must start with smtp:// or smtps://, got "${url.protocol}//"`);
  if (!url.hostname) throw new ConfigError(name, 'must name a host');
  return raw;
}

/** Comma-separated http(s) origins without a path, or `*`. */
function origins(env: Env, name: string): string[] {
  const raw = optional(env, name);
  if (raw === undefined) return [];
  const out: string[] = [];
  for (const entry of raw.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    if (entry === '*') {
      out.push('*');
      continue;
    }
    const refuse = () => new ConfigError(name, `must be a comma-separated list of http(s) origins without a path (such as https://app.example.com), or *; got "${entry}"`);
    // Scheme and authority only: no path (not even `/`), query, fragment or credentials.
    if (!/^https?:\/\/[^/?#@\s]+$/i.test(entry)) throw refuse();
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw refuse();
    }
    out.push(url.origin);
  }
  return out.includes('*') ? ['*'] : [...new Set(out)];
}

/** An https URL (http allowed outside production, for a local identity provider in tests). */
function httpsUrl(env: Env, name: string, production: boolean): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !production)) throw new ConfigError(name, 'must be an https:// URL');
  return url.toString();
}

/** A claim name: letters, digits, `_`, `-`, `:` and `/` (namespaced claims), dots for nested claims. */
function claimName(env: Env, name: string, fallback: string): string {
  const raw = optional(env, name) ?? fallback;
  if (!/^[A-Za-z0-9_:\/-]+(\.[A-Za-z0-9_:\/-]+)*$/.test(raw) || raw.length > 200) throw new ConfigError(name, `must be a claim name (dots for nested claims), got "${raw}"`);
  return raw;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = optional(env, 'NODE_ENV') ?? 'development';
  const esdbConnectionString = optional(env, 'ESDB_CONNECTION_STRING');
  if (esdbConnectionString && !/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb):\/\//.test(esdbConnectionString)) {
    throw new ConfigError('ESDB_CONNECTION_STRING', 'must start with esdb:// or esdb+discover://');
  }
  const mongodbUri = optional(env, 'MONGODB_URI');
  if (mongodbUri && !/^mongodb(\+srv)?:\/\//.test(mongodbUri)) {
    throw new ConfigError('MONGODB_URI', 'must start with mongodb:// or mongodb+srv://');
  }
  const production = nodeEnv === 'production';
  const dataDir = path.resolve(optional(env, 'DATA_DIR') ?? './data');
  const jwtJwksUrl = httpsUrl(env, 'JWT_JWKS_URL', production);
  const jwtIssuer = optional(env, 'JWT_ISSUER');
  const jwtAudience = optional(env, 'JWT_AUDIENCE');
  if (jwtJwksUrl && !jwtIssuer) throw new ConfigError('JWT_ISSUER', 'is required with JWT_JWKS_URL (the identity provider’s issuer)');
  if (jwtJwksUrl && !jwtAudience) throw new ConfigError('JWT_AUDIENCE', 'is required with JWT_JWKS_URL (this API’s audience at the identity provider)');
  let jwtSecret = optional(env, 'JWT_SECRET');
  let jwtSecretSource: AppConfig['jwtSecretSource'] = 'environment';
  if (jwtSecret) {
    if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters (HS256 key)');
    if (PUBLIC_SECRET_HASHES.has(sha256Hex(jwtSecret))) throw new ConfigError('JWT_SECRET', 'is a value published in the repository: generate one (openssl rand -hex 32)');
  } else if (jwtJwksUrl) {
    jwtSecretSource = 'none';
  } else if (production) {
    throw new ConfigError('JWT_SECRET', 'or JWT_JWKS_URL is required when NODE_ENV=production (no token could be verified)');
  } else {
    jwtSecret = generatedSecret(dataDir, 'jwt-secret');
    jwtSecretSource = 'generated';
  }
  let analyticsPseudonymKey = optional(env, 'ANALYTICS_PSEUDONYM_KEY');
  if (analyticsPseudonymKey === undefined) {
    if (production) throw new ConfigError('ANALYTICS_PSEUDONYM_KEY', 'is required when NODE_ENV=production (at least 32 characters)');
    analyticsPseudonymKey = generatedSecret(dataDir, 'analytics-pseudonym-key');
  } else if (analyticsPseudonymKey.length < 32) {
    throw new ConfigError('ANALYTICS_PSEUDONYM_KEY', 'must be at least 32 characters');
  }
  let keyEncryptionKey = optional(env, 'KEY_ENCRYPTION_KEY');
  if (keyEncryptionKey === undefined) {
    if (production) throw new ConfigError('KEY_ENCRYPTION_KEY', 'is required when NODE_ENV=production (at least 32 characters)');
    keyEncryptionKey = generatedSecret(dataDir, 'key-encryption-key');
  } else if (keyEncryptionKey.length < 32) {
    throw new ConfigError('KEY_ENCRYPTION_KEY', 'must be at least 32 characters');
  }
  // The embedded read store lives in the memory of the process that writes it, so with it the
  // projections must run in the API process; with MongoDB they run in the projector by default.
  const embeddedReadStore = mongodbUri === undefined;
  const runProjections = boolean(env, 'RUN_PROJECTIONS', embeddedReadStore);
  if (embeddedReadStore && !runProjections) {
    throw new ConfigError('RUN_PROJECTIONS', 'cannot be false with the embedded read store (set MONGODB_URI to run projections elsewhere)');
  }
  return {
    nodeEnv,
    port: integer(env, 'PORT', 3000, 0, 65535),
    // Loopback unless told otherwise: a development start is not reachable from the network. The
    // container images set HOST=0.0.0.0.
    host: optional(env, 'HOST') ?? '127.0.0.1',
    dataDir,
    esdbConnectionString,
    mongodbUri,
    jwtSecret,
    jwtSecretSource,
    jwtJwksUrl,
    jwtIssuer,
    jwtAudience,
    jwtSubjectClaim: claimName(env, 'JWT_SUBJECT_CLAIM', 'sub'),
    jwtRoleClaim: claimName(env, 'JWT_ROLE_CLAIM', 'role'),
    jwtMaxLifetimeSeconds: integer(env, 'JWT_MAX_LIFETIME_SECONDS', 12 * 3600, 60, 30 * 86_400),
    jwtClockSkewSeconds: integer(env, 'JWT_CLOCK_SKEW_SECONDS', 30, 0, 600),
    rateLimitEnabled: boolean(env, 'RATE_LIMIT_ENABLED', true),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 1200, 1, 1_000_000),
    rateLimitAuthFailuresPerMinute: integer(env, 'RATE_LIMIT_AUTH_FAILURES_PER_MINUTE', 30, 1, 1_000_000),
    jsonMaxDepth: integer(env, 'JSON_MAX_DEPTH', 32, 2, 256),
    docsEnabled: boolean(env, 'DOCS_ENABLED', !production),
    idempotencyTtlHours: integer(env, 'IDEMPOTENCY_TTL_HOURS', 24, 1, 24 * 365),
    analyticsMinGroup: integer(env, 'ANALYTICS_MIN_GROUP', 5, 1, 1000),
    analyticsPseudonymKey,
    keyEncryptionKey,
    runProjections,
    // Like the projections: in the API process with the embedded read store, in the projector with MongoDB.
    runReactors: boolean(env, 'RUN_REACTORS', runProjections),
    smtpUrl: smtpUrl(env, 'SMTP_URL'),
    mailFrom: mailbox(env, 'MAIL_FROM', 'Mentoring platform <no-reply@mentoring.localhost>'),
    mentorshipTeamEmail: email(env, 'MENTORSHIP_TEAM_EMAIL', 'mentorship-team@mentoring.localhost'),
    reactorTickSeconds: integer(env, 'REACTOR_TICK_SECONDS', 60, 0, 86_400),
    parkAfterAttempts: integer(env, 'PARK_AFTER_ATTEMPTS', 3, 1, 100),
    emailMaxAgeHours: integer(env, 'EMAIL_MAX_AGE_HOURS', 72, 1, 8760),
    reactorsHistoryHours: integer(env, 'REACTORS_HISTORY_HOURS', 24, 0, 87_600),
    subscriberLeaseSeconds: integer(env, 'SUBSCRIBER_LEASE_SECONDS', 15, 1, 3600),
    readyMaxLagEvents: integer(env, 'READY_MAX_LAG_EVENTS', 1000, 0, 100_000_000),
    readyMinFreeDiskMb: integer(env, 'READY_MIN_FREE_DISK_MB', 100, 0, 10_000_000),
    reservationGraceSeconds: integer(env, 'RESERVATION_GRACE_SECONDS', 120, 1, 86_400),
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['FULL', 'NORMAL'] as const, 'FULL'),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 100 * 1024, 1024, 50 * 1024 * 1024),
    logLevel: oneOf(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug', 'verbose', 'silent'] as const, 'log'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, 'json'),
    metricsPort: optional(env, 'METRICS_PORT') === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 0, 65535),
    corsOrigins: origins(env, 'CORS_ORIGINS'),
  };
}

/**
 * The HS256 key, for what signs its own tokens (`npm run token`, the seed, benches, tests): refused when
 * tokens come from an identity provider only, since then no key of ours can sign a token the API accepts.
 */
export function hs256Secret(config: Pick<AppConfig, 'jwtSecret'>): string {
  if (!config.jwtSecret) throw new ConfigError('JWT_SECRET', 'is not set: tokens come from the identity provider (JWT_JWKS_URL), so none can be signed here');
  return config.jwtSecret;
}
