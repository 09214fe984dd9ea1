// Failover errors of the real @eventstore/db-client classes are transient: the adapter turns them into
// EventStoreUnavailableError at every call site, and nothing else is.
import { PassThrough, Readable } from 'node:stream';
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  NO_STREAM,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  convertToCommandError,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { contractEvent } from '../event-store.contract';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.port';
import { EsdbEventStore } from './esdb-event-store';
import { isTransientEsdbError } from './esdb-errors';
import { mapEsdbError } from './esdb-mapping';

type ServiceError = ConstructorParameters<typeof NotLeaderError>[0];

/** What @grpc/grpc-js rejects with: an Error with the status code, details and trailing metadata. */
function grpcError(code: number, details: string, metadata: Record<string, string> = {}): ServiceError {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: { getMap: () => metadata } }) as unknown as ServiceError;
}

const LEADER = { 'leader-endpoint-host': 'node2.esdb', 'leader-endpoint-port': '2113' };
const notLeader = () => new NotLeaderError(grpcError(5, 'Leader info available', { exception: 'not-leader', ...LEADER }));

// gRPC status codes (grpc.status)
const CANCELLED = 1;
const DEADLINE_EXCEEDED = 4;
const NOT_FOUND = 5;
const ABORTED = 10;
const INTERNAL = 13;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

describe('isTransientEsdbError', () => {
  it.each([
    ['NotLeaderError', notLeader()],
    ['TimeoutError', new TimeoutError(grpcError(ABORTED, 'Operation timed out'))],
    ['CancelledError', new CancelledError(grpcError(CANCELLED, 'Cancelled by the server'))],
    ['UnavailableError', new UnavailableError(grpcError(UNAVAILABLE, 'No connection established'))],
    ['DeadlineExceededError', new DeadlineExceededError(grpcError(DEADLINE_EXCEEDED, 'Deadline exceeded'))],
    ['UnavailableError without a gRPC error', new UnavailableError()],
    ['the plain Error with code 14 appendToStream rejects with', grpcError(UNAVAILABLE, 'No connection established')],
    ['a plain Error with code 4 (deadline)', grpcError(DEADLINE_EXCEEDED, 'Deadline exceeded')],
    ['a plain Error with code 10 (aborted)', grpcError(ABORTED, 'Operation timed out')],
  ])('%s is transient', (_name, error) => {
    expect(isTransientEsdbError(error)).toBe(true);
  });

  it('what the client converts a failover into is transient (its own convertToCommandError)', () => {
    const converted = [
      convertToCommandError(grpcError(NOT_FOUND, 'Leader info available', { exception: 'not-leader', ...LEADER })),
      convertToCommandError(grpcError(ABORTED, 'Operation timed out')),
      convertToCommandError(grpcError(CANCELLED, 'Cancelled by the server')),
      convertToCommandError(grpcError(UNAVAILABLE, 'No connection established')),
      convertToCommandError(grpcError(DEADLINE_EXCEEDED, 'Deadline exceeded')),
      convertToCommandError(grpcError(INTERNAL, 'write after end')),
    ];
    expect(converted.map((e) => e.constructor)).toEqual([
      NotLeaderError,
      TimeoutError,
      CancelledError,
      UnavailableError,
      DeadlineExceededError,
      UnavailableError,
    ]);
    expect(converted.map(isTransientEsdbError)).toEqual([true, true, true, true, true, true]);
    expect((converted[0] as NotLeaderError).leader).toEqual({ address: 'node2.esdb', port: 2113 });
  });

  it.each([
    ['WrongExpectedVersionError', new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: 3n })],
    ['StreamNotFoundError', new StreamNotFoundError(undefined, 's')],
    ['StreamDeletedError', StreamDeletedError.fromStreamName('s')],
    ['AccessDeniedError', new AccessDeniedError(grpcError(UNAUTHENTICATED, 'Access denied'))],
    ['UnknownError (e.g. INTERNAL)', new UnknownError(grpcError(INTERNAL, 'Internal error'))],
    ['the client cancelling its own call', convertToCommandError(grpcError(CANCELLED, 'Cancelled on client'))],
    ['a raw CANCELLED (the adapter unsubscribing)', grpcError(CANCELLED, 'Cancelled on client')],
    ['a plain Error', new Error('boom')],
    ['a TypeError', new TypeError('x is not a function')],
    ['a Node system error (string code)', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a string', 'unavailable'],
    ['null', null],
    ['undefined', undefined],
  ])('%s is not transient', (_name, error) => {
    expect(isTransientEsdbError(error)).toBe(false);
  });
});

describe('mapEsdbError on failover errors', () => {
  it('maps every transient client error to EventStoreUnavailableError, keeping it as the cause', () => {
    const errors = [
      notLeader(),
      new TimeoutError(grpcError(ABORTED, 'Operation timed out')),
      new CancelledError(grpcError(CANCELLED, 'Cancelled by the server')),
      new DeadlineExceededError(grpcError(DEADLINE_EXCEEDED, 'Deadline exceeded')),
      grpcError(UNAVAILABLE, 'No connection established'),
    ];
    expect(errors.map((error) => mapEsdbError(error, 's', 0))).toEqual(errors.map(() => expect.any(EventStoreUnavailableError)));
    const mapped = mapEsdbError(errors[0]) as EventStoreUnavailableError;
    expect({ code: mapped.code, message: mapped.message, cause: mapped.cause }).toEqual({
      code: 'event_store_unavailable',
      message: 'EventStoreDB unavailable (not-leader): 5 Leader info available',
      cause: errors[0],
    });
    expect((mapEsdbError(errors[4]) as Error).message).toBe('EventStoreDB unavailable: 14 No connection established');
  });

  it('leaves the other errors to their own mapping', () => {
    const denied = new AccessDeniedError(grpcError(UNAUTHENTICATED, 'Access denied'));
    expect(mapEsdbError(denied)).toBe(denied);
    const wrong = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: NO_STREAM });
    expect(mapEsdbError(wrong, 's', 0)).toEqual(new WrongExpectedRevisionError('s', 0, 'no_stream'));
  });
});

/** A client whose every call fails with `error`, the way the real one does for each kind of call. */
function failingClient(error: Error) {
  const failingStream = () =>
    Readable.from(
      (async function* () {
        throw error;
      })(),
    );
  return {
    appendToStream: async () => {
      throw error;
    },
    readStream: failingStream,
    readAll: failingStream,
    subscribeToAll: () => {
      const out = new PassThrough({ objectMode: true }) as PassThrough & { unsubscribe(): Promise<void> };
      out.unsubscribe = async () => void out.destroy();
      setImmediate(() => out.destroy(error));
      return out;
    },
    dispose: async () => undefined,
  };
}

describe('EsdbEventStore during a failover', () => {
  it.each([
    ['NotLeaderError', notLeader],
    ['TimeoutError', () => new TimeoutError(grpcError(ABORTED, 'Operation timed out'))],
    ['CancelledError', () => new CancelledError(grpcError(CANCELLED, 'Cancelled by the server'))],
  ])('%s: append, reads and the subscription reject with EventStoreUnavailableError', async (_name, make) => {
    const error = make();
    const store = new EsdbEventStore(failingClient(error) as unknown as EventStoreDBClient);
    try {
      const failures = [
        await store.append('s', [contractEvent(0)], 'no_stream').catch((e: unknown) => e),
        await store.readStream('s').catch((e: unknown) => e),
        await store.readAll().catch((e: unknown) => e),
        await store.headPosition().catch((e: unknown) => e),
        await store.countAfter().catch((e: unknown) => e),
        await new Promise<unknown>((resolve) => {
          store.subscribeToAll({ onEvents: async () => undefined, onError: resolve });
        }),
      ];
      expect(failures).toEqual(failures.map(() => expect.any(EventStoreUnavailableError)));
      expect(failures.map((f) => (f as EventStoreUnavailableError).cause)).toEqual(failures.map(() => error));
    } finally {
      await store.close();
    }
  });

  it('a subscription the client refuses at once (a synchronous throw) is mapped too', async () => {
    const error = notLeader();
    const client = {
      ...failingClient(error),
      subscribeToAll: () => {
        throw error;
      },
    };
    const store = new EsdbEventStore(client as unknown as EventStoreDBClient);
    try {
      expect(() => store.subscribeToAll({ onEvents: async () => undefined })).toThrow(EventStoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});
