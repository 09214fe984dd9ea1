// Configuration from the environment, validated once at boot by one zod schema (an entry per variable,
// `CONFIG_VARIABLES`): a bad value stops the process with a message that names the variable. Every variable
// is listed, with its default, in `.env.example`.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

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
  /** Embedded read store: MiB of document JSON kept parsed in its LRU cache (0: none). */
  readStoreCacheMb: number;
  /** HEAP_GROWTH_PERCENT: how far V8 lets the heap grow past its live size before a full GC; 0 = V8's own factor. */
  heapGrowthPercent: number;
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

// --- The schema (zod) ----------------------------------------------------------------------------------
// One entry per variable, in the order errors are reported: each validates its variable alone and yields its
// value, or undefined when the variable is unset or blank (values are trimmed). Defaults that depend on
// another variable, and the rules across variables, come after: `crossVariableRules`, then `toConfig`.

/** A variable as the environment gives it: trimmed, undefined when unset or blank, then checked by `schema`. */
function variable<T>(schema: z.ZodType<T, string>): z.ZodType<T | undefined, string | undefined>;
function variable<T>(schema: z.ZodType<T, string>, fallback: T): z.ZodType<T, string | undefined>;
function variable<T>(schema: z.ZodType<T, string>, fallback?: T): z.ZodType<T | undefined, string | undefined> {
  return z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === '' ? undefined : raw.trim()))
    .pipe(schema.optional())
    .transform((value) => value ?? fallback);
}

/** A refusal inside a transform: the message follows the variable's name. */
function refuse(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

function integer(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, { error: (issue) => `must be an integer, got "${issue.input}"`, abort: true })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: (issue) => `must be between ${min} and ${max}, got ${issue.input}` });
}

function oneOf<const T extends readonly [string, ...string[]]>(allowed: T) {
  return z.enum(allowed, { error: (issue) => `must be one of ${allowed.join(', ')}, got "${issue.input}"` });
}

/** `true`/`1` or `false`/`0`, in lower case. */
const boolean = z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'], case: 'sensitive', error: (issue) => `must be true or false, got "${issue.input}"` });

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

const email = z.string().regex(EMAIL, { error: (issue) => `must be an e-mail address, got "${issue.input}"` });

/** `Name <address>` or a bare address. */
const mailbox = z.string().refine(
  (raw) => {
    const match = /^(?:[^<>]*<([^<>]+)>|([^<>\s]+))$/.exec(raw);
    const address = match?.[1] ?? match?.[2];
    return address !== undefined && EMAIL.test(address);
  },
  { error: (issue) => `must be an address or "Name <address>", got "${issue.input}"` },
);

const smtpUrl = z.string().check((payload) => {
  let url: URL;
  try {
    url = new URL(payload.value);
  } catch {
    payload.issues.push({ code: 'custom', input: payload.value, message: 'must be a URL such as smtp://user:password@host:587' });
    return;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') payload.issues.push({ code: 'custom', input: payload.value, message: `must start with smtp:// or smtps://, got "${url.protocol}//"` });
  else if (!url.hostname) payload.issues.push({ code: 'custom', input: payload.value, message: 'must name a host' });
});

/** Comma-separated http(s) origins without a path, or `*`: normalised, `['*']` when `*` is among them. */
const origins = z.string().transform((raw, ctx) => {
  const out: string[] = [];
  for (const entry of raw.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    if (entry === '*') {
      out.push('*');
      continue;
    }
    const refusal = `must be a comma-separated list of http(s) origins without a path (such as https://app.example.com), or *; got "${entry}"`;
    // Scheme and authority only: no path (not even `/`), query, fragment or credentials.
    if (!/^https?:\/\/[^/?#@\s]+$/i.test(entry)) return refuse(ctx, refusal);
    try {
      out.push(new URL(entry).origin);
    } catch {
      return refuse(ctx, refusal);
    }
  }
  return out.includes('*') ? ['*'] : [...new Set(out)];
});

/** An http(s) URL, normalised; http is refused in production by `crossVariableRules`. */
const httpUrl = z.string().transform((raw, ctx) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse(ctx, `must be a URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse(ctx, 'must be an https:// URL');
  return url.toString();
});

/** A claim name: letters, digits, `_`, `-`, `:` and `/` (namespaced claims), dots for nested claims. */
const claimName = z
  .string()
  .refine((raw) => /^[A-Za-z0-9_:\/-]+(\.[A-Za-z0-9_:\/-]+)*$/.test(raw) && raw.length <= 200, { error: (issue) => `must be a claim name (dots for nested claims), got "${issue.input}"` });

/** A key of at least 32 characters. */
const secret = (message = 'must be at least 32 characters') => z.string().min(32, { error: message, abort: true });

const VARIABLES = {
  NODE_ENV: variable(z.string(), 'development'),
  PORT: variable(integer(0, 65535), 3000),
  // Loopback unless told otherwise: a development start is not reachable from the network. The container
  // images set HOST=0.0.0.0.
  HOST: variable(z.string(), '127.0.0.1'),
  DATA_DIR: variable(z.string(), './data').transform((dir) => path.resolve(dir)),
  ESDB_CONNECTION_STRING: variable(z.string().regex(/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb):\/\//, { error: 'must start with esdb:// or esdb+discover://' })),
  MONGODB_URI: variable(z.string().regex(/^mongodb(\+srv)?:\/\//, { error: 'must start with mongodb:// or mongodb+srv://' })),
  JWT_SECRET: variable(
    secret('must be at least 32 characters (HS256 key)').refine((value) => !PUBLIC_SECRET_HASHES.has(sha256Hex(value)), {
      error: 'is a value published in the repository: generate one (openssl rand -hex 32)',
    }),
  ),
  JWT_JWKS_URL: variable(httpUrl),
  JWT_ISSUER: variable(z.string()),
  JWT_AUDIENCE: variable(z.string()),
  JWT_SUBJECT_CLAIM: variable(claimName, 'sub'),
  JWT_ROLE_CLAIM: variable(claimName, 'role'),
  JWT_MAX_LIFETIME_SECONDS: variable(integer(60, 30 * 86_400), 12 * 3600),
  JWT_CLOCK_SKEW_SECONDS: variable(integer(0, 600), 30),
  RATE_LIMIT_ENABLED: variable(boolean, true),
  RATE_LIMIT_PER_MINUTE: variable(integer(1, 1_000_000), 1200),
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: variable(integer(1, 1_000_000), 30),
  JSON_MAX_DEPTH: variable(integer(2, 256), 32),
  /** Default: on, except with NODE_ENV=production. */
  DOCS_ENABLED: variable(boolean),
  IDEMPOTENCY_TTL_HOURS: variable(integer(1, 24 * 365), 24),
  READ_STORE_CACHE_MB: variable(integer(0, 65_536), 16),
  HEAP_GROWTH_PERCENT: variable(integer(0, 1000), 100),
  ANALYTICS_MIN_GROUP: variable(integer(1, 1000), 5),
  ANALYTICS_PSEUDONYM_KEY: variable(secret()),
  KEY_ENCRYPTION_KEY: variable(secret()),
  /** Default: true with the embedded read store (where false is refused), false with MONGODB_URI. */
  RUN_PROJECTIONS: variable(boolean),
  /** Default: the value of RUN_PROJECTIONS. */
  RUN_REACTORS: variable(boolean),
  SMTP_URL: variable(smtpUrl),
  MAIL_FROM: variable(mailbox, 'Mentoring platform <no-reply@mentoring.localhost>'),
  MENTORSHIP_TEAM_EMAIL: variable(email, 'mentorship-team@mentoring.localhost'),
  REACTOR_TICK_SECONDS: variable(integer(0, 86_400), 60),
  PARK_AFTER_ATTEMPTS: variable(integer(1, 100), 3),
  EMAIL_MAX_AGE_HOURS: variable(integer(1, 8760), 72),
  REACTORS_HISTORY_HOURS: variable(integer(0, 87_600), 24),
  SUBSCRIBER_LEASE_SECONDS: variable(integer(1, 3600), 15),
  READY_MAX_LAG_EVENTS: variable(integer(0, 100_000_000), 1000),
  READY_MIN_FREE_DISK_MB: variable(integer(0, 10_000_000), 100),
  RESERVATION_GRACE_SECONDS: variable(integer(1, 86_400), 120),
  SQLITE_SYNCHRONOUS: variable(oneOf(['FULL', 'NORMAL']), 'FULL'),
  BODY_LIMIT_BYTES: variable(integer(1024, 50 * 1024 * 1024), 100 * 1024),
  LOG_LEVEL: variable(oneOf(['error', 'warn', 'log', 'debug', 'verbose', 'silent']), 'log'),
  LOG_FORMAT: variable(oneOf(['json', 'pretty']), 'json'),
  METRICS_PORT: variable(integer(0, 65535)),
  CORS_ORIGINS: variable(origins, []),
};

/** Every variable the configuration reads, in the schema's order (`.env.example` lists each). */
export const CONFIG_VARIABLES = Object.keys(VARIABLES) as readonly (keyof typeof VARIABLES)[];

type Variables = z.output<z.ZodObject<typeof VARIABLES>>;

/** The rules across variables: checked once every variable is valid on its own. */
function crossVariableRules(v: Variables, ctx: z.RefinementCtx<Variables>): void {
  const fail = (variable: keyof Variables, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message, input: v[variable] });
  const production = v.NODE_ENV === 'production';
  // http is for a local identity provider in tests and development.
  if (production && v.JWT_JWKS_URL?.startsWith('http:')) fail('JWT_JWKS_URL', 'must be an https:// URL');
  if (v.JWT_JWKS_URL && !v.JWT_ISSUER) fail('JWT_ISSUER', 'is required with JWT_JWKS_URL (the identity provider’s issuer)');
  if (v.JWT_JWKS_URL && !v.JWT_AUDIENCE) fail('JWT_AUDIENCE', 'is required with JWT_JWKS_URL (this API’s audience at the identity provider)');
  if (production && !v.JWT_SECRET && !v.JWT_JWKS_URL) fail('JWT_SECRET', 'or JWT_JWKS_URL is required when NODE_ENV=production (no token could be verified)');
  if (production && !v.ANALYTICS_PSEUDONYM_KEY) fail('ANALYTICS_PSEUDONYM_KEY', 'is required when NODE_ENV=production (at least 32 characters)');
  if (production && !v.KEY_ENCRYPTION_KEY) fail('KEY_ENCRYPTION_KEY', 'is required when NODE_ENV=production (at least 32 characters)');
  // The embedded read store lives in the memory of the process that writes it, so with it the projections
  // must run in the API process; with MongoDB they run in the projector by default.
  if (v.MONGODB_URI === undefined && v.RUN_PROJECTIONS === false) {
    fail('RUN_PROJECTIONS', 'cannot be false with the embedded read store (set MONGODB_URI to run projections elsewhere)');
  }
}

/** The configuration the schema yields: everything but the development secrets, generated after it accepted the rest. */
type SchemaConfig = Omit<AppConfig, 'jwtSecret' | 'jwtSecretSource' | 'analyticsPseudonymKey' | 'keyEncryptionKey'> & {
  jwtSecret?: string;
  analyticsPseudonymKey?: string;
  keyEncryptionKey?: string;
};

function toConfig(v: Variables): SchemaConfig {
  const production = v.NODE_ENV === 'production';
  const runProjections = v.RUN_PROJECTIONS ?? v.MONGODB_URI === undefined;
  return {
    nodeEnv: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    dataDir: v.DATA_DIR,
    esdbConnectionString: v.ESDB_CONNECTION_STRING,
    mongodbUri: v.MONGODB_URI,
    jwtSecret: v.JWT_SECRET,
    jwtJwksUrl: v.JWT_JWKS_URL,
    jwtIssuer: v.JWT_ISSUER,
    jwtAudience: v.JWT_AUDIENCE,
    jwtSubjectClaim: v.JWT_SUBJECT_CLAIM,
    jwtRoleClaim: v.JWT_ROLE_CLAIM,
    jwtMaxLifetimeSeconds: v.JWT_MAX_LIFETIME_SECONDS,
    jwtClockSkewSeconds: v.JWT_CLOCK_SKEW_SECONDS,
    rateLimitEnabled: v.RATE_LIMIT_ENABLED,
    rateLimitPerMinute: v.RATE_LIMIT_PER_MINUTE,
    rateLimitAuthFailuresPerMinute: v.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
    jsonMaxDepth: v.JSON_MAX_DEPTH,
    docsEnabled: v.DOCS_ENABLED ?? !production,
    idempotencyTtlHours: v.IDEMPOTENCY_TTL_HOURS,
    readStoreCacheMb: v.READ_STORE_CACHE_MB,
    heapGrowthPercent: v.HEAP_GROWTH_PERCENT,
    analyticsMinGroup: v.ANALYTICS_MIN_GROUP,
    analyticsPseudonymKey: v.ANALYTICS_PSEUDONYM_KEY,
    keyEncryptionKey: v.KEY_ENCRYPTION_KEY,
    runProjections,
    // Like the projections: in the API process with the embedded read store, in the projector with MongoDB.
    runReactors: v.RUN_REACTORS ?? runProjections,
    smtpUrl: v.SMTP_URL,
    mailFrom: v.MAIL_FROM,
    mentorshipTeamEmail: v.MENTORSHIP_TEAM_EMAIL,
    reactorTickSeconds: v.REACTOR_TICK_SECONDS,
    parkAfterAttempts: v.PARK_AFTER_ATTEMPTS,
    emailMaxAgeHours: v.EMAIL_MAX_AGE_HOURS,
    reactorsHistoryHours: v.REACTORS_HISTORY_HOURS,
    subscriberLeaseSeconds: v.SUBSCRIBER_LEASE_SECONDS,
    readyMaxLagEvents: v.READY_MAX_LAG_EVENTS,
    readyMinFreeDiskMb: v.READY_MIN_FREE_DISK_MB,
    reservationGraceSeconds: v.RESERVATION_GRACE_SECONDS,
    sqliteSynchronous: v.SQLITE_SYNCHRONOUS,
    bodyLimitBytes: v.BODY_LIMIT_BYTES,
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT,
    metricsPort: v.METRICS_PORT,
    corsOrigins: v.CORS_ORIGINS,
  };
}

/**
 * The environment's schema: one entry per variable (unknown variables are ignored), the rules across
 * variables once each is valid alone, then the configuration without its development secrets.
 */
export const configSchema = z
  .object(VARIABLES)
  .superRefine(crossVariableRules, { when: (payload) => payload.issues.length === 0 })
  .transform(toConfig);

/** The first refusal in the schema's order, as a ConfigError naming its variable. */
function configError(issues: readonly z.core.$ZodIssue[]): ConfigError {
  const order = (issue: z.core.$ZodIssue) => {
    const index = (CONFIG_VARIABLES as readonly PropertyKey[]).indexOf(issue.path[0] as PropertyKey);
    return index < 0 ? CONFIG_VARIABLES.length : index;
  };
  const first = [...issues].sort((a, b) => order(a) - order(b))[0];
  return new ConfigError(String(first.path[0] ?? 'environment'), first.message);
}

/**
 * The configuration from `env`, validated by `configSchema`: a ConfigError names the first wrong variable in the
 * schema's order (fix it and the next start reports the next one). Pure but for the development secrets: once
 * the schema accepted everything, a secret unset outside production is read from, or generated into, DATA_DIR.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) throw configError(parsed.error.issues);
  const config = parsed.data;
  // An unset secret was refused in production by the schema: these are generated outside production only.
  const generated = (name: string) => generatedSecret(config.dataDir, name);
  const jwtSecretSource: AppConfig['jwtSecretSource'] = config.jwtSecret !== undefined ? 'environment' : config.jwtJwksUrl !== undefined ? 'none' : 'generated';
  return {
    ...config,
    jwtSecret: jwtSecretSource === 'generated' ? generated('jwt-secret') : config.jwtSecret,
    jwtSecretSource,
    analyticsPseudonymKey: config.analyticsPseudonymKey ?? generated('analytics-pseudonym-key'),
    keyEncryptionKey: config.keyEncryptionKey ?? generated('key-encryption-key'),
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
