// A failover of either store is transient for the subscribers: the real client errors of EventStoreDB
// and MongoDB, as the adapters map them, make the subscriber resubscribe from its checkpoint after a
// pause, and no event is parked for them. (The reactors' due-work tick uses the same isTransientError.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { NotLeaderError, TimeoutError } from '@eventstore/db-client';
import { MongoErrorLabel, MongoNetworkError, MongoServerError, MongoWriteConcernError } from 'mongodb';
import { NewEvent, RecordedEvent, SqliteEventStore } from '@mentoring/event-store';
import { EmbeddedReadStore, ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import { mapEsdbError } from '../../event-store/src/esdb/esdb-mapping';
import { mapMongoError } from '../../read-store/src/mongo/mongo-errors';
import { listParkedEvents } from './parked-events';
import { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { isTransientError } from './subscriber-runner';

const at = '2027-01-04T09:00:00.000Z';
const meta = { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' as const }, occurredAt: at };
const quiet = { log: () => undefined, error: () => undefined };
const noted = (n: number): NewEvent => ({ eventId: randomUUID(), type: 'Noted', schemaVersion: 1, data: { n }, metadata: meta });

type GrpcError = ConstructorParameters<typeof NotLeaderError>[0];
const grpcError = (code: number, details: string, metadata: Record<string, string> = {}) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata: { getMap: () => metadata } }) as unknown as GrpcError;

/** The errors a failover makes the clients throw, as each adapter hands them on. */
const esdbFailover = {
  NotLeaderError: () =>
    mapEsdbError(new NotLeaderError(grpcError(5, 'Leader info available', { exception: 'not-leader', 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' }))),
  TimeoutError: () => mapEsdbError(new TimeoutError(grpcError(10, 'Operation timed out'))),
};
const mongoFailover = {
  NotWritablePrimary: () => mapMongoError(new MongoServerError({ ok: 0, errmsg: 'not primary', code: 10107, codeName: 'NotWritablePrimary' })),
  TransientTransactionError: () =>
    mapMongoError(
      new MongoServerError({ ok: 0, errmsg: 'WriteConflict', code: 112, codeName: 'WriteConflict', errorLabels: [MongoErrorLabel.TransientTransactionError] }),
    ),
  MongoWriteConcernError: () =>
    mapMongoError(new MongoWriteConcernError({ ok: 1, writeConcernError: { code: 64, codeName: 'WriteConcernTimeout', errmsg: 'waiting for replication timed out' } })),
  MongoNetworkError: () => mapMongoError(new MongoNetworkError('connection 7 to 10.0.0.3:27017 closed')),
};

/** A projection that counts what it applies, and throws `failure()` for the first `failures` events it sees. */
function counting(failure: (() => unknown) | null, failures: number): Projection & { applied: number[] } {
  let left = failures;
  const projection = {
    name: 'noted-count',
    collections: ['noted'],
    eventTypes: new Set(['Noted']),
    applied: [] as number[],
    async apply(event: RecordedEvent, tx: ReadStoreTransaction) {
      if (failure && left > 0) {
        left--;
        throw failure();
      }
      const { n } = event.data as { n: number };
      projection.applied.push(n);
      await tx.collection('noted').replaceOne({ _id: String(n) }, { _id: String(n) }, { upsert: true });
    },
  };
  return projection;
}

/** `inner`, except that its first `failures` units of work reject with `failure()` before doing anything. */
function failingTransactions(inner: ReadStore, failure: () => unknown, failures: number): ReadStore & { failed: number } {
  let failed = 0;
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'failed') return failed;
      if (property === 'transaction') {
        return <R>(work: (tx: ReadStoreTransaction) => Promise<R>) => {
          if (failed < failures) {
            failed++;
            return Promise.reject(failure());
          }
          return target.transaction(work);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as ReadStore & { failed: number };
}

describe('subscribers during a store failover', () => {
  let dir: string;
  let store: SqliteEventStore;
  let readStore: EmbeddedReadStore;
  let runner: ProjectionRunner | undefined;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'failover-'));
    store = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
    readStore = await EmbeddedReadStore.open({ file: path.join(dir, 'read.sqlite') });
    // One event: with maxAttempts 1, a failure taken for the event's fault is parked at its second occurrence.
    await store.append('notes-1', [noted(1)], 'no_stream');
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await store.close();
    await readStore.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.entries({ ...esdbFailover, ...mongoFailover }))('isTransientError recognises the adapter’s error for %s', (_name, make) => {
    expect(isTransientError(make())).toBe(true);
  });

  it('the yardstick: the same failure as a plain error is parked (so the tests below can tell)', async () => {
    const projection = counting(() => new Error('not a failover'), 2);
    runner = new ProjectionRunner(store, readStore, [projection], quiet, { maxAttempts: 1, retryDelayMs: 0, restartDelayMs: 1 });
    await runner.start();
    expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
    expect((await listParkedEvents(readStore)).map((p) => p.eventType)).toEqual(['Noted']);
    expect(projection.applied).toEqual([]);
  });

  it.each(Object.entries(esdbFailover))(
    'EventStoreDB %s inside a subscriber: resubscribes, applies the event, parks nothing',
    async (_name, failure) => {
      const projection = counting(failure, 2);
      runner = new ProjectionRunner(store, readStore, [projection], quiet, { maxAttempts: 1, retryDelayMs: 0, restartDelayMs: 1 });
      await runner.start();
      expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
      expect(projection.applied).toEqual([1]);
      expect(await listParkedEvents(readStore, { includeResolved: true })).toEqual([]);
    },
  );

  it.each(Object.entries(mongoFailover))(
    'MongoDB %s on the unit of work: resubscribes, applies the event, parks nothing',
    async (_name, failure) => {
      const projection = counting(null, 0);
      const failing = failingTransactions(readStore, failure, 2);
      runner = new ProjectionRunner(store, failing, [projection], quiet, { maxAttempts: 1, retryDelayMs: 0, restartDelayMs: 1 });
      await runner.start();
      expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
      expect({ failed: failing.failed, applied: projection.applied }).toEqual({ failed: 2, applied: [1] });
      expect(await listParkedEvents(readStore, { includeResolved: true })).toEqual([]);
    },
  );
  it('a read store still down when the subscriber resubscribes (its checkpoint unreadable) is retried until it is back', async () => {
    const projection = counting(mongoFailover.NotWritablePrimary, 1);
    let checkpointFailures = 0;
    const flaky = new Proxy(readStore, {
      get(target, property) {
        if (property === 'getCheckpoint') {
          return (name: string) => {
            // The first read (start) works; the next two (resubscriptions during the failover) fail.
            if (projection.applied.length === 0 && checkpointFailures < 2 && failedOnce) {
              checkpointFailures++;
              return Promise.reject(mongoFailover.MongoNetworkError());
            }
            return target.getCheckpoint(name);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as ReadStore;
    let failedOnce = false;
    const original = projection.apply.bind(projection);
    projection.apply = async (event, tx) => {
      try {
        await original(event, tx);
      } catch (error) {
        failedOnce = true;
        throw error;
      }
    };
    runner = new ProjectionRunner(store, flaky, [projection], quiet, { maxAttempts: 1, retryDelayMs: 0, restartDelayMs: 1 });
    await runner.start();
    expect(await runner.waitFor((await store.headPosition())!, 5000)).toBe(true);
    expect({ checkpointFailures, applied: projection.applied }).toEqual({ checkpointFailures: 2, applied: [1] });
    expect(await listParkedEvents(readStore, { includeResolved: true })).toEqual([]);
  });
});
