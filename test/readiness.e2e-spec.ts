// Issue 12, point 3: /health/live and /health/ready tell the truth, cheaply. Every answer here is checked
// against the served OpenAPI document by the test app.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { EventStore, NewEvent } from '@mentoring/event-store';
import { createReadStore, ReadStore } from '@mentoring/read-store';
import { ProjectionRunner } from '@mentoring/projections';
import { HealthMonitor, ReactorRunner } from '@mentoring/reactors';
import { startTestApp, tempDataDir, TestApp } from './support/test-app';
import { PROJECTION_RUNNER, REACTOR_RUNNER } from '../apps/api/src/shared/tokens';

function noise(): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'ReadinessProbeNoise',
    schemaVersion: 1,
    data: {},
    metadata: { correlationId: randomUUID(), causationId: randomUUID(), actor: { id: 'system', role: 'system' }, occurredAt: new Date().toISOString() },
  };
}

async function appendNoise(store: EventStore, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await store.append(`noise-${randomUUID()}`, [noise()], 'no_stream');
}

async function until<T>(what: () => Promise<T>, ok: (value: T) => boolean, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Counts every call made on a store and on the collections it hands out. */
function counting<T extends object>(target: T, calls: { n: number }): T {
  return new Proxy(target, {
    get(t, property) {
      const value = Reflect.get(t, property, t);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.n++;
        const result = value.apply(t, args);
        return property === 'collection' ? counting(result, calls) : result;
      };
    },
  });
}

describe('readiness (issue 12)', () => {
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });

  it('/health/live answers 200 without a token; /health/ready 200 when caught up, the details for an admin only', async () => {
    t = await startTestApp();
    const live = await t.request('GET', '/health/live');
    expect({ status: live.status, body: live.body }).toEqual({ status: 200, body: { status: 'live' } });
    const ready = await until(() => t.request('GET', '/health/ready'), (a) => a.status === 200);
    expect({ status: ready.status, body: ready.body }).toEqual({ status: 200, body: { status: 'ready' } });
    const admin = await t.request('GET', '/health/ready', { token: await t.token('admin', 'ops-1') });
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ status: 'ready', readStore: { writable: true }, eventStore: { reachable: true, writable: true }, maxLagEvents: 1000 });
    expect(admin.body.subscribers.length).toBeGreaterThan(0);
    const staff = await t.request('GET', '/health/ready', { token: await t.token('staff', 'staff-1') });
    expect(staff.body).toEqual({ status: 'ready' });
  });

  it('turns unready (503, a lag reason) when a projection is held back beyond READY_MAX_LAG_EVENTS, and ready again when it catches up', async () => {
    t = await startTestApp({ READY_MAX_LAG_EVENTS: '3' });
    const runner = t.app.get<ProjectionRunner>(PROJECTION_RUNNER);
    expect((await until(() => t.request('GET', '/health/ready'), (a) => a.status === 200)).status).toBe(200);
    // Hold every batch of the projections until released: their checkpoints stay, the log grows.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = runner as unknown as { process: (...args: unknown[]) => Promise<void> };
    const original = held.process;
    held.process = async function (this: unknown, ...args: unknown[]) {
      await gate;
      return original.apply(this, args);
    };
    try {
      await appendNoise(t.eventStore, 6);
      const unready = await until(() => t.request('GET', '/health/ready'), (a) => a.status === 503);
      expect(unready.status).toBe(503);
      expect(unready.headers['content-type']).toMatch(/^application\/json/);
      expect(unready.body.status).toBe('unready');
      const lagging = unready.body.reasons.filter((r: { code: string }) => r.code === 'subscriber_lagging');
      expect(lagging.length).toBeGreaterThan(0);
      expect(lagging[0].message).toMatch(/is \d+ events behind the head, more than READY_MAX_LAG_EVENTS \(3\)/);
      expect(Object.keys(unready.body).sort()).toEqual(['reasons', 'status']);
      const admin = await t.request('GET', '/health/ready', { token: await t.token('admin', 'ops-1') });
      expect(admin.status).toBe(503);
      expect(admin.body.subscribers.some((s: { lag: number | null }) => (s.lag ?? 0) > 3)).toBe(true);
    } finally {
      release();
      held.process = original;
    }
    expect((await until(() => t.request('GET', '/health/ready'), (a) => a.status === 200)).status).toBe(200);
  });

  it('turns unready when a runner is stopped', async () => {
    t = await startTestApp();
    await t.app.get<ReactorRunner>(REACTOR_RUNNER).stop();
    const unready = await until(() => t.request('GET', '/health/ready'), (a) => a.status === 503);
    expect(unready.status).toBe(503);
    expect(unready.body.reasons.map((r: { code: string }) => r.code)).toContain('subscriber_stopped');
  });

  it('turns unready when the read store refuses writes (fault injected)', async () => {
    const dataDir = tempDataDir();
    const inner = await createReadStore({ dataDir });
    let failing = false;
    const faulty: ReadStore = new Proxy(inner, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property !== 'collection') return typeof value === 'function' ? value.bind(target) : value;
        return (name: string) => {
          const collection = target.collection(name);
          if (name !== '_health') return collection;
          return new Proxy(collection, {
            get(c, p) {
              const v = Reflect.get(c, p, c);
              if (failing && p === 'replaceOne') return async () => Promise.reject(Object.assign(new Error('injected: disk I/O error'), { code: 'read_store_unavailable' }));
              return typeof v === 'function' ? v.bind(c) : v;
            },
          });
        };
      },
    });
    t = await startTestApp({ DATA_DIR: dataDir }, { readStore: faulty });
    try {
      expect((await until(() => t.request('GET', '/health/ready'), (a) => a.status === 200)).status).toBe(200);
      failing = true;
      const unready = await until(() => t.request('GET', '/health/ready'), (a) => a.status === 503);
      expect(unready.status).toBe(503);
      expect(unready.body.reasons).toContainEqual({ code: 'read_store_unwritable', message: expect.any(String) });
      // No driver message for the public.
      expect(JSON.stringify(unready.body)).not.toContain('injected');
      failing = false;
      expect((await until(() => t.request('GET', '/health/ready'), (a) => a.status === 200)).status).toBe(200);
    } finally {
      await t.close();
      await inner.close();
      t = undefined as unknown as TestApp;
    }
  });

  it('costs the same number of store operations at any size of the log (no scan per call)', async () => {
    t = await startTestApp();
    const runner = t.app.get<ProjectionRunner>(PROJECTION_RUNNER);
    const reactors = t.app.get<ReactorRunner>(REACTOR_RUNNER);
    const eventCalls = { n: 0 };
    const readCalls = { n: 0 };
    const readStore = (runner as unknown as { store: ReadStore }).store;
    const monitor = new HealthMonitor(counting(t.eventStore, eventCalls), counting(readStore, readCalls), { projections: runner, reactors }, {
      maxLagEvents: 1000,
      minFreeDiskBytes: 1,
      dataDir: t.dataDir,
      sqliteEventsFile: path.join(t.dataDir, 'events.sqlite'),
      refreshMs: 0, // every call samples the stores: the worst case
    });
    const costOfOneCall = async () => {
      eventCalls.n = 0;
      readCalls.n = 0;
      const report = await monitor.readiness();
      expect(report.ready).toBe(true);
      return { event: eventCalls.n, read: readCalls.n };
    };
    try {
      await appendNoise(t.eventStore, 20);
      await runner.waitFor((await t.eventStore.headPosition())!, 10_000);
      await reactors.waitFor((await t.eventStore.headPosition())!, 10_000);
      const small = await costOfOneCall();
      await appendNoise(t.eventStore, 400);
      await runner.waitFor((await t.eventStore.headPosition())!, 20_000);
      await reactors.waitFor((await t.eventStore.headPosition())!, 20_000);
      const large = await costOfOneCall();
      expect(large).toEqual(small);
      // One head read; one tiny write of the read store (collection() + replaceOne).
      expect(small).toEqual({ event: 1, read: 2 });
    } finally {
      monitor.close();
    }
  });
});
