// Secure by default (issue 10): JSON depth limit, rate limits, every framework error as problem+json,
// security headers and no-store, docs off on demand, correlation ids checked and echoed.
import * as net from 'node:net';
import { allEvents, mentorBody, startTestApp, TestApp } from './support/test-app';

const deepArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

function expectProblem(answer: { status: number; headers: Record<string, unknown>; body: any }, status: number, code: string) {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
  expect(String(answer.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ status, code, title: expect.any(String), type: expect.any(String) });
}

function expectSecurityHeaders(headers: Record<string, unknown>) {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(String(headers['strict-transport-security'])).toMatch(/^max-age=\d+/);
  expect(String(headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  expect(headers['cache-control']).toBe('no-store');
  expect(String(headers['x-correlation-id'])).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
}

describe('JSON nesting deeper than JSON_MAX_DEPTH', () => {
  let t: TestApp;
  let staff: string;
  let commandPaths: string[];
  const output: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'log' });
    staff = await t.token('staff', 'staff-1');
    const document = JSON.parse((await t.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' })).body);
    commandPaths = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .filter(([, methods]) => 'post' in methods)
      .map(([path]) => path.replace(/\{[^}]+\}/g, 'abc-1'));
    // Capture what the application logs (LOG_LEVEL=log): a client's error must not log a stack trace.
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (output.push(String(chunk)), (writes.out as any).call(process.stdout, chunk, ...rest))) as typeof process.stdout.write;
    process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => (output.push(String(chunk)), (writes.err as any).call(process.stderr, chunk, ...rest))) as typeof process.stderr.write;
  });
  afterAll(async () => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    await t.close();
  });

  it('knows the command routes from the served document', () => {
    expect(commandPaths.length).toBeGreaterThanOrEqual(25);
    expect(commandPaths).toContain('/students');
  });

  it('answers 400 json_too_deep on every command route for 1,500 nested arrays and 3,000 nested objects, appends nothing, logs no error', async () => {
    const before = (await allEvents(t.eventStore)).length;
    output.length = 0;
    for (const path of commandPaths) {
      for (const rawBody of [deepArrays(1500), deepObjects(3000)]) {
        for (const idempotency of [{}, { 'idempotency-key': `deep-${path}` }]) {
          const answer = await t.request('POST', path, { token: staff, rawBody, headers: { 'content-type': 'application/json', ...idempotency } });
          expectProblem(answer, 400, 'json_too_deep');
        }
      }
    }
    expect((await allEvents(t.eventStore)).length).toBe(before);
    expect(output.join('')).not.toMatch(/ERROR|RangeError|stack size|\n\s+at /);
  });

  it('refuses before authentication too (nothing deep is parsed for anyone)', async () => {
    expectProblem(await t.request('POST', '/students', { rawBody: deepArrays(100), headers: { 'content-type': 'application/json' } }), 400, 'json_too_deep');
  });

  it('accepts JSON_MAX_DEPTH (32) levels, and does not count brackets inside strings', async () => {
    const at32 = await t.request('POST', '/mentors', { token: staff, rawBody: JSON.stringify({ ...mentorBody(), extra: JSON.parse(deepArrays(31)) }), headers: { 'content-type': 'application/json' } });
    expectProblem(at32, 400, 'validation_failed');
    const at33 = await t.request('POST', '/mentors', { token: staff, rawBody: JSON.stringify({ ...mentorBody(), extra: JSON.parse(deepArrays(32)) }), headers: { 'content-type': 'application/json' } });
    expectProblem(at33, 400, 'json_too_deep');
    const bracketsInStrings = await t.request('POST', '/mentors', { token: staff, body: mentorBody({ name: `Joy ${'[{'.repeat(40)} "\\" ${']'.repeat(10)}` }) });
    expect({ status: bracketsInStrings.status, body: bracketsInStrings.body?.code }).toEqual({ status: 201, body: undefined });
  });
});

describe('rate limits (RATE_LIMIT_PER_MINUTE=20, RATE_LIMIT_AUTH_FAILURES_PER_MINUTE=5)', () => {
  /** A fresh app (fresh counters) per describe block, with small limits. */
  const appWithLimits = () => {
    const holder = {} as { t: TestApp };
    beforeAll(async () => {
      holder.t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '20', RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '5' });
    });
    afterAll(() => holder.t.close());
    return holder;
  };

  describe('per subject', () => {
    const app = appWithLimits();

    it('answers 429 rate_limited with Retry-After once a subject is over its burst; other subjects and /health go on', async () => {
      const { t } = app;
      const staff = await t.token('staff', 'staff-1');
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<TestApp['request']>> | undefined;
      for (let i = 0; i < 25 && !limited; i++) {
        const answer = await t.request('GET', '/mentors', { token: staff });
        statuses.push(answer.status);
        if (answer.status === 429) limited = answer;
      }
      // The token's first request is counted against the address (not verified yet), the next 20 against the subject.
      expect(statuses.filter((s) => s === 200).length).toBe(21);
      expectProblem(limited!, 429, 'rate_limited');
      const retryAfter = Number(limited!.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      expectSecurityHeaders(limited!.headers);

      expect((await t.request('GET', '/mentors', { token: await t.token('admin', 'admin-1') })).status).toBe(200);
      expect((await t.request('GET', '/health')).status).toBe(200);
    });
  });

  describe('per address, for forged tokens', () => {
    const app = appWithLimits();

    it('answers 401 to 5 forged tokens, then 429 before verification to anyone without a verified token from that address', async () => {
      const { t } = app;
      const staff = await t.token('staff', 'staff-1');
      expect((await t.request('GET', '/mentors', { token: staff })).status).toBe(200);
      // Requests without credentials are not failed authentications (nothing verified): still 401.
      for (let i = 0; i < 8; i++) expectProblem(await t.request('GET', '/mentors'), 401, 'unauthenticated');

      const forged = (i: number) => `${staff.split('.').slice(0, 2).join('.')}.${Buffer.from(`forged-${i}`).toString('base64url')}`;
      for (let i = 0; i < 5; i++) expectProblem(await t.request('GET', '/mentors', { token: forged(i) }), 401, 'unauthenticated');
      const before = (await allEvents(t.eventStore)).length;
      for (let i = 5; i < 10; i++) {
        const answer = await t.request('POST', '/mentors', { token: forged(i), body: mentorBody() });
        expectProblem(answer, 429, 'rate_limited');
        expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      expect((await allEvents(t.eventStore)).length).toBe(before);
      expectProblem(await t.request('GET', '/mentors'), 429, 'rate_limited');
      expect((await t.request('GET', '/health')).status).toBe(200);
      // A token this process has verified is its subject's, whatever its address did.
      expect((await t.request('GET', '/mentors', { token: staff })).status).toBe(200);
    });
  });

  describe('per address, without a verified token', () => {
    const app = appWithLimits();

    it('counts anonymous requests against RATE_LIMIT_PER_MINUTE for the address', async () => {
      const { t } = app;
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await t.request('GET', '/nowhere')).status);
      // The contract checker's one GET /docs-json counts too.
      expect(statuses.filter((s) => s === 404).length).toBe(19);
      expect(statuses.slice(19).every((s) => s === 429)).toBe(true);
    });
  });
});

describe('security headers, Cache-Control, framework errors, correlation ids', () => {
  let t: TestApp;
  let staff: string;
  beforeAll(async () => {
    t = await startTestApp();
    staff = await t.token('staff', 'staff-1');
  });
  afterAll(() => t.close());

  it('sets the security headers and no-store on answers, errors and 404s alike', async () => {
    const answers = [
      await t.request('GET', '/health'),
      await t.request('GET', '/mentors', { token: staff }),
      await t.request('GET', '/mentors'),
      await t.request('GET', '/nowhere'),
      await t.request('POST', '/mentors', { token: staff, body: mentorBody() }),
      await t.request('GET', '/students/abc-1/history?format=csv', { token: staff }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 404, 201, 404]);
    for (const answer of answers) expectSecurityHeaders(answer.headers);
  });

  it('serves Swagger UI under its Content-Security-Policy: same-origin scripts and styles, no inline script', async () => {
    const fastify = t.app.getHttpAdapter().getInstance();
    const page = await fastify.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self' 'unsafe-inline'/);
    expect(csp).toMatch(/img-src 'self' data:/);
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('http') && !u.startsWith('#'));
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      const url = new URL(asset, 'http://api.local/docs').pathname;
      const answer = await fastify.inject({ method: 'GET', url });
      expect({ url, status: answer.statusCode }).toEqual({ url, status: 200 });
    }
    expect((await fastify.inject({ method: 'GET', url: '/docs-json' })).statusCode).toBe(200);
  });

  it('answers an over-long path parameter 414 uri_too_long and a malformed URL 400 invalid_url, as problem+json with the headers', async () => {
    const long = await t.request('GET', `/students/${'a'.repeat(200)}`, { token: staff });
    expectProblem(long, 414, 'uri_too_long');
    expectSecurityHeaders(long.headers);
    const bad = await t.request('GET', '/students/%E0%A4%A', { token: staff });
    expectProblem(bad, 400, 'invalid_url');
    expectSecurityHeaders(bad.headers);
  });

  it('answers a Content-Length that does not match the body 400 invalid_content_length', async () => {
    const answer = await t.request('POST', '/mentors', { token: staff, rawBody: '{}', headers: { 'content-type': 'application/json', 'content-length': '5' } });
    expectProblem(answer, 400, 'invalid_content_length');
  });

  it('answers headers over the size limit 431 headers_too_large, as problem+json, over a real socket', async () => {
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as net.AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
      let data = '';
      socket.on('data', (chunk) => (data += chunk));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(head).toMatch(/x-content-type-options: nosniff/i);
    expect(JSON.parse(body)).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('writes a valid X-Correlation-Id into the events and echoes it; generates one when absent', async () => {
    const sent = await t.request('POST', '/mentors', { token: staff, body: mentorBody({ email: 'c1@mentors.example' }), headers: { 'x-correlation-id': 'Req.42_a:b-C' } });
    expect(sent.status).toBe(201);
    expect(sent.headers['x-correlation-id']).toBe('Req.42_a:b-C');
    const generated = await t.request('POST', '/mentors', { token: staff, body: mentorBody({ email: 'c2@mentors.example' }) });
    expect(String(generated.headers['x-correlation-id'])).toMatch(/^[0-9a-f-]{36}$/);
    const events = await allEvents(t.eventStore);
    expect(events.find((e) => e.streamId.endsWith(sent.body.mentorId))?.metadata.correlationId).toBe('Req.42_a:b-C');
    expect(events.find((e) => e.streamId.endsWith(generated.body.mentorId))?.metadata.correlationId).toBe(generated.headers['x-correlation-id']);
  });

  it.each([
    ['5,000 characters', 'a'.repeat(5000)],
    ['129 characters', 'a'.repeat(129)],
    ['a space', 'a b'],
    ['a slash', 'a/b'],
    ['non-ASCII', 'café'],
  ])('refuses an X-Correlation-Id with %s: 400 invalid_correlation_id, nothing appended, a generated id echoed', async (_name, value) => {
    const before = (await allEvents(t.eventStore)).length;
    const answer = await t.request('POST', '/mentors', { token: staff, body: mentorBody({ email: 'c3@mentors.example' }), headers: { 'x-correlation-id': value } });
    expectProblem(answer, 400, 'invalid_correlation_id');
    expect(String(answer.headers['x-correlation-id'])).toMatch(/^[0-9a-f-]{36}$/);
    expectSecurityHeaders(answer.headers);
    expect((await allEvents(t.eventStore)).length).toBe(before);
  });

  it('checks X-Correlation-Id on queries and /health too', async () => {
    expectProblem(await t.request('GET', '/health', { headers: { 'x-correlation-id': 'no spaces' } }), 400, 'invalid_correlation_id');
    expect((await t.request('GET', '/mentors', { token: staff, headers: { 'x-correlation-id': 'q-1' } })).headers['x-correlation-id']).toBe('q-1');
  });
});

describe('DOCS_ENABLED=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DOCS_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  it('answers /docs and /docs-json 404 route_not_found', async () => {
    const fastify = t.app.getHttpAdapter().getInstance();
    for (const url of ['/docs', '/docs-json', '/docs/swagger-ui-init.js']) {
      const answer = await fastify.inject({ method: 'GET', url });
      expect({ url, status: answer.statusCode, code: JSON.parse(answer.body).code }).toEqual({ url, status: 404, code: 'route_not_found' });
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
