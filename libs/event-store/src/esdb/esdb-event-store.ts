// EventStoreDB adapter (distributed deployment). The only module of the repository that talks to
// @eventstore/db-client; the rest of the code sees the port.
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type ReadPosition,
} from '@eventstore/db-client';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  START,
  comparePositions,
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
import {
  fromEsdbPosition,
  fromEsdbResolvedEvent,
  isStreamNotFound,
  isSystemEvent,
  isWrongExpectedVersion,
  mapEsdbError,
  toEsdbEventData,
  toEsdbExpectedRevision,
  toEsdbReadPosition,
} from './esdb-mapping';

/** Page size of the adapter's own `$all` paging (headPosition, readAll). */
const PAGE = 200;

/** Position of a `$all` record, system ones included (the client always sets it on `$all` reads). */
function allPosition(resolved: AllStreamResolvedEvent): Position | null {
  if (resolved.event?.position) return fromEsdbPosition(resolved.event.position);
  const commit = resolved.commitPosition;
  return commit === undefined ? null : { commit, prepare: commit };
}

/**
 * {@link EventStore} over EventStoreDB, from a connection string such as `esdb://host:2113?tls=false`
 * (`defaultDeadline=<ms>` in the string bounds every call).
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<Subscription>();

  /** @param connection a connection string, or a client (tests inject a fake). */
  constructor(connection: string | EventStoreDBClient) {
    // Connects lazily: an unreachable server surfaces on the first call as EventStoreUnavailableError.
    this.client = typeof connection === 'string' ? EventStoreDBClient.connectionString(connection) : connection;
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError(`stream ${streamId}: nothing to append`);
    let result;
    try {
      result = await this.client.appendToStream(streamId, events.map(toEsdbEventData), {
        expectedRevision: toEsdbExpectedRevision(expected),
      });
    } catch (error) {
      // A retry with a different expected revision than the first attempt: ESDB's own idempotency does
      // not apply, so look whether the events already are the stream's tail.
      if (isWrongExpectedVersion(error)) {
        const retried = await this.retriedResult(streamId, events).catch(() => null);
        if (retried) return retried;
      }
      throw mapEsdbError(error, streamId, expected);
    }
    if (result.position && result.position.commit >= 0n) {
      return { nextExpectedRevision: Number(result.nextExpectedRevision), position: fromEsdbPosition(result.position) };
    }
    // ESDB accepted the append as an idempotent repeat and may not report where the events are: read them.
    const retried = await this.retriedResult(streamId, events);
    if (retried) return retried;
    throw new DuplicateEventIdError(streamId, events[0].eventId);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const toInstant = options.toInstant?.toISOString();
    const out: RecordedEvent[] = [];
    try {
      const from = options.fromRevision && options.fromRevision > 0 ? { fromRevision: BigInt(options.fromRevision) } : {};
      for await (const resolved of this.client.readStream(streamId, from)) {
        const event = fromEsdbResolvedEvent(resolved);
        if (!event) continue;
        if (options.toPosition && comparePositions(event.position, options.toPosition) > 0) continue;
        // Client side: ESDB cannot filter by time.
        if (toInstant !== undefined && event.recordedAt > toInstant) continue;
        out.push(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw mapEsdbError(error, streamId);
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? 1000;
    let cursor = options.after ?? START;
    const out: RecordedEvent[] = [];
    try {
      // readAll's fromPosition is inclusive (subscribeToAll's is exclusive): read one extra and drop the
      // record at the cursor. System events are skipped here, so page until maxCount are found.
      for (;;) {
        const pageSize = Math.min(Math.max(maxCount - out.length, PAGE), 4096) + 1;
        let seen = 0;
        let last: Position | null = null;
        const page = this.client.readAll({ fromPosition: toEsdbReadPosition(cursor), maxCount: pageSize });
        for await (const resolved of page) {
          seen++;
          const position = allPosition(resolved);
          if (position && comparePositions(position, cursor) <= 0) continue;
          last = position;
          const event = fromEsdbResolvedEvent(resolved);
          if (event) out.push(event);
          if (out.length === maxCount) return out;
        }
        if (seen < pageSize || last === null) return out;
        cursor = last;
      }
    } catch (error) {
      throw mapEsdbError(error);
    }
  }

  /**
   * The client's `readAll` takes no filter (only its subscriptions do), so the events are filtered here, by type
   * before they are mapped: the server still sends every event, and the others are skipped without decryption.
   */
  async readAllFiltered(options: ReadAllFilteredOptions): Promise<FilteredRead> {
    const maxCount = Math.max(1, options.maxCount ?? 1000);
    const scanLimit = Math.max(1, options.scanLimit ?? 5000);
    const after = options.after ?? START;
    const events: RecordedEvent[] = [];
    let scannedTo: Position | null = null;
    let scanned = 0;
    try {
      // Inclusive of its start, as in readAll: one more than the window, the record at `after` dropped.
      const page = this.client.readAll({ fromPosition: toEsdbReadPosition(after), maxCount: scanLimit + 1 });
      for await (const resolved of page) {
        const position = allPosition(resolved);
        if (!position || comparePositions(position, after) <= 0) continue;
        // System records move the scan on too (a long run of them is not the head), but are not counted.
        scannedTo = position;
        const type = resolved.event?.type;
        if (type === undefined || isSystemEvent(type, resolved.event!.streamId)) continue;
        scanned++;
        if (options.eventTypes.has(type)) {
          const event = fromEsdbResolvedEvent(resolved);
          if (event) events.push(event);
        }
        if (events.length === maxCount || scanned === scanLimit) break;
      }
    } catch (error) {
      throw mapEsdbError(error);
    }
    return { events, scannedTo, scanned };
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    let stream: AllStreamSubscription;
    try {
      stream = this.client.subscribeToAll({
        fromPosition: toEsdbReadPosition(options.after ?? START),
        // Server-side filter keeps system events off the wire; fromEsdbResolvedEvent drops any left.
        filter: excludeSystemEvents(),
      });
    } catch (error) {
      // Failures normally arrive on the stream ('error'); a synchronous one is mapped the same way.
      throw mapEsdbError(error);
    }
    const subscription = runSubscription(new SubscriptionBatchSource(stream, options.batchSize ?? 500), options);
    this.subscriptions.add(subscription);
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async headPosition(): Promise<Position | null> {
    let from: ReadPosition = END;
    try {
      for (;;) {
        let seen = 0;
        let last: Position | null = null;
        const page = this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: PAGE });
        for await (const resolved of page) {
          seen++;
          const position = allPosition(resolved);
          // Backwards reads are inclusive of their start too.
          if (from !== END && position && comparePositions(position, from) >= 0) continue;
          const event = fromEsdbResolvedEvent(resolved);
          if (event) return event.position;
          last = position;
        }
        if (seen < PAGE || last === null) return null;
        from = last;
      }
    } catch (error) {
      throw mapEsdbError(error);
    }
  }

  /** Counts by reading `$all` forward: exact, but linear in the number of events after the checkpoint. */
  async countAfter(after: Position = START): Promise<number> {
    let count = 0;
    try {
      for await (const resolved of this.client.readAll({ fromPosition: toEsdbReadPosition(after) })) {
        const position = allPosition(resolved);
        if (position && comparePositions(position, after) <= 0) continue;
        if (fromEsdbResolvedEvent(resolved)) count++;
      }
    } catch (error) {
      throw mapEsdbError(error);
    }
    return count;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    await this.client.dispose();
  }

  /** The original result when `events` are exactly the stream's last events (same ids, same order), else null. */
  private async retriedResult(streamId: string, events: NewEvent[]): Promise<AppendResult | null> {
    const tail: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: events.length,
      })) {
        const event = fromEsdbResolvedEvent(resolved);
        if (event) tail.unshift(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return null;
      throw mapEsdbError(error, streamId);
    }
    if (tail.length !== events.length || tail.some((e, i) => e.eventId !== events[i].eventId)) return null;
    const last = tail[tail.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }
}

/**
 * Pulls batches out of the client's subscription stream in paused mode: whatever is buffered, up to
 * `batchSize`, and nothing more is read from the server while the handler runs (stream backpressure).
 */
class SubscriptionBatchSource implements BatchSource {
  private error: unknown = null;
  private ended = false;
  private interrupted = false;
  private wake: (() => void) | null = null;

  private readonly poke = (): void => {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  };

  constructor(
    private readonly stream: AllStreamSubscription,
    private readonly batchSize: number,
  ) {
    stream.on('readable', this.poke);
    // Always listened to: an 'error' without a listener would crash the process.
    stream.on('error', (error) => {
      this.error = error;
      this.poke();
    });
    const ended = () => {
      this.ended = true;
      this.poke();
    };
    stream.on('end', ended);
    stream.on('close', ended);
  }

  async next(): Promise<RecordedEvent[] | null> {
    for (;;) {
      if (this.interrupted) return null;
      const batch: RecordedEvent[] = [];
      while (batch.length < this.batchSize) {
        const resolved = this.stream.read() as AllStreamResolvedEvent | null;
        if (resolved === null) break;
        const event = fromEsdbResolvedEvent(resolved);
        if (event) batch.push(event);
      }
      if (batch.length > 0) return batch;
      if (this.error) throw mapEsdbError(this.error);
      if (this.ended) throw new EventStoreUnavailableError('EventStoreDB subscription ended unexpectedly');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async interrupt(): Promise<void> {
    if (this.interrupted) return;
    this.interrupted = true;
    this.poke();
    await this.stream.unsubscribe().catch(() => undefined);
  }
}
