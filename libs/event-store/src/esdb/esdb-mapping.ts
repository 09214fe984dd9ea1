// Pure translations between the port and @eventstore/db-client v6, kept apart from the adapter so they are
// unit-tested without a server. Errors are recognised by shape (`type`, `code`) as well as by class, so a
// second copy of the client in node_modules cannot defeat `instanceof`.
import {
  ANY,
  NO_STREAM,
  START as ESDB_START,
  type AllStreamResolvedEvent,
  type ExpectedRevision as EsdbExpectedRevision,
  type JSONEventData,
  type JSONType,
  type Position as EsdbPosition,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  EventStoreUnavailableError,
  START,
  WrongExpectedRevisionError,
  comparePositions,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type RecordedEvent,
} from '../event-store.port';
import { isTransientEsdbError } from './esdb-errors';

/** Port expected revision → client expected revision. */
export function toEsdbExpectedRevision(expected: ExpectedRevision): EsdbExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  return BigInt(expected);
}

/** Exclusive port checkpoint → client `fromPosition` (the client's START for the port's START). */
export function toEsdbReadPosition(after: Position): ReadPosition {
  return comparePositions(after, START) <= 0 ? ESDB_START : { commit: after.commit, prepare: after.prepare };
}

/** Client position → port position (both are commit/prepare bigint pairs). */
export function fromEsdbPosition(position: EsdbPosition): Position {
  return { commit: BigInt(position.commit), prepare: BigInt(position.prepare) };
}

interface ErrorShape {
  type?: unknown;
  code?: unknown;
  message?: unknown;
  streamName?: unknown;
  actualVersion?: unknown;
}

/** True for the client's WrongExpectedVersionError. */
export function isWrongExpectedVersion(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as ErrorShape).type === 'wrong-expected-version';
}

/** True for the client's StreamNotFoundError (a read of a missing stream). */
export function isStreamNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as ErrorShape).type === 'stream-not-found';
}

/**
 * Client error → port error: WrongExpectedVersionError → {@link WrongExpectedRevisionError} (with the actual
 * revision), a transient failure (unreachable server, timeout, failover: see {@link isTransientEsdbError}) →
 * {@link EventStoreUnavailableError}; anything else is returned unchanged.
 */
export function mapEsdbError(error: unknown, streamId?: string, expected?: ExpectedRevision): unknown {
  if (isWrongExpectedVersion(error)) {
    const shape = error as ErrorShape;
    const actual = shape.actualVersion;
    return new WrongExpectedRevisionError(
      streamId ?? String(shape.streamName),
      expected ?? 'any',
      typeof actual === 'bigint' ? Number(actual) : 'no_stream',
    );
  }
  if (isTransientEsdbError(error)) {
    const { type, message } = error as ErrorShape;
    const kind = typeof type === 'string' ? ` (${type})` : '';
    return new EventStoreUnavailableError(`EventStoreDB unavailable${kind}: ${String(message || error)}`, error);
  }
  return error;
}

/** Keys the adapter adds to ESDB event metadata next to the port's {@link EventMetadata}. */
interface EsdbMetadata extends Partial<EventMetadata> {
  schemaVersion?: number;
  $correlationId?: string;
  $causationId?: string;
  [key: string]: unknown;
}

/** Port event → client event data: JSON data; metadata plus schemaVersion and ESDB's $correlationId/$causationId. */
export function toEsdbEventData(event: NewEvent): JSONEventData {
  const metadata: EsdbMetadata = {
    ...event.metadata,
    schemaVersion: event.schemaVersion,
    $correlationId: event.metadata.correlationId,
    $causationId: event.metadata.causationId,
  };
  return {
    id: event.eventId,
    contentType: 'application/json',
    type: event.type,
    data: (event.data ?? null) as JSONType,
    metadata: metadata as JSONType,
  };
}

/** A system event ($-prefixed type, or a $-prefixed stream such as `$$stream` metadata) the port never returns. */
export function isSystemEvent(type: string, streamId: string): boolean {
  return type.startsWith('$') || streamId.startsWith('$');
}

/**
 * Client resolved event → port envelope, or null for what the port does not expose (system events,
 * unresolved links). Events written by other tools get defaults (schemaVersion 1, metadata as found).
 */
export function fromEsdbResolvedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event || isSystemEvent(event.type, event.streamId)) return null;
  const raw: EsdbMetadata =
    event.metadata && typeof event.metadata === 'object' && !(event.metadata instanceof Uint8Array)
      ? (event.metadata as EsdbMetadata)
      : {};
  const { schemaVersion, $correlationId, $causationId, ...metadata } = raw;
  if (metadata.correlationId === undefined && $correlationId !== undefined) metadata.correlationId = $correlationId;
  if (metadata.causationId === undefined && $causationId !== undefined) metadata.causationId = $causationId;
  const commit = resolved.commitPosition ?? -1n;
  return {
    eventId: event.id,
    type: event.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: event.data,
    metadata: metadata as unknown as EventMetadata,
    streamId: event.streamId,
    revision: Number(event.revision),
    // Servers before 22.6 give stream reads no position; fall back to the commit position.
    position: event.position ? fromEsdbPosition(event.position) : { commit, prepare: commit },
    // v6 already converts the server's .NET ticks into a Date.
    recordedAt: event.created.toISOString(),
  };
}
