// Browser frontends (CORS_ORIGINS): preflights from a listed origin are answered, other origins get no
// CORS header; a wrong method on a known path is 405 with Allow, an unknown path still 404.
import { startTestApp, TestApp } from './support/test-app';

const APP = 'https://app.school.example';
const EXPOSED = 'ETag, Location, X-Global-Position, Idempotent-Replayed, Retry-After, X-Correlation-Id';

function corsHeaders(headers: Record<string, unknown>): string[] {
  return Object.keys(headers).filter((name) => name.startsWith('access-control-'));
}

describe('CORS with CORS_ORIGINS set', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: `${APP}, https://admin.school.example` });
  });
  afterAll(() => t.close());

  it('answers a preflight from an allowed origin with 204 and the CORS headers', async () => {
    const answer = await t.request('OPTIONS', '/students', {
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, if-match, idempotency-key' },
    });
    expect(answer.status).toBe(204);
    expect(answer.raw).toBe('');
    expect(answer.headers['access-control-allow-origin']).toBe(APP);
    expect(answer.headers['access-control-allow-methods']).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
    expect(answer.headers['access-control-allow-headers']).toBe('authorization, content-type, if-match, idempotency-key');
    expect(answer.headers['access-control-max-age']).toBe('600');
    expect(answer.headers['access-control-expose-headers']).toBe(EXPOSED);
    expect(String(answer.headers.vary)).toMatch(/Origin/i);
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('answers a preflight on a path with parameters too', async () => {
    const answer = await t.request('OPTIONS', '/students/s-1/sessions', { headers: { origin: 'https://admin.school.example', 'access-control-request-method': 'POST' } });
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe('https://admin.school.example');
  });

  it('gives another origin no CORS header, and no server error', async () => {
    const preflight = await t.request('OPTIONS', '/students', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBeLessThan(500);
    expect(preflight.status).not.toBe(204);
    expect(corsHeaders(preflight.headers)).toEqual([]);
    const simple = await t.request('GET', '/health', { headers: { origin: 'https://evil.example' } });
    expect(simple.status).toBeLessThan(500);
    expect(corsHeaders(simple.headers)).toEqual([]);
  });

  it('echoes an allowed origin on a simple request and exposes the command headers', async () => {
    const answer = await t.request('GET', '/students/nobody', { headers: { origin: APP } });
    expect(answer.status).toBe(401);
    expect(answer.headers['access-control-allow-origin']).toBe(APP);
    expect(answer.headers['access-control-expose-headers']).toBe(EXPOSED);
    expect(String(answer.headers.vary)).toMatch(/Origin/i);
  });

  it('adds nothing to a request without Origin', async () => {
    const answer = await t.request('GET', '/students/nobody');
    expect(corsHeaders(answer.headers)).toEqual([]);
  });
});

describe('CORS_ORIGINS=*', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: '*' });
  });
  afterAll(() => t.close());

  it('allows any origin', async () => {
    const answer = await t.request('OPTIONS', '/mentors', { headers: { origin: 'https://anything.example', 'access-control-request-method': 'POST' } });
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe('https://anything.example');
  });
});

describe('without CORS_ORIGINS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('sends no CORS header, even to a preflight', async () => {
    const preflight = await t.request('OPTIONS', '/students', { headers: { origin: APP, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBeLessThan(500);
    expect(corsHeaders(preflight.headers)).toEqual([]);
    const simple = await t.request('GET', '/students/nobody', { headers: { origin: APP } });
    expect(corsHeaders(simple.headers)).toEqual([]);
  });

  it('answers a wrong method on a known path with 405 and Allow', async () => {
    const answer = await t.request('DELETE', '/students');
    expect(answer.status).toBe(405);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    // POST (enrol), and GET/HEAD once students can be listed.
    expect(String(answer.headers.allow).split(', ')).toEqual(expect.arrayContaining(['POST']));
    expect(String(answer.headers.allow)).not.toMatch(/DELETE/);
    expect(answer.body).toMatchObject({ status: 405, code: 'method_not_allowed', title: 'Method Not Allowed', instance: '/students' });
  });

  it('answers 405 on a path with parameters, listing its methods', async () => {
    const answer = await t.request('PUT', '/students/s-1');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toEqual(expect.stringContaining('GET'));
    expect(answer.headers.allow).toEqual(expect.stringContaining('HEAD'));
    expect(answer.body.code).toBe('method_not_allowed');
  });

  it('still answers an unknown path with 404 route_not_found', async () => {
    for (const method of ['GET', 'DELETE']) {
      const answer = await t.request(method, '/nowhere/at-all');
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('route_not_found');
      expect(answer.headers.allow).toBeUndefined();
    }
  });
});
