// Issue 12, logs: one JSON line per request (method, route, operationId, status, durationMs,
// correlationId, actor), no personal data, a client's error at info without a stack, a server's error at
// error with its stack, a 504 of ?waitFor= at warn; Nest's own lines as JSON with their context.
import { Writable } from 'node:stream';
import { createEventStore, EventStore, EventStoreUnavailableError } from '@mentoring/event-store';
import { enrolment, startTestApp, tempDataDir, TestApp } from './support/test-app';

class Capture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
    done();
  }
  records(): Array<Record<string, any>> {
    return this.lines.map((l) => JSON.parse(l));
  }
  requestLines(): Array<Record<string, any>> {
    return this.records().filter((r) => r.context === 'HTTP' && 'status' in r && 'route' in r);
  }
}

/** An event store whose appends fail with a bug (500) while `broken` is set, or as unavailable (503). */
function breakable(fault: { mode: 'none' | 'bug' | 'unavailable' }) {
  return (inner: EventStore): EventStore =>
    new Proxy(inner, {
      get(target, property) {
        if (property === 'append' && fault.mode !== 'none') {
          return async () => {
            if (fault.mode === 'bug') throw new TypeError('injected bug: cannot read properties of undefined');
            throw new EventStoreUnavailableError('injected: store down');
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
}

describe('logging (issue 12)', () => {
  let t: TestApp;
  const capture = new Capture();
  const fault = { mode: 'none' as 'none' | 'bug' | 'unavailable' };
  let staff: string;
  let store: EventStore;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    store = createEventStore({ dataDir, synchronous: 'NORMAL' });
    t = await startTestApp({ LOG_LEVEL: 'log', DATA_DIR: dataDir }, { logDestination: capture, eventStore: breakable(fault)(store) });
    staff = await t.token('staff', 'staff-1');
  });

  afterAll(async () => {
    await t.close();
    await store.close();
  });

  beforeEach(() => {
    capture.lines.length = 0;
    fault.mode = 'none';
  });

  it('a request is one JSON line with its correlation id, operationId, route, status, duration and actor; no name or e-mail anywhere', async () => {
    const body = enrolment('self_funded', { name: 'Zelda Quinterra', email: 'zelda.quinterra@students.example' });
    const answer = await t.request('POST', '/students', { token: staff, body, headers: { 'X-Correlation-Id': 'corr-log-1' } });
    expect(answer.status).toBe(201);
    const lines = capture.requestLines().filter((r) => r.correlationId === 'corr-log-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      method: 'POST',
      route: '/students',
      operationId: 'EnrolStudent',
      status: 201,
      correlationId: 'corr-log-1',
      actor: { id: 'staff-1', role: 'staff' },
    });
    expect(typeof lines[0].durationMs).toBe('number');
    expect(typeof lines[0].time).toBe('string');
    // A read of the student (personal data in the answer) logs ids only too.
    // Read your write (the documented ?waitFor=): the projection may not have the student yet otherwise.
    await t.request('GET', `/students/${answer.body.studentId}?waitFor=${answer.headers['x-global-position']}`, { token: staff });
    const everything = capture.lines.join('\n');
    expect(everything).not.toMatch(/Zelda|Quinterra|zelda\.quinterra/i);
    expect(everything).not.toContain(staff);
    const read = capture.requestLines().find((r) => r.operationId === 'GetStudent');
    expect(read).toMatchObject({ route: '/students/:studentId', status: 200 });
  });

  it('a client error (4xx) is an info line with its code and no stack', async () => {
    const answer = await t.request('POST', '/students', { token: staff, body: { name: 'x' }, headers: { 'X-Correlation-Id': 'corr-log-4xx' } });
    expect(answer.status).toBe(400);
    const lines = capture.records().filter((r) => r.correlationId === 'corr-log-4xx');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', status: 400, code: 'validation_failed', operationId: 'EnrolStudent' });
    expect(lines[0].err).toBeUndefined();
    expect(JSON.stringify(lines[0])).not.toContain('    at ');
  });

  it('a server error (5xx) is one error line with the stack', async () => {
    fault.mode = 'bug';
    const answer = await t.request('POST', '/students', { token: staff, body: enrolment('self_funded'), headers: { 'X-Correlation-Id': 'corr-log-5xx' } });
    expect(answer.status).toBe(500);
    const lines = capture.records().filter((r) => r.correlationId === 'corr-log-5xx');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', status: 500, code: 'internal_error', operationId: 'EnrolStudent' });
    expect(lines[0].err.stack).toContain('injected bug');
    expect(capture.records().filter((r) => r.level === 'error')).toHaveLength(1);
  });

  it('expected 5xx are warn lines without a stack: 503 store_unavailable, 504 of ?waitFor=', async () => {
    fault.mode = 'unavailable';
    const down = await t.request('POST', '/students', { token: staff, body: enrolment('self_funded'), headers: { 'X-Correlation-Id': 'corr-log-503' } });
    expect(down.status).toBe(503);
    const late = await t.request('GET', '/students?waitFor=999999999', { token: staff, headers: { 'X-Correlation-Id': 'corr-log-504' } });
    expect(late.status).toBe(504);
    for (const [id, status] of [['corr-log-503', 503], ['corr-log-504', 504]] as const) {
      const lines = capture.records().filter((r) => r.correlationId === id);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 'warn', status });
      expect(lines[0].err).toBeUndefined();
    }
    expect(capture.records().filter((r) => r.level === 'error')).toHaveLength(0);
  }, 15_000);
});
