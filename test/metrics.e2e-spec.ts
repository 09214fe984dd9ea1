// Issue 12, metrics: GET /metrics (admin) has the HTTP histograms by operationId, the refusals by code,
// the append latency and batch sizes, subscriber lag, e-mails and process metrics; other roles 403;
// METRICS_PORT serves the same without a token.
import * as http from 'node:http';
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { MetricsLifecycle } from '../apps/api/src/observability/metrics-lifecycle';

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

describe('metrics (issue 12)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ METRICS_PORT: '0' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('after a few requests, /metrics (admin) has the histograms, the refusals by code and the appends', async () => {
    const staff = await t.token('staff', 'staff-1');
    const student = await t.request('POST', '/students', { token: staff, body: enrolment('self_funded') });
    expect(student.status).toBe(201);
    const mentor = await t.request('POST', '/mentors', { token: staff, body: mentorBody({ capacity: 1 }) });
    expect(mentor.status).toBe(201);
    // A refusal by a decider: completing a training that has no mentor yet.
    const refused = await t.request('POST', `/students/${student.body.studentId}/completion`, { token: staff, body: {} });
    expect([403, 404, 409, 412, 422]).toContain(refused.status);
    const code = refused.body.code;

    const admin = await t.token('admin', 'admin-1');
    const answer = await t.request('GET', '/metrics', { token: admin });
    expect(answer.status).toBe(200);
    expect(String(answer.headers['content-type'])).toMatch(/^text\/plain/);
    const text: string = answer.raw;
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="[^"]+",operationId="EnrolStudent",method="POST",status="201"\} 1/);
    expect(text).toMatch(/http_request_duration_seconds_count\{operationId="RegisterMentor",method="POST",status="201"\} 1/);
    expect(text).toContain(`commands_refused_total{code="${code}"} 1`);
    expect(text).toMatch(/event_store_append_duration_seconds_count\{outcome="ok"\} [1-9]/);
    expect(text).toMatch(/event_store_append_batch_size_count [1-9]/);
    expect(text).toMatch(/projection_lag_events\{projection="student-profiles"\} \d+/);
    expect(text).toMatch(/reactor_lag_events\{reactor="assignment-email"\} \d+/);
    expect(text).toContain('emails_total{outcome="sent"}');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('is for admins only: another role gets 403, no token 401', async () => {
    expect((await t.request('GET', '/metrics', { token: await t.token('staff', 'staff-1') })).status).toBe(403);
    expect((await t.request('GET', '/metrics')).status).toBe(401);
  });

  it('METRICS_PORT serves the same text without a token', async () => {
    const port = t.app.get(MetricsLifecycle).port!;
    expect(port).toBeGreaterThan(0);
    const answer = await get(port, '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/plain/);
    expect(answer.body).toContain('http_request_duration_seconds_bucket{');
    expect((await get(port, '/other')).status).toBe(404);
  });
});
