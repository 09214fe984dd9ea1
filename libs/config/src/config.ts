// Configuration from the environment, validated once at boot: a bad value stops the process with a
// message that names the variable. Every variable is listed, with its default, in `.env.example`.
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
  jwtSecret: string;
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
  /**
   * Lifetime of a subscriber's lease in seconds: one runner at a time runs each projection and reactor;
   * when it dies, another takes over within about this time (ADR 0004). Renewed every third of it.
   */
  subscriberLeaseSeconds: number;
  /** How long a caseload or calendar reservation may wait for its fact before the reconciler lapses and releases it. */
  reservationGraceSeconds: number;
  /** `FULL` (default) makes every acknowledged append survive power loss; `NORMAL` trades that for speed. */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Largest accepted request body in bytes. */
  bodyLimitBytes: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose' | 'silent';
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

/** Only ever used when NODE_ENV is not `production`; printed as a warning at boot. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-change-me-0123456789';

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
  let jwtSecret = optional(env, 'JWT_SECRET');
  if (!jwtSecret) {
    if (nodeEnv === 'production') throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
    jwtSecret = DEVELOPMENT_JWT_SECRET;
  } else if (jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters (HS256 key)');
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
    host: optional(env, 'HOST') ?? '0.0.0.0',
    dataDir: path.resolve(optional(env, 'DATA_DIR') ?? './data'),
    esdbConnectionString,
    mongodbUri,
    jwtSecret,
    runProjections,
    // Like the projections: in the API process with the embedded read store, in the projector with MongoDB.
    runReactors: boolean(env, 'RUN_REACTORS', runProjections),
    smtpUrl: smtpUrl(env, 'SMTP_URL'),
    mailFrom: mailbox(env, 'MAIL_FROM', 'Mentoring platform <no-reply@mentoring.localhost>'),
    mentorshipTeamEmail: email(env, 'MENTORSHIP_TEAM_EMAIL', 'mentorship-team@mentoring.localhost'),
    reactorTickSeconds: integer(env, 'REACTOR_TICK_SECONDS', 60, 0, 86_400),
    parkAfterAttempts: integer(env, 'PARK_AFTER_ATTEMPTS', 3, 1, 100),
    subscriberLeaseSeconds: integer(env, 'SUBSCRIBER_LEASE_SECONDS', 15, 1, 3600),
    reservationGraceSeconds: integer(env, 'RESERVATION_GRACE_SECONDS', 120, 1, 86_400),
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['FULL', 'NORMAL'] as const, 'FULL'),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 100 * 1024, 1024, 50 * 1024 * 1024),
    logLevel: oneOf(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug', 'verbose', 'silent'] as const, 'log'),
    corsOrigins: origins(env, 'CORS_ORIGINS'),
  };
}
