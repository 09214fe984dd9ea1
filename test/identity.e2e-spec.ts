// Issue 10, parts 1 and 2: no secret from the repository is ever a key; a development start generates its
// own key into DATA_DIR (0600) that `npm run token` uses; production needs a key; tokens from an identity
// provider (JWKS, RS256/ES256) are verified with issuer, audience, lifetime and clock checks, and a rotated
// key is picked up; subject and role come from configurable claims.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { ConfigError, loadConfig } from '@mentoring/config';
import { signToken } from '../apps/api/src/http/auth';
import { TokenVerifier } from '../apps/api/src/http/token-verifier';
import { startTestApp, tempDataDir, TestApp } from './support/test-app';

/** The development secret once committed to this repository (libs/config, before issue 10). */
const OLD_REPOSITORY_SECRET = 'development-only-secret-change-me-0123456789';
const STRONG_SECRET = 'a'.repeat(16) + 'b'.repeat(16) + 'c'.repeat(16);
const PROBE = '/admin/projections';

async function probe(t: TestApp, token: string): Promise<{ status: number; code?: string }> {
  const answer = await t.request('GET', PROBE, { token });
  return { status: answer.status, ...(answer.status >= 400 ? { code: answer.body?.code } : {}) };
}

describe('No public secret (issue 10, part 1)', () => {
  it.each(['development', 'test', 'Production', 'prod', 'staging', 'production'])(
    'a token signed with the repository’s old secret is refused with NODE_ENV=%s',
    async (nodeEnv) => {
      const env: Record<string, string> = { NODE_ENV: nodeEnv };
      if (nodeEnv === 'production') Object.assign(env, { JWT_SECRET: STRONG_SECRET, ANALYTICS_PSEUDONYM_KEY: STRONG_SECRET, KEY_ENCRYPTION_KEY: STRONG_SECRET });
      const t = await startTestApp(env);
      try {
        const forged = await signToken(OLD_REPOSITORY_SECRET, 'attacker', 'admin');
        expect(await probe(t, forged)).toEqual({ status: 401, code: 'unauthenticated' });
        // The deployment's own key works.
        expect(await probe(t, await t.token('admin', 'admin-1'))).toEqual({ status: 200 });
      } finally {
        await t.close();
      }
    },
  );

  it('refuses the old repository secret as JWT_SECRET, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'development', DATA_DIR: tempDataDir(), JWT_SECRET: OLD_REPOSITORY_SECRET })).toThrow(
      new ConfigError('JWT_SECRET', 'is a value published in the repository: generate one (openssl rand -hex 32)'),
    );
  });

  it('stops a production start without a key, naming the variables', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDataDir(), ANALYTICS_PSEUDONYM_KEY: STRONG_SECRET, KEY_ENCRYPTION_KEY: STRONG_SECRET })).toThrow(
      new ConfigError('JWT_SECRET', 'or JWT_JWKS_URL is required when NODE_ENV=production (no token could be verified)'),
    );
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDataDir(), JWT_SECRET: STRONG_SECRET, KEY_ENCRYPTION_KEY: STRONG_SECRET })).toThrow(
      new ConfigError('ANALYTICS_PSEUDONYM_KEY', 'is required when NODE_ENV=production (at least 32 characters)'),
    );
  });

  it('generates a random key into DATA_DIR (mode 0600, reused by every start), which npm run token uses', async () => {
    const dataDir = tempDataDir();
    const first = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    expect(first.jwtSecretSource).toBe('generated');
    const file = path.join(dataDir, 'secrets', 'jwt-secret');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(first.jwtSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }).jwtSecret).toBe(first.jwtSecret);
    // Another DATA_DIR, another key.
    expect(loadConfig({ NODE_ENV: 'development', DATA_DIR: tempDataDir() }).jwtSecret).not.toBe(first.jwtSecret);

    const token = execFileSync(process.execPath, [path.join(__dirname, '../apps/api/dist/cli/token.js'), '--role', 'staff', '--sub', 'staff-1'], {
      env: { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, JWT_SECRET: '' },
      encoding: 'utf8',
    }).trim();
    const t = await startTestApp({ NODE_ENV: 'development', DATA_DIR: dataDir });
    try {
      expect((await t.request('GET', '/students', { token })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

/** A local identity provider: a JWKS endpoint whose keys the test rotates. */
class LocalIdentityProvider {
  private server!: http.Server;
  keys: JWK[] = [];
  fetches = 0;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      this.fetches++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/realms/school/protocol/openid-connect/certs`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const ISSUER = 'https://idp.school.example/realms/school';
const AUDIENCE = 'mentoring-api';

describe('An identity provider (issue 10, part 2)', () => {
  const idp = new LocalIdentityProvider();
  let t: TestApp;
  let rs256: { privateKey: CryptoKey; jwk: JWK };
  let es256: { privateKey: CryptoKey; jwk: JWK };

  async function keyPair(alg: 'RS256' | 'ES256', kid: string) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
  }

  /** A Keycloak-shaped token: roles under realm_access.roles, the platform's id in `mentoring_id`. */
  function providerToken(key: { privateKey: CryptoKey; jwk: JWK }, claims: Record<string, unknown> = {}, options: { lifetime?: number; iatOffset?: number; omit?: string[] } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const iat = now + (options.iatOffset ?? 0);
    const payload: Record<string, unknown> = {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'f3a1c9e2-keycloak-user',
      mentoring_id: 'admin-7',
      realm_access: { roles: ['offline_access', 'admin', 'uma_authorization'] },
      iat,
      exp: iat + (options.lifetime ?? 600),
      ...claims,
    };
    for (const name of options.omit ?? []) delete payload[name];
    return new SignJWT(payload).setProtectedHeader({ alg: key.jwk.alg as string, kid: key.jwk.kid, typ: 'JWT' }).sign(key.privateKey);
  }

  beforeAll(async () => {
    await idp.start();
    rs256 = await keyPair('RS256', 'key-2026');
    es256 = await keyPair('ES256', 'key-2027');
    idp.keys = [rs256.jwk];
    const env = {
      NODE_ENV: 'development',
      JWT_JWKS_URL: idp.url,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWT_SUBJECT_CLAIM: 'mentoring_id',
      JWT_ROLE_CLAIM: 'realm_access.roles',
      JWT_MAX_LIFETIME_SECONDS: '3600',
      JWT_CLOCK_SKEW_SECONDS: '30',
      JWT_SECRET: STRONG_SECRET,
    };
    const config = loadConfig({ ...env, DATA_DIR: tempDataDir() });
    // A short cooldown so the test sees a rotation without waiting the production 30 s.
    t = await startTestApp(env, { tokenVerifier: new TokenVerifier(config, { jwksCooldownMs: 200 }) });
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  it('accepts an RS256 token of the provider, with the subject and role from the configured claims', async () => {
    const token = await providerToken(rs256);
    expect(await probe(t, token)).toEqual({ status: 200 });
    // The actor is the configured subject claim, not the provider's own user id.
    const answer = await t.request('POST', '/mentors', {
      token,
      body: { name: 'Joy Adams', email: 'joy@mentors.example', trainingPaths: ['web-development'], capacity: 3, disabilityFriendly: false },
    });
    expect(answer.status).toBe(201);
    const [event] = (await t.eventStore.readStream(`mentor-${answer.body.mentorId}`)).slice(0, 1);
    expect(event.metadata.actor).toEqual({ id: 'admin-7', role: 'admin' });
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example' }, {}],
    ['another audience', { aud: 'another-api' }, {}],
    ['no exp', {}, { omit: ['exp'] }],
    ['a lifetime over JWT_MAX_LIFETIME_SECONDS', {}, { lifetime: 7200 }],
    ['iat ten years ahead', {}, { iatOffset: 10 * 365 * 86_400 }],
    ['nbf in the future (beyond the skew)', { nbf: Math.floor(Date.now() / 1000) + 300 }, {}],
    ['expired (beyond the skew)', {}, { iatOffset: -700, lifetime: 600 }],
    ['no known role', { realm_access: { roles: ['offline_access'] } }, {}],
    ['two known roles', { realm_access: { roles: ['admin', 'student'] } }, {}],
    ['no subject claim', {}, { omit: ['mentoring_id'] }],
  ])('refuses a provider token with %s: 401', async (_, claims, options) => {
    expect(await probe(t, await providerToken(rs256, claims, options))).toEqual({ status: 401, code: 'unauthenticated' });
  });

  it('accepts a token issued within the clock skew', async () => {
    expect(await probe(t, await providerToken(rs256, {}, { iatOffset: 20 }))).toEqual({ status: 200 });
  });

  it('refuses a token whose key the provider does not publish, then picks up the rotated key', async () => {
    const rotatedToken = await providerToken(es256);
    expect(await probe(t, rotatedToken)).toEqual({ status: 401, code: 'unauthenticated' });
    idp.keys = [es256.jwk];
    await new Promise((resolve) => setTimeout(resolve, 250));
    const fetchesBefore = idp.fetches;
    expect(await probe(t, rotatedToken)).toEqual({ status: 200 });
    expect(idp.fetches).toBe(fetchesBefore + 1);
  });

  it('refuses alg none and a token signed with the provider’s public key as an HMAC secret', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ mentoring_id: 'x', realm_access: { roles: ['admin'] }, exp: 9_999_999_999 })).toString('base64url');
    expect(await probe(t, `${header}.${body}.`)).toEqual({ status: 401, code: 'unauthenticated' });
    const confused = await new SignJWT({ mentoring_id: 'x', realm_access: { roles: ['admin'] }, iss: ISSUER, aud: AUDIENCE })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-2027' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(es256.jwk)));
    expect(await probe(t, confused)).toEqual({ status: 401, code: 'unauthenticated' });
  });
});

describe('Local HS256 tokens (issue 10, part 2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ JWT_SECRET: STRONG_SECRET, JWT_MAX_LIFETIME_SECONDS: '3600' });
  });
  afterAll(() => t.close());

  const local = (build: (jwt: SignJWT) => SignJWT) =>
    build(new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('admin-1')).sign(new TextEncoder().encode(STRONG_SECRET));

  it('requires exp, bounds the lifetime and refuses iat in the future', async () => {
    expect(await probe(t, await local((j) => j.setIssuedAt()))).toEqual({ status: 401, code: 'unauthenticated' });
    expect(await probe(t, await local((j) => j.setIssuedAt().setExpirationTime('2h')))).toEqual({ status: 401, code: 'unauthenticated' });
    const future = Math.floor(Date.now() / 1000) + 10 * 365 * 86_400;
    expect(await probe(t, await local((j) => j.setIssuedAt(future).setExpirationTime(future + 60)))).toEqual({ status: 401, code: 'unauthenticated' });
    expect(await probe(t, await local((j) => j.setIssuedAt().setExpirationTime('30m')))).toEqual({ status: 200 });
  });
});
