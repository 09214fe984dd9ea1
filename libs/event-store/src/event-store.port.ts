// The event store port: the only way the application reads and writes events.
// Adapters: SQLite (embedded default) and EventStoreDB (distributed). Both pass one contract suite.

/** Roles of the people (and the system) that act on the platform. */
export const ROLES = ['student', 'mentor', 'staff', 'tutor', 'funder', 'auditor', 'analyst', 'admin', 'system'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  id: string;
  role: Role;
}

export interface EventMetadata {
  correlationId: string;
  causationId: string;
  actor: Actor;
  /** ISO-8601 instant at which the fact happened (from the application's clock). */
  occurredAt: string;
  /**
   * A hash of who asked and their Idempotency-Key, on the events a keyed request appended: a retry after a
   * crash finds its own events by it and answers as the first run would have.
   */
  requestKey?: string;
}

/** An event about to be appended. `eventId` is a UUID chosen by the caller: it makes retries idempotent. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  eventId: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
}

/**
 * A position in the global log ($all). On EventStoreDB it is the commit/prepare pair; on SQLite both
 * are the global sequence number. Compare with {@link comparePositions}, serialise with
 * {@link formatPosition} / {@link parsePosition}.
 */
export interface Position {
  commit: bigint;
  prepare: bigint;
}

/** The start of the log: reading or subscribing "after" it delivers the very first event. */
export const START: Position = Object.freeze({ commit: -1n, prepare: -1n }) as Position;

export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  streamId: string;
  /** 0-based revision of the event in its stream. */
  revision: number;
  position: Position;
  /** ISO-8601 instant at which the store recorded the event. */
  recordedAt: string;
}

/** `no_stream`: the stream must not exist; `any`: no check; a number: the stream's last revision. */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event now in the stream (what to pass as expected revision next time). */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  position: Position;
}

export interface ReadStreamOptions {
  /** Only events at or after this stream revision (to bring a cached state up to date). */
  fromRevision?: number;
  /** Only events at or before this global position. */
  toPosition?: Position;
  /** Only events recorded at or before this instant. */
  toInstant?: Date;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Default {@link START}. */
  after?: Position;
  /** At most this many events. Default 1000. */
  maxCount?: number;
}

export interface ReadAllFilteredOptions {
  /** Exclusive: events strictly after this position. Default {@link START}. */
  after?: Position;
  /** Only events of these types are returned; the others are looked at and skipped, never decoded. */
  eventTypes: ReadonlySet<string>;
  /** At most this many matching events. Default 1000. */
  maxCount?: number;
  /** At most this many events of the log are looked at, matching or not, so that one call is bounded. Default 5000. */
  scanLimit?: number;
}

/** The answer of {@link EventStore.readAllFiltered}. */
export interface FilteredRead {
  /** Every event of the asked types after `after` up to `scannedTo` (inclusive), in `$all` order. */
  events: RecordedEvent[];
  /**
   * The last position looked at: reading on from here misses no matching event. Null when there was nothing after
   * `after` (the caller is at the head).
   */
  scannedTo: Position | null;
  /** How many events of the log were looked at (matching or not): the progress of a reader of the whole log. */
  scanned: number;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: delivery starts with the first event after it. Default {@link START}. */
  after?: Position;
  /** Called with consecutive batches of events, in `$all` order; the next batch waits for the promise. */
  onEvents: (events: RecordedEvent[]) => Promise<void>;
  /** Called once if the subscription stops because of an error (the handler's or the store's). */
  onError?: (error: unknown) => void;
  /** Largest batch handed to `onEvents`. Default 500. */
  batchSize?: number;
}

export interface Subscription {
  /** Stops delivery; resolves once no handler call is running. */
  stop(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends events atomically to one stream.
   * Throws {@link WrongExpectedRevisionError} when `expected` does not hold, and
   * {@link EventStoreUnavailableError} when the store cannot be reached.
   * Re-appending events whose ids are already the stream's last ones appends nothing and returns the
   * original result (idempotent retry); an id stored anywhere else gives {@link DuplicateEventIdError}
   * where the store can tell. An empty `events` list is rejected with a RangeError.
   */
  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;

  /** Reads a stream forward. A missing stream reads as an empty list. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Reads `$all` forward from a position (exclusive). System events are never returned. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /**
   * Reads `$all` forward keeping only some event types, as a rebuild of a projection does: the events it does not
   * handle are skipped where the store can (in SQL; on EventStoreDB by type before decoding), and never decrypted.
   */
  readAllFiltered(options: ReadAllFilteredOptions): Promise<FilteredRead>;

  /** Catch-up subscription to `$all`: delivers history after the checkpoint, then live events, in order. */
  subscribeToAll(options: SubscribeOptions): Subscription;

  /** Position of the last event in `$all`, or null when the store is empty. */
  headPosition(): Promise<Position | null>;

  /** Number of events after `after` (exclusive), for progress bars; may be an estimate on EventStoreDB. */
  countAfter(after?: Position): Promise<number>;

  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  readonly code = 'wrong_expected_revision';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/**
 * An event id that is already stored, in a situation that is not an idempotent retry (the ids are not
 * exactly the stream's last events, in the same order). Usually a caller bug: a reused or copied id.
 */
export class DuplicateEventIdError extends Error {
  readonly code = 'duplicate_event_id';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
    /** Where the id is already stored, when the store can tell. */
    readonly existing?: { streamId: string; revision: number },
  ) {
    super(
      existing
        ? `stream ${streamId}: event id ${eventId} is already stored as ${existing.streamId}@${existing.revision}, ` +
            `and this append is not a retry of the stream's last events`
        : `stream ${streamId}: event id ${eventId} is duplicated`,
    );
    this.name = 'DuplicateEventIdError';
  }
}

export class EventStoreUnavailableError extends Error {
  readonly code = 'event_store_unavailable';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'EventStoreUnavailableError';
  }
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** `"<commit>.<prepare>"`, or just `"<commit>"` when both are equal (SQLite). */
export function formatPosition(p: Position): string {
  return p.commit === p.prepare ? p.commit.toString() : `${p.commit}.${p.prepare}`;
}

export function parsePosition(text: string): Position {
  const m = /^(-?\d+)(?:\.(-?\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a position: ${text}`);
  const commit = BigInt(m[1]);
  return { commit, prepare: m[2] === undefined ? commit : BigInt(m[2]) };
}
