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
  /** Run projections (and later reactors) inside the API process. */
  runProjections: boolean;
  /** `FULL` (default) makes every acknowledged append survive power loss; `NORMAL` trades that for speed. */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Largest accepted request body in bytes. */
  bodyLimitBytes: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose' | 'silent';
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
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['FULL', 'NORMAL'] as const, 'FULL'),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 100 * 1024, 1024, 50 * 1024 * 1024),
    logLevel: oneOf(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug', 'verbose', 'silent'] as const, 'log'),
  };
}
