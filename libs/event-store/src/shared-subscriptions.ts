// One `$all` reader for every subscriber of a process (issue 13). The projections, reactors and process managers of
// a process each subscribe to `$all` from their own checkpoint; without this layer each one read (and decrypted,
// and parsed) the whole log for itself: eleven readers of the same rows. Wrapped around the configured store in the
// composition roots, this decorator turns their `subscribeToAll` calls into members of one shared subscription:
// one read per batch, handed to every member, each getting only the events after its own position.
//
// The reader starts at the lowest position a member asks for. A member that joins behind what the reader has
// already handed out (a first start, where they join one by one; a resubscription after a failure) makes the reader
// step back to that position: the members ahead see those events again and skip them (each member only ever gets
// events after the last one it took), which costs a re-read, not a re-apply. Members move in step: the next batch is
// read when every member has taken the current one, so a slow member (one catching up) slows the others; in
// exchange the log is read once and memory holds one batch.
//
// A member that throws is dropped and told through its `onError`, as a subscription of its own would stop; the
// others go on. A read that fails (the store unavailable) fails every member: each resubscribes after its back-off.
// Members receive the same event objects: they must not change them (frozen in tests, `freezeEvents`).
import {
  comparePositions,
  START,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './event-store.port';

export interface SharedSubscriptionsOptions {
  /** Events read per batch (each member still gets at most its own `batchSize` at a time). Default 500. */
  batchSize?: number;
  /** Deep-freezes every delivered event, so that a member changing one fails loudly (tests). Default false. */
  freezeEvents?: boolean;
}

interface Member {
  /** Last position this member took (exclusive start of what it gets next). */
  after: Position;
  readonly options: SubscribeOptions;
  stopped: boolean;
  /** The delivery running now, if any (stop() waits for it). */
  inFlight: Promise<void> | null;
}

interface Reader {
  subscription: Subscription;
  /** The position it was opened after. */
  from: Position;
  /** Last position it handed out (the end of the batch being delivered or delivered). */
  handedOut: Position | null;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

const minPosition = (positions: Position[]): Position => positions.reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));

export class SharedSubscriptionsEventStore implements EventStore {
  private readonly members = new Set<Member>();
  private reader: Reader | null = null;
  /** Reader starts and stops, one at a time (a stop waits for the delivery in flight). */
  private transition: Promise<void> = Promise.resolve();
  private readonly batchSize: number;
  /** Batches read since the process started, and events in them (the figures for the bench and tests). */
  readonly stats = { batches: 0, events: 0, rewinds: 0 };

  constructor(
    /** Public like the other decorators' (storedLayer and other walkers go through it). */
    readonly inner: EventStore,
    private readonly options: SharedSubscriptionsOptions = {},
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? 500);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const member: Member = { after: options.after ?? START, options, stopped: false, inFlight: null };
    this.members.add(member);
    this.schedule(() => this.cover(member));
    return {
      // As with a subscription of its own: called from inside its handler, it must not be awaited there.
      stop: async () => {
        if (!member.stopped) this.leave(member);
        await member.inFlight;
      },
    };
  }

  /** The number of members and whether the reader runs (tests, diagnostics). */
  get shape(): { members: number; reading: boolean } {
    return { members: this.members.size, reading: this.reader !== null };
  }

  private leave(member: Member): void {
    member.stopped = true;
    this.members.delete(member);
    if (this.members.size === 0) this.schedule(() => this.stopReader());
  }

  private schedule(step: () => Promise<void>): void {
    this.transition = this.transition.then(step).catch(() => undefined);
  }

  /** Makes sure the reader hands `member` every event after its position: starts it, or steps it back. */
  private async cover(member: Member): Promise<void> {
    if (member.stopped) return;
    const reader = this.reader;
    if (reader) {
      const reached = reader.handedOut ?? reader.from;
      if (comparePositions(member.after, reached) >= 0) return;
      this.stats.rewinds++;
      await this.stopReader();
    }
    if (this.members.size === 0) return;
    this.startReader(minPosition([...this.members].map((m) => m.after)));
  }

  private startReader(from: Position): void {
    const reader: Reader = {
      from,
      handedOut: null,
      subscription: this.inner.subscribeToAll({
        after: from,
        batchSize: this.batchSize,
        onEvents: (events) => this.hand(reader, events),
        onError: (error) => {
          if (this.reader !== reader) return;
          this.reader = null;
          // The read failed: every member stops, as its own subscription would have; each resubscribes.
          for (const member of [...this.members]) this.fail(member, error);
        },
      }),
    };
    this.reader = reader;
  }

  private async stopReader(): Promise<void> {
    const reader = this.reader;
    this.reader = null;
    await reader?.subscription.stop();
  }

  /** One batch, to every member that wants some of it, side by side; the next batch waits for all of them. */
  private async hand(reader: Reader, events: RecordedEvent[]): Promise<void> {
    if (this.reader !== reader || events.length === 0) return;
    reader.handedOut = events[events.length - 1].position;
    this.stats.batches++;
    this.stats.events += events.length;
    if (this.options.freezeEvents) deepFreeze(events);
    const deliveries: Array<Promise<void>> = [];
    for (const member of this.members) {
      const first = events.findIndex((e) => comparePositions(e.position, member.after) > 0);
      if (first >= 0) deliveries.push(this.deliver(member, first === 0 ? events : events.slice(first)));
    }
    await Promise.all(deliveries);
  }

  private deliver(member: Member, events: RecordedEvent[]): Promise<void> {
    const run = async () => {
      const size = member.options.batchSize ?? this.batchSize;
      for (let from = 0; from < events.length && !member.stopped; from += size) {
        const batch = from === 0 && events.length <= size ? events : events.slice(from, from + size);
        try {
          await member.options.onEvents(batch);
        } catch (error) {
          this.fail(member, error);
          return;
        }
        member.after = batch[batch.length - 1].position;
      }
    };
    const delivery = run().finally(() => {
      if (member.inFlight === delivery) member.inFlight = null;
    });
    member.inFlight = delivery;
    return delivery;
  }

  private fail(member: Member, error: unknown): void {
    if (member.stopped) return;
    this.leave(member);
    try {
      member.options.onError?.(error);
    } catch {
      // An onError that throws must not break the delivery to the others.
    }
  }

  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.inner.append(streamId, events, expected);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  headPosition(): Promise<Position | null> {
    return this.inner.headPosition();
  }

  countAfter(after?: Position): Promise<number> {
    return this.inner.countAfter(after);
  }

  async close(): Promise<void> {
    for (const member of [...this.members]) this.leave(member);
    this.schedule(() => this.stopReader());
    await this.transition;
    await this.inner.close();
  }
}
