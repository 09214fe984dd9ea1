// Tamper evidence (issue 11, part 2): a decorator of the EventStore port that chains every appended event to
// the previous event of its stream. For each event, `hash = sha256(prev ‖ canonical(stored event))` (see
// canonical.ts) where `prev` is the hash of the stream's previous event (GENESIS_HASH for the first), stored
// as `metadata.integrity = {alg, prev, hash}`: no schema change on either store. The decorator hashes what it
// is given to store, so a decorator above it (encryption) gets its ciphertext chained, and destroying a key
// later does not break the chain.
//
// Where `prev` comes from: the expected revision decides the new events' revisions. A number n: the hash of
// the stream's event n (from a small cache of stream heads, else read). `no_stream`: genesis. `any`: the
// stream's actual last event, read, and the append is made with that CONCRETE revision, so two `any`
// appenders racing on one stream cannot both chain to the same predecessor: the loser gets a revision
// conflict from the store, re-reads the head and tries again (an `any` append accepts any place). A
// conflict on a numeric or `no_stream` append is the caller's, and is passed on unchanged.
// Reads pass through: the events come back with their integrity metadata.
import {
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
import { LRUCache } from 'lru-cache';
import { GENESIS_HASH, HASH_ALG, chainHash, storedHash, withoutIntegrity, type IntegrityMetadata } from './canonical';

export interface ChainedEventStoreOptions {
  /**
   * Stream heads (last revision and hash) kept in memory. Default 20,000 streams (as many as the command glue keeps
   * folded states of, so that a stream a command finds in memory is chained without a read too); 0 reads the head
   * every time.
   */
  headCacheSize?: number;
  /** Attempts of an `any` append that keeps losing races to other processes. Default 50. */
  maxAnyAttempts?: number;
}

interface Head {
  revision: number;
  hash: string;
}

export class ChainedEventStore implements EventStore {
  private readonly heads: LRUCache<string, Head>;
  private readonly anyQueue = new Map<string, Promise<void>>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly headCacheSize: number;
  private readonly maxAnyAttempts: number;

  constructor(
    /** The store the chained events are written to (the stored layer: what verification reads). */
    readonly inner: EventStore,
    options: ChainedEventStoreOptions = {},
  ) {
    this.headCacheSize = options.headCacheSize ?? 20_000;
    this.heads = new LRUCache({ max: Math.max(1, this.headCacheSize) });
    this.maxAnyAttempts = options.maxAnyAttempts ?? 50;
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return this.inner.append(streamId, events, expected);
    if (expected !== 'any') {
      // Registered before anything is awaited, so an append the caller issues right after this one can wait for it.
      const previous = this.inflight.get(streamId);
      const run = (async () => this.appendAfter(streamId, events, expected, await this.prevFor(streamId, expected, previous)))();
      const settled = run.then(() => undefined, () => undefined);
      this.inflight.set(streamId, settled);
      void settled.then(() => {
        if (this.inflight.get(streamId) === settled) this.inflight.delete(streamId);
      });
      return run;
    }
    // `any` appends to one stream from this process take turns (they would only lose races to each other);
    // races with other processes are settled by the retries.
    const previous = this.anyQueue.get(streamId) ?? Promise.resolve();
    const turn = previous.then(() => this.appendAny(streamId, events));
    const settled = turn.then(() => undefined, () => undefined);
    this.anyQueue.set(streamId, settled);
    void settled.then(() => {
      if (this.anyQueue.get(streamId) === settled) this.anyQueue.delete(streamId);
    });
    return turn;
  }

  private async appendAny(streamId: string, events: NewEvent[]): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      const head = await this.currentHead(streamId, attempt === 1);
      try {
        return await this.appendAfter(streamId, events, head ? head.revision : 'no_stream', head ? head.hash : GENESIS_HASH);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= this.maxAnyAttempts) throw error;
        // Another writer appended in between: chain to its event instead (after a short, growing pause).
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, attempt * Math.random() * 5)));
      }
    }
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  readAllFiltered(options: ReadAllFilteredOptions): Promise<FilteredRead> {
    return this.inner.readAllFiltered(options);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.inner.subscribeToAll(options);
  }

  headPosition(): Promise<Position | null> {
    return this.inner.headPosition();
  }

  countAfter(after?: Position): Promise<number> {
    return this.inner.countAfter(after);
  }

  close(): Promise<void> {
    this.heads.clear();
    return this.inner.close();
  }

  /** Chains `events` after `prev` at the revisions `expected` implies, appends them with `expected`. */
  private async appendAfter(streamId: string, events: NewEvent[], expected: number | 'no_stream', prev: string): Promise<AppendResult> {
    let revision = expected === 'no_stream' ? -1 : expected;
    const chained = events.map((event): NewEvent => {
      revision++;
      const metadata = withoutIntegrity(event.metadata) as NewEvent['metadata'];
      const hash = chainHash(prev, { streamId, revision, eventId: event.eventId, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata });
      const integrity: IntegrityMetadata = { alg: HASH_ALG, prev, hash };
      prev = hash;
      return { ...event, metadata: { ...metadata, integrity } as NewEvent['metadata'] };
    });
    let result: AppendResult;
    try {
      result = await this.inner.append(streamId, chained, expected);
    } catch (error) {
      this.heads.delete(streamId);
      throw error;
    }
    if (result.nextExpectedRevision === revision) this.remember(streamId, { revision, hash: prev });
    else this.heads.delete(streamId);
    return result;
  }

  /** The hash of the event at revision `expected` (the new events' predecessor), or genesis. */
  private async prevFor(streamId: string, expected: number | 'no_stream', pending?: Promise<void>): Promise<string> {
    if (expected === 'no_stream' || expected < 0) return GENESIS_HASH;
    let cached = this.heads.get(streamId);
    if (cached && cached.revision === expected) return cached.hash;
    // A caller may append right after its own append still in flight (pipelined): its predecessor is that one.
    if (pending) {
      await pending;
      cached = this.heads.get(streamId);
      if (cached && cached.revision === expected) return cached.hash;
    }
    const [event] = await this.inner.readStream(streamId, { fromRevision: expected });
    if (event && event.revision === expected) return storedHash(event);
    // Never chain to a predecessor that is not stored: the revision does not hold.
    const last = (await this.inner.readStream(streamId)).pop();
    throw new WrongExpectedRevisionError(streamId, expected, last ? last.revision : 'no_stream');
  }

  /** The stream's last event (revision and hash), from the cache when allowed, else read. */
  private async currentHead(streamId: string, cacheAllowed: boolean): Promise<Head | null> {
    const cached = cacheAllowed ? this.heads.get(streamId) : undefined;
    // A cached head may be stale (another process appended): the concrete expected revision then fails
    // and the next attempt reads.
    if (cached) return cached;
    const events = await this.inner.readStream(streamId);
    const last = events[events.length - 1];
    if (!last) return null;
    const head = { revision: last.revision, hash: storedHash(last) };
    this.remember(streamId, head);
    return head;
  }

  private remember(streamId: string, head: Head): void {
    if (this.headCacheSize === 0) return;
    this.heads.set(streamId, head);
  }
}

/**
 * The layer of a decorated event store that holds the stored bytes: below every decorator (each exposes
 * `inner`), the chained store's inner store. Verification and checkpoints read there, so they hash what
 * is stored (ciphertext included), never a decrypted view.
 */
export function storedLayer(store: EventStore): EventStore {
  let current: EventStore = store;
  for (let i = 0; i < 10; i++) {
    if (current instanceof ChainedEventStore) return current.inner;
    const inner = (current as { inner?: unknown }).inner;
    if (!inner || typeof inner !== 'object' || typeof (inner as EventStore).readAll !== 'function') return current;
    current = inner as EventStore;
  }
  return current;
}
