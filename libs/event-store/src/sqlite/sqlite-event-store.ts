// Embedded event store: one SQLite file (WAL), one `events` table whose INTEGER PRIMARY KEY is the global
// position. Appends issued close together are group-committed: one transaction (one fsync) for the lot,
// with every request's expected-revision check still exact and its failure its own.
//
// The write path does as little as the contract allows. A request is checked before it writes anything
// (its expected revision against the stream's head, which is kept in memory for the streams this process
// has seen), so a failing request leaves nothing to undo and the batch needs no savepoint per request.
// Event ids are looked up only when the revision check fails (the append may then be a retry); otherwise
// the UNIQUE index on event_id is the check, as the UNIQUE (stream_id, revision) index is for a 'no_stream'
// append to a stream the cache does not know. When an insert does fail (a retry sent with 'any' or with the
// revision it produced, a duplicate id, a disk error), the batch is rolled back and written again the
// careful way: every id looked up first, each request in its own savepoint.
import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  START,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type FilteredRead,
  type ReadAllFilteredOptions,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { runSubscription, type BatchSource } from '../subscription-runner';

export interface SqliteEventStoreOptions {
  /** Path of the database file; created if missing. */
  file: string;
  /** `FULL` (default): every acknowledged append survives a power loss. `NORMAL`: faster, may lose the last commits. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Clock for `recordedAt`; tests fix it. Default `() => new Date()`. */
  clock?: () => Date;
  /** How often subscriptions look for commits made by other processes. Default 200 ms. */
  pollIntervalMs?: number;
  /** How long a write waits for another process holding the file's write lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * How many of the most recently appended events are kept in memory for `readAll` and subscriptions,
   * so that every projection and reactor following the head reads them without a query and a JSON
   * parse each. Default 10000; 0 turns it off.
   */
  tailCacheSize?: number;
  /**
   * How many stream heads (last revision and position) are kept in memory, so that an append to a stream
   * this process has written or read the head of needs no query to check its expected revision. The cache
   * is dropped whenever another connection has committed to the file in between. Default 100000.
   */
  headCacheSize?: number;
}

/** Counters for tests and metrics. */
export interface SqliteEventStoreStats {
  /** Committed write transactions (one per group commit). */
  transactions: number;
  /** Append requests that succeeded (idempotent retries included). */
  appends: number;
}

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
}

interface PendingAppend {
  streamId: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/** The last event of a stream. */
interface StreamHead {
  revision: number;
  position: number;
}

/** Thrown inside the optimistic batch transaction to roll it back and write the batch with savepoints. */
class WriteCarefully extends Error {}

function expectationHolds(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1;
  return expected === current;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id      TEXT    NOT NULL,
    revision       INTEGER NOT NULL,
    event_id       TEXT    NOT NULL UNIQUE,
    type           TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    data           TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    recorded_at    TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  )`;

const COMMIT = 'commit';

function sqlitePosition(position: number | bigint): Position {
  const p = BigInt(position);
  return { commit: p, prepare: p };
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    streamId: row.stream_id,
    revision: row.revision,
    position: sqlitePosition(row.position),
    recordedAt: row.recorded_at,
  };
}

/**
 * {@link EventStore} on a SQLite file (better-sqlite3, WAL). The global position starts at 1 and is both
 * `commit` and `prepare`. Several processes may share the file; subscriptions poll for their commits.
 */
export class SqliteEventStore implements EventStore {
  /** Opens (and creates if needed) the store. Same as the constructor; async for symmetry with other adapters. */
  static async open(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
    return new SqliteEventStore(options);
  }

  readonly stats: SqliteEventStoreStats = { transactions: 0, appends: 0 };

  private readonly db: Database.Database;
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  // Signals in-process subscriptions right after a commit, so they do not wait for their next poll.
  private readonly commits = new EventEmitter();
  private readonly subscriptions = new Set<Subscription>();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  /**
   * The latest appended events, contiguous in position from `tailStart` (see
   * {@link SqliteEventStoreOptions.tailCacheSize}). Kept as the rows written, and turned into events (a JSON
   * parse of data and metadata each) the first time a reader asks for them, then shared by every reader.
   */
  private tail: Array<EventRow | RecordedEvent> = [];
  private tailStart = 0;
  private readonly tailCacheSize: number;
  /** Rows written by the request being written, and by the requests of the batch that succeeded. */
  private requestRows: EventRow[] = [];
  private batchRows: EventRow[] = [];
  /**
   * Committed stream heads, valid while no other connection commits (checked through `PRAGMA data_version`
   * at the start of each write transaction, under the write lock). `batchHeads` holds what the requests
   * of the batch being written have appended; it joins `heads` once the transaction commits.
   */
  private readonly heads: LRUCache<string, StreamHead>;
  private readonly batchHeads = new Map<string, StreamHead>();
  private requestHead: StreamHead | null = null;
  private readonly headCacheSize: number;
  private dataVersion: number | null = null;

  private readonly stmt: {
    insert: Database.Statement;
    byEventId: Database.Statement<[string], { stream_id: string; revision: number; position: number }>;
    lastOfStream: Database.Statement<[string], { revision: number; position: number }>;
    readStream: Database.Statement<unknown[], EventRow>;
    readAll: Database.Statement<[bigint, number], EventRow>;
    readAllOfTypes: Database.Statement<[bigint, bigint, string, number], EventRow>;
    head: Database.Statement<[], { position: number | null }>;
    dataVersion: Database.Statement<[], number>;
  };
  private readonly writeBatchFast: Database.Transaction<(batch: PendingAppend[], recordedAt: string) => Outcome[]>;
  private readonly writeBatch: Database.Transaction<(batch: PendingAppend[], recordedAt: string) => Outcome[]>;
  private readonly appendOne: Database.Transaction<(request: PendingAppend, recordedAt: string) => AppendResult>;

  constructor(options: SqliteEventStoreOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.tailCacheSize = options.tailCacheSize ?? 10_000;
    this.headCacheSize = options.headCacheSize ?? 100_000;
    this.heads = new LRUCache({ max: Math.max(1, this.headCacheSize) });
    this.commits.setMaxListeners(0);

    this.db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    this.db.exec(SCHEMA);

    this.stmt = {
      insert: this.db.prepare(
        `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      byEventId: this.db.prepare('SELECT stream_id, revision, position FROM events WHERE event_id = ?'),
      lastOfStream: this.db.prepare(
        'SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
      ),
      readStream: this.db.prepare(
        `SELECT * FROM events WHERE stream_id = @streamId AND revision >= @fromRevision
           AND (@toPosition IS NULL OR position <= @toPosition)
           AND (@toInstant IS NULL OR recorded_at <= @toInstant)
         ORDER BY revision`,
      ),
      readAll: this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      // A range of positions, filtered by type inside SQLite: the rows of other types are never handed to JavaScript.
      readAllOfTypes: this.db.prepare(
        `SELECT * FROM events WHERE position > ? AND position <= ? AND type IN (SELECT value FROM json_each(?))
         ORDER BY position LIMIT ?`,
      ),
      head: this.db.prepare('SELECT MAX(position) AS position FROM events'),
      dataVersion: this.db.prepare<[], number>('PRAGMA data_version').pluck(),
    };

    // The usual way: every request checked in memory before it writes, no savepoints. A request that fails
    // its check has written nothing; an insert that fails anyway aborts the lot (see WriteCarefully).
    this.writeBatchFast = this.db.transaction((batch: PendingAppend[], recordedAt: string) => {
      this.checkDataVersion();
      return batch.map((request): Outcome => {
        this.requestRows = [];
        this.requestHead = null;
        let result: AppendResult;
        try {
          result = this.writeRequest(request, recordedAt, false);
        } catch (error) {
          if (error instanceof WriteCarefully) throw error;
          return { ok: false, error };
        }
        this.keepRequest(request.streamId);
        return { ok: true, result };
      });
    });
    // The careful way: each request runs in its own savepoint inside the batch transaction, so a request
    // whose insert fails rolls back alone and the others still commit together.
    this.appendOne = this.db.transaction((request: PendingAppend, recordedAt: string) => {
      this.requestRows = [];
      this.requestHead = null;
      const result = this.writeRequest(request, recordedAt, true);
      // Reached only when the request's savepoint is kept: its rows belong to the batch.
      this.keepRequest(request.streamId);
      return result;
    });
    this.writeBatch = this.db.transaction((batch: PendingAppend[], recordedAt: string) => {
      this.checkDataVersion();
      return batch.map((request): Outcome => {
        try {
          return { ok: true, result: this.appendOne(request, recordedAt) };
        } catch (error) {
          return { ok: false, error };
        }
      });
    });
  }

  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new EventStoreUnavailableError('the SQLite event store is closed'));
    if (events.length === 0) return Promise.reject(new RangeError(`stream ${streamId}: nothing to append`));
    return new Promise((resolve, reject) => {
      this.queue.push({ streamId, events, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate rather than a microtask: appends started by other callbacks of the same event-loop
        // turn (several HTTP requests, a Promise.all) join the batch too.
        setImmediate(() => this.flush());
      }
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.stmt.readStream
      .all({
        streamId,
        fromRevision: options.fromRevision ?? 0,
        toPosition: options.toPosition ? options.toPosition.commit : null,
        toInstant: options.toInstant ? options.toInstant.toISOString() : null,
      })
      .map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return this.readAllSync(options.after ?? START, options.maxCount ?? 1000);
  }

  /**
   * Positions are dense (see {@link countAfter}), so the `scanLimit` events after `after` are the positions
   * `after + 1 … after + scanLimit`: one range query, bounded however few of them match.
   */
  async readAllFiltered(options: ReadAllFilteredOptions): Promise<FilteredRead> {
    this.assertOpen();
    // START is -1; the first position is 1.
    const from = (options.after ?? START).commit;
    const after = from < 0n ? 0n : from;
    const maxCount = Math.max(1, options.maxCount ?? 1000);
    const { position: head } = this.stmt.head.get()!;
    if (head === null || BigInt(head) <= after) return { events: [], scannedTo: null, scanned: 0 };
    const headAt = BigInt(head);
    const windowEnd = after + BigInt(Math.max(1, options.scanLimit ?? 5000));
    let upTo = windowEnd < headAt ? windowEnd : headAt;
    const rows = this.stmt.readAllOfTypes.all(after, upTo, JSON.stringify([...options.eventTypes]), maxCount);
    // A full page ends the scan at its last event: the next read starts right after it.
    if (rows.length === maxCount) upTo = BigInt(rows[rows.length - 1].position);
    return { events: rows.map(toRecorded), scannedTo: sqlitePosition(upTo), scanned: Number(upTo - after) };
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    this.assertOpen();
    const subscription = runSubscription(this.batchSource(options.after ?? START, options.batchSize ?? 500), options);
    this.subscriptions.add(subscription);
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async headPosition(): Promise<Position | null> {
    this.assertOpen();
    const { position } = this.stmt.head.get()!;
    return position === null ? null : sqlitePosition(position);
  }

  /**
   * The difference of positions, not a COUNT(*): positions are dense (AUTOINCREMENT never reuses nor skips one in a
   * committed transaction, and no event is ever deleted), so they are the same number, read from the end of the
   * primary key instead of every row after `after`. The count over a 2.7M-event log blocked the event loop for 4–8 s
   * at each rebuild's start and at each lag figure of a subscriber far behind. Rows removed by tampering (which the
   * audit reports) make it an over-count, which only a progress bar or a lag figure would show.
   */
  async countAfter(after: Position = START): Promise<number> {
    this.assertOpen();
    const { position } = this.stmt.head.get()!;
    if (position === null) return 0;
    // Positions start at 1; START is before them all.
    const from = after.commit < 0n ? 0n : after.commit;
    return Math.max(0, Number(BigInt(position) - from));
  }

  /** Commits what is queued, stops the subscriptions, closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    this.commits.removeAllListeners();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('the SQLite event store is closed');
  }

  private readAllSync(after: Position, maxCount: number): RecordedEvent[] {
    // Served from memory when the cache holds the event right after `after`; the events handed out are
    // shared between readers, which must treat them as read-only (they are facts).
    if (this.tail.length > 0 && after.commit + 1n >= BigInt(this.tailStart)) {
      const offset = Number(after.commit + 1n - BigInt(this.tailStart));
      if (offset < this.tail.length) {
        const end = Math.min(offset + maxCount, this.tail.length);
        const events: RecordedEvent[] = new Array(end - offset);
        for (let i = offset; i < end; i++) {
          const entry = this.tail[i];
          events[i - offset] = 'stream_id' in entry ? (this.tail[i] = toRecorded(entry)) : entry;
        }
        return events;
      }
    }
    return this.stmt.readAll.all(after.commit, maxCount).map(toRecorded);
  }

  /** Adds committed rows to the tail cache; a gap (another process wrote in between) restarts it. */
  private remember(rows: EventRow[]): void {
    if (this.tailCacheSize === 0) return;
    rows.sort((a, b) => a.position - b.position);
    for (const row of rows) {
      if (this.tail.length === 0 || row.position !== this.tailStart + this.tail.length) {
        this.tail = [];
        this.tailStart = row.position;
      }
      this.tail.push(row);
    }
    // Trimmed once it is a quarter over its size, not on every commit: slicing ten thousand entries per
    // group commit would cost more than the commit's own work.
    const excess = this.tail.length - this.tailCacheSize;
    if (excess > this.tailCacheSize / 4) {
      this.tail = this.tail.slice(excess);
      this.tailStart += excess;
    }
  }

  /** Drops the cached stream heads if another connection has committed since our last transaction. */
  private checkDataVersion(): void {
    const version = this.stmt.dataVersion.get()!;
    if (version !== this.dataVersion) {
      this.heads.clear();
      this.dataVersion = version;
    }
  }

  /** The stream's last event as far as this batch and the cache know it, without a query. */
  private knownHeadOf(streamId: string): StreamHead | undefined {
    return this.batchHeads.get(streamId) ?? this.heads.get(streamId);
  }

  /** The stream's last event: from this batch, from the cache, or from the file (then cached). */
  private headOf(streamId: string): StreamHead | undefined {
    const head = this.knownHeadOf(streamId);
    if (head) return head;
    const last = this.stmt.lastOfStream.get(streamId);
    // Read inside the write transaction and not written by this batch (batchHeads comes first): committed.
    if (last) this.cacheHead(streamId, { revision: last.revision, position: last.position });
    return last;
  }

  private cacheHead(streamId: string, head: StreamHead): void {
    if (this.headCacheSize === 0) return;
    this.heads.set(streamId, head);
  }

  /** The request succeeded: its rows and its stream's new head belong to the batch. */
  private keepRequest(streamId: string): void {
    for (const row of this.requestRows) this.batchRows.push(row);
    if (this.requestHead) this.batchHeads.set(streamId, this.requestHead);
  }

  /** Writes every queued request in one transaction, then settles each request's promise. */
  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.flushScheduled = false;
    if (batch.length === 0) return;

    let outcomes: Outcome[];
    const recordedAt = this.clock().toISOString();
    try {
      // IMMEDIATE takes the write lock up front, so a concurrent writer in another process makes us wait
      // (busy timeout) instead of failing half-way with SQLITE_BUSY.
      try {
        this.startBatch();
        outcomes = this.writeBatchFast.immediate(batch, recordedAt);
      } catch (error) {
        if (!(error instanceof WriteCarefully)) throw error;
        // Rolled back: nothing of the first attempt stays, in the file or in memory.
        this.startBatch();
        outcomes = this.writeBatch.immediate(batch, recordedAt);
      }
      this.stats.transactions++;
    } catch (error) {
      // Nothing of this batch is on disk.
      const failure = new EventStoreUnavailableError(`SQLite event store write failed: ${String(error)}`, error);
      for (const request of batch) request.reject(failure);
      this.startBatch();
      this.heads.clear();
      return;
    }
    for (const [streamId, head] of this.batchHeads) this.cacheHead(streamId, head);
    this.remember(this.batchRows);
    this.startBatch();
    batch.forEach((request, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) {
        this.stats.appends++;
        request.resolve(outcome.result);
      } else {
        request.reject(outcome.error);
      }
    });
    if (outcomes.some((o) => o.ok)) this.commits.emit(COMMIT);
  }

  private startBatch(): void {
    this.batchRows = [];
    this.batchHeads.clear();
  }

  /**
   * One request, inside the batch transaction: sees what earlier requests of the batch wrote. `careful`:
   * look every id up before writing, and let an insert's failure through (the request's savepoint rolls
   * it back); otherwise ids are looked up only when the expected revision fails, and a failing insert
   * throws {@link WriteCarefully}.
   */
  private writeRequest({ streamId, events, expected }: PendingAppend, recordedAt: string, careful: boolean): AppendResult {
    const ids = events.map((e) => e.eventId);
    if (ids.length > 1) {
      const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
      if (repeated !== undefined) throw new DuplicateEventIdError(streamId, repeated);
    }

    // A stream this process knows nothing of, appended to with 'no_stream', is taken to be new without a
    // query: if it is not, the UNIQUE (stream_id, revision) index refuses its revision 0.
    const last = careful || expected !== 'no_stream' ? this.headOf(streamId) : this.knownHeadOf(streamId);
    const current = last ? last.revision : -1;
    const holds = expectationHolds(expected, current);

    // Stored ids make the request a retry (or a duplicate) whatever its expected revision. When the
    // revision holds and the ids are not looked up here, the UNIQUE index on event_id finds them instead.
    if (careful || !holds) {
      const stored = ids.map((id) => this.stmt.byEventId.get(id));
      if (stored.some((row) => row !== undefined)) {
        // Idempotent retry: the ids are exactly the stream's last events, in order.
        const firstRevision = current - ids.length + 1;
        const isRetry =
          last !== undefined &&
          stored.every((row, i) => row?.stream_id === streamId && row.revision === firstRevision + i);
        if (isRetry) return { nextExpectedRevision: current, position: sqlitePosition(last.position) };
        const i = stored.findIndex((row) => row !== undefined);
        throw new DuplicateEventIdError(streamId, ids[i], {
          streamId: stored[i]!.stream_id,
          revision: stored[i]!.revision,
        });
      }
    }

    if (!holds) throw new WrongExpectedRevisionError(streamId, expected, current === -1 ? 'no_stream' : current);

    let revision = current;
    let position = 0;
    for (const event of events) {
      revision++;
      const data = JSON.stringify(event.data ?? null);
      const metadata = JSON.stringify(event.metadata ?? null);
      let inserted: Database.RunResult;
      try {
        inserted = this.stmt.insert.run(streamId, revision, event.eventId, event.type, event.schemaVersion, data, metadata, recordedAt);
      } catch (error) {
        if (careful) throw error;
        throw new WriteCarefully(String(error));
      }
      position = Number(inserted.lastInsertRowid);
      this.requestRows.push({
        position,
        stream_id: streamId,
        revision,
        event_id: event.eventId,
        type: event.type,
        schema_version: event.schemaVersion,
        data,
        metadata,
        recorded_at: recordedAt,
      });
    }
    this.requestHead = { revision, position };
    return { nextExpectedRevision: revision, position: sqlitePosition(position) };
  }

  /** Catch-up then live: reads from the checkpoint until empty, then waits for a commit signal or the poll. */
  private batchSource(after: Position, batchSize: number): BatchSource {
    let checkpoint = after;
    let interrupted = false;
    let signalled = false;
    let wake: (() => void) | null = null;
    const signal = () => {
      signalled = true;
      wake?.();
    };
    this.commits.on(COMMIT, signal);

    return {
      next: async () => {
        while (!interrupted) {
          const batch = this.readAllSync(checkpoint, batchSize);
          if (batch.length > 0) {
            checkpoint = batch[batch.length - 1].position;
            return batch;
          }
          if (!signalled) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, this.pollIntervalMs);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = null;
          }
          signalled = false;
        }
        return null;
      },
      interrupt: () => {
        interrupted = true;
        this.commits.off(COMMIT, signal);
        wake?.();
      },
    };
  }
}
