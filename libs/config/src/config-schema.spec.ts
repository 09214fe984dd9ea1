// The configuration's zod schema (issue 12, point 5): every variable refused naming it, defaults when unset
// or blank, the rules across variables and those of production; secrets generated only once all is valid.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppConfig, CONFIG_VARIABLES, ConfigError, loadConfig } from './config';

const KEY = 'k'.repeat(16) + 'e'.repeat(16) + 'y'.repeat(16);
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: KEY, ANALYTICS_PSEUDONYM_KEY: KEY, KEY_ENCRYPTION_KEY: KEY };
type Variable = (typeof CONFIG_VARIABLES)[number];
type Env = Record<string, string | undefined>;

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-schema-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** loadConfig's refusal, as the variable it names and its message. */
function refusal(env: Env): { variable: string; message: string } | undefined {
  try {
    loadConfig({ DATA_DIR: dataDir, ...env });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return { variable: (error as ConfigError).variable, message: (error as ConfigError).message };
  }
}

/**
 * For each variable, values refused (with the rest of the environment, when the rule spans variables) and the
 * start of the message after the variable's name. `null`: any value is accepted (free text).
 */
const REFUSED: Record<Variable, null | [value: string, message: string, env?: Env][]> = {
  NODE_ENV: null,
  PORT: [['http', 'must be an integer, got "http"'], ['65536', 'must be between 0 and 65535, got 65536'], ['-1', 'must be an integer']],
  HOST: null,
  DATA_DIR: [[__filename, 'cannot read']], // a file, not a folder: the generated secrets cannot live there
  ESDB_CONNECTION_STRING: [['http://localhost:2113', 'must start with esdb:// or esdb+discover://']],
  MONGODB_URI: [['postgres://localhost/x', 'must start with mongodb:// or mongodb+srv://']],
  JWT_SECRET: [
    ['short', 'must be at least 32 characters (HS256 key)'],
    ['development-only-secret-change-me-0123456789', 'is a value published in the repository'],
  ],
  JWT_JWKS_URL: [
    ['not a url', 'must be a URL, got "not a url"'],
    ['ftp://idp.example/jwks', 'must be an https:// URL'],
    ['http://idp.example/jwks', 'must be an https:// URL', { ...PRODUCTION, JWT_ISSUER: 'iss', JWT_AUDIENCE: 'aud' }],
  ],
  JWT_ISSUER: [['', 'is required with JWT_JWKS_URL', { JWT_JWKS_URL: 'https://idp.example/jwks', JWT_AUDIENCE: 'aud' }]],
  JWT_AUDIENCE: [['', 'is required with JWT_JWKS_URL', { JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'iss' }]],
  JWT_SUBJECT_CLAIM: [['a..b', 'must be a claim name'], ['x y', 'must be a claim name']],
  JWT_ROLE_CLAIM: [['.role', 'must be a claim name'], ['r'.repeat(201), 'must be a claim name']],
  JWT_MAX_LIFETIME_SECONDS: [['59', 'must be between 60 and 2592000, got 59']],
  JWT_CLOCK_SKEW_SECONDS: [['601', 'must be between 0 and 600, got 601']],
  RATE_LIMIT_ENABLED: [['yes', 'must be true or false, got "yes"'], ['TRUE', 'must be true or false']],
  RATE_LIMIT_PER_MINUTE: [['0', 'must be between 1 and 1000000, got 0']],
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: [['1.5', 'must be an integer, got "1.5"']],
  JSON_MAX_DEPTH: [['1', 'must be between 2 and 256, got 1']],
  DOCS_ENABLED: [['no', 'must be true or false']],
  IDEMPOTENCY_TTL_HOURS: [['0', 'must be between 1 and 8760']],
  READ_STORE_CACHE_MB: [['x', 'must be an integer, got "x"'], ['65537', 'must be between 0 and 65536']],
  HEAP_GROWTH_PERCENT: [['1001', 'must be between 0 and 1000, got 1001'], ['1.5', 'must be an integer']],
  ANALYTICS_MIN_GROUP: [['1001', 'must be between 1 and 1000']],
  ANALYTICS_PSEUDONYM_KEY: [['short', 'must be at least 32 characters']],
  KEY_ENCRYPTION_KEY: [['short', 'must be at least 32 characters']],
  RUN_PROJECTIONS: [['maybe', 'must be true or false'], ['false', 'cannot be false with the embedded read store']],
  RUN_REACTORS: [['2', 'must be true or false']],
  SMTP_URL: [['not a url', 'must be a URL such as smtp://'], ['http://smtp.example', 'must start with smtp:// or smtps://, got "http://"']],
  MAIL_FROM: [['Mentoring <nobody>', 'must be an address or "Name <address>"']],
  MENTORSHIP_TEAM_EMAIL: [['team', 'must be an e-mail address, got "team"']],
  REACTOR_TICK_SECONDS: [['86401', 'must be between 0 and 86400']],
  PARK_AFTER_ATTEMPTS: [['0', 'must be between 1 and 100']],
  EMAIL_MAX_AGE_HOURS: [['8761', 'must be between 1 and 8760']],
  REACTORS_HISTORY_HOURS: [['x', 'must be an integer']],
  SUBSCRIBER_LEASE_SECONDS: [['3601', 'must be between 1 and 3600']],
  READY_MAX_LAG_EVENTS: [['-5', 'must be an integer']],
  READY_MIN_FREE_DISK_MB: [['10000001', 'must be between 0 and 10000000']],
  RESERVATION_GRACE_SECONDS: [['0', 'must be between 1 and 86400']],
  SQLITE_SYNCHRONOUS: [['full', 'must be one of FULL, NORMAL, got "full"'], ['OFF', 'must be one of FULL, NORMAL']],
  BODY_LIMIT_BYTES: [['1023', 'must be between 1024 and 52428800']],
  LOG_LEVEL: [['info', 'must be one of error, warn, log, debug, verbose, silent, got "info"']],
  LOG_FORMAT: [['text', 'must be one of json, pretty']],
  METRICS_PORT: [['70000', 'must be between 0 and 65535']],
  CORS_ORIGINS: [['https://app.example/', 'must be a comma-separated list of http(s) origins without a path']],
};

const DEFAULTS: Omit<AppConfig, 'dataDir' | 'jwtSecret' | 'analyticsPseudonymKey' | 'keyEncryptionKey'> = {
  nodeEnv: 'development',
  port: 3000,
  host: '127.0.0.1',
  esdbConnectionString: undefined,
  mongodbUri: undefined,
  jwtSecretSource: 'generated',
  jwtJwksUrl: undefined,
  jwtIssuer: undefined,
  jwtAudience: undefined,
  jwtSubjectClaim: 'sub',
  jwtRoleClaim: 'role',
  jwtMaxLifetimeSeconds: 43_200,
  jwtClockSkewSeconds: 30,
  rateLimitEnabled: true,
  rateLimitPerMinute: 1200,
  rateLimitAuthFailuresPerMinute: 30,
  jsonMaxDepth: 32,
  docsEnabled: true,
  idempotencyTtlHours: 24,
  readStoreCacheMb: 16,
  heapGrowthPercent: 100,
  analyticsMinGroup: 5,
  runProjections: true,
  runReactors: true,
  smtpUrl: undefined,
  mailFrom: 'Mentoring platform <no-reply@mentoring.localhost>',
  mentorshipTeamEmail: 'mentorship-team@mentoring.localhost',
  reactorTickSeconds: 60,
  parkAfterAttempts: 3,
  emailMaxAgeHours: 72,
  reactorsHistoryHours: 24,
  subscriberLeaseSeconds: 15,
  readyMaxLagEvents: 1000,
  readyMinFreeDiskMb: 100,
  reservationGraceSeconds: 120,
  sqliteSynchronous: 'FULL',
  bodyLimitBytes: 102_400,
  logLevel: 'log',
  logFormat: 'json',
  metricsPort: undefined,
  corsOrigins: [],
};

describe('the configuration schema', () => {
  it('has one entry per variable, each in the table below', () => {
    expect(new Set(CONFIG_VARIABLES).size).toBe(CONFIG_VARIABLES.length);
    expect([...CONFIG_VARIABLES].sort()).toEqual(Object.keys(REFUSED).sort());
  });

  describe.each(CONFIG_VARIABLES.filter((name) => REFUSED[name] !== null))('%s', (name) => {
    // Rows of three: a test function with more parameters than its row has values would wait for `done`.
    const rows = REFUSED[name]!.map(([value, message, env]): [string, string, Env] => [value, message, env ?? {}]);
    it.each(rows)(`refuses ${name}=%j naming the variable`, (value, message, env) => {
      expect(refusal({ ...env, [name]: value })).toEqual({ variable: name, message: expect.stringContaining(`Invalid configuration: ${name} ${message}`) });
    });
  });

  it('reports the first wrong variable in the schema’s order, whatever the environment’s order', () => {
    expect(refusal({ LOG_LEVEL: 'info', CORS_ORIGINS: '/', PORT: 'x' })?.variable).toBe('PORT');
    // Each variable alone before the rules across variables.
    expect(refusal({ NODE_ENV: 'production', LOG_FORMAT: 'text' })?.variable).toBe('LOG_FORMAT');
    expect(refusal({ NODE_ENV: 'production' })?.variable).toBe('JWT_SECRET');
    expect(refusal({ NODE_ENV: 'production', JWT_SECRET: KEY })?.variable).toBe('ANALYTICS_PSEUDONYM_KEY');
  });

  it('gives every default when a variable is unset, and when it is blank', () => {
    const unset = loadConfig({ DATA_DIR: dataDir });
    expect(unset).toEqual({ ...DEFAULTS, dataDir, jwtSecret: expect.stringMatching(/^[0-9a-f]{64}$/), analyticsPseudonymKey: expect.stringMatching(/^[0-9a-f]{64}$/), keyEncryptionKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const blank = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, ' \t ']));
    expect(loadConfig({ ...blank, DATA_DIR: dataDir })).toEqual(unset);
    // ./data by default, resolved; values are trimmed.
    expect(loadConfig({ DATA_DIR: ' ', NODE_ENV: 'production', ...PRODUCTION }).dataDir).toBe(path.resolve('./data'));
    expect(loadConfig({ DATA_DIR: dataDir, PORT: ' 8080 ', HOST: ' 0.0.0.0 ' })).toMatchObject({ port: 8080, host: '0.0.0.0' });
  });

  it('defaults that follow other variables: projections and reactors with MongoDB, docs in production', () => {
    expect(loadConfig({ DATA_DIR: dataDir, MONGODB_URI: 'mongodb://localhost/x' })).toMatchObject({ runProjections: false, runReactors: false });
    expect(loadConfig({ DATA_DIR: dataDir, MONGODB_URI: 'mongodb://localhost/x', RUN_PROJECTIONS: '1' })).toMatchObject({ runProjections: true, runReactors: true });
    expect(loadConfig({ DATA_DIR: dataDir, RUN_REACTORS: '0' })).toMatchObject({ runProjections: true, runReactors: false });
    expect(loadConfig({ DATA_DIR: dataDir, ...PRODUCTION }).docsEnabled).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir, ...PRODUCTION, DOCS_ENABLED: 'true' }).docsEnabled).toBe(true);
  });

  it('reads every kind of value', () => {
    expect(
      loadConfig({
        DATA_DIR: dataDir,
        ESDB_CONNECTION_STRING: 'kurrentdb://localhost:2113?tls=false',
        JWT_JWKS_URL: 'http://127.0.0.1:8080/jwks',
        JWT_ISSUER: 'https://idp',
        JWT_AUDIENCE: 'api',
        JWT_ROLE_CLAIM: 'realm_access.roles',
        SQLITE_SYNCHRONOUS: 'NORMAL',
        LOG_LEVEL: 'silent',
        METRICS_PORT: '9464',
        CORS_ORIGINS: 'HTTPS://App.Example:443, http://localhost:5173',
      }),
    ).toMatchObject({
      esdbConnectionString: 'kurrentdb://localhost:2113?tls=false',
      jwtJwksUrl: 'http://127.0.0.1:8080/jwks',
      jwtSecret: undefined,
      jwtSecretSource: 'none',
      jwtRoleClaim: 'realm_access.roles',
      sqliteSynchronous: 'NORMAL',
      logLevel: 'silent',
      metricsPort: 9464,
      corsOrigins: ['https://app.example', 'http://localhost:5173'],
    });
  });
});

describe('production', () => {
  it('requires a token key (JWT_SECRET or JWT_JWKS_URL), ANALYTICS_PSEUDONYM_KEY and KEY_ENCRYPTION_KEY, and generates none', () => {
    for (const name of ['JWT_SECRET', 'ANALYTICS_PSEUDONYM_KEY', 'KEY_ENCRYPTION_KEY'] as const) {
      expect(refusal({ ...PRODUCTION, [name]: undefined })).toEqual({ variable: name, message: expect.stringMatching(new RegExp(`^Invalid configuration: ${name} .*required when NODE_ENV=production`)) });
    }
    expect(fs.existsSync(path.join(dataDir, 'secrets'))).toBe(false);
    const config = loadConfig({ DATA_DIR: dataDir, ...PRODUCTION });
    expect(config).toMatchObject({ jwtSecret: KEY, jwtSecretSource: 'environment', analyticsPseudonymKey: KEY, keyEncryptionKey: KEY });
    expect(fs.existsSync(path.join(dataDir, 'secrets'))).toBe(false);
  });

  it('accepts an identity provider instead of JWT_SECRET, over https only', () => {
    const idp = { ...PRODUCTION, JWT_SECRET: undefined, JWT_ISSUER: 'https://idp', JWT_AUDIENCE: 'api' };
    expect(loadConfig({ DATA_DIR: dataDir, ...idp, JWT_JWKS_URL: 'https://idp/jwks' })).toMatchObject({ jwtSecret: undefined, jwtSecretSource: 'none', jwtJwksUrl: 'https://idp/jwks' });
    expect(refusal({ ...idp, JWT_JWKS_URL: 'http://idp/jwks' })).toEqual({ variable: 'JWT_JWKS_URL', message: 'Invalid configuration: JWT_JWKS_URL must be an https:// URL' });
  });

  it('NODE_ENV is production only when exactly that', () => {
    expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'Production' })).toMatchObject({ nodeEnv: 'Production', docsEnabled: true, jwtSecretSource: 'generated' });
  });
});

describe('development secrets', () => {
  it('are generated into DATA_DIR only once the schema accepted everything', () => {
    expect(refusal({ PORT: 'x' })?.variable).toBe('PORT');
    expect(refusal({ RUN_PROJECTIONS: 'false' })?.variable).toBe('RUN_PROJECTIONS');
    expect(fs.existsSync(path.join(dataDir, 'secrets'))).toBe(false);
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(fs.readdirSync(path.join(dataDir, 'secrets')).sort()).toEqual(['analytics-pseudonym-key', 'jwt-secret', 'key-encryption-key']);
    expect(loadConfig({ DATA_DIR: dataDir })).toEqual(config);
  });

  it('a secret set in the environment is used, not generated', () => {
    expect(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: KEY, KEY_ENCRYPTION_KEY: KEY })).toMatchObject({ jwtSecret: KEY, jwtSecretSource: 'environment', keyEncryptionKey: KEY });
    expect(fs.readdirSync(path.join(dataDir, 'secrets'))).toEqual(['analytics-pseudonym-key']);
  });
});
