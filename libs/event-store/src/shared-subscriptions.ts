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
// read when every member has taken the current one; in exchange the log is read once and memory holds one batch.
//
// Members far apart do not share a reader: a member that joins more than `joinWindow` (2,000) events away from every group
// of members gets a group (and a reader) of its own. A reactor's first catch-up of two million events, or a new
// subscriber starting from zero, then moves at its own pace while the projections near the head keep up with the
// writes (sharing one reader, they waited for the catch-up: the read side stopped for half an hour at 100,000
// students). Groups are not merged when they meet: once both read the head, each read is of the newest events.
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
  type FilteredRead,
  type ReadAllFilteredOptions,
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
  /** A member joins a group whose position is at most this many events from its own; else it starts a group. Default 2,000. */
  joinWindow?: number;
}

interface Member {
  /** Last position this member took (exclusive start of what it gets next). */
  after: Position;
  /** The members it shares a reader with (itself included); set when it is placed. */
  group: Group | null;
  readonly options: SubscribeOptions;
  stopped: boolean;
  /** The delivery running now, if any (stop() waits for it). */
  inFlight: Promise<void> | null;
}

interface Group {
  readonly members: Set<Member>;
  reader: Reader | null;
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
  private readonly groups = new Set<Group>();
  /** Members subscribed and not yet placed in a group. */
  private joining: Member[] = [];
  /** Members placed in groups, and reader starts and stops, one at a time (a stop waits for the delivery in flight). */
  private transition: Promise<void> = Promise.resolve();
  private readonly batchSize: number;
  private readonly joinWindow: number;
  /** Batches read since the process started, and events in them (the figures for the bench and tests). */
  readonly stats = { batches: 0, events: 0, rewinds: 0 };

  constructor(
    /** Public like the other decorators' (storedLayer and other walkers go through it). */
    readonly inner: EventStore,
    private readonly options: SharedSubscriptionsOptions = {},
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? 500);
    this.joinWindow = Math.max(0, options.joinWindow ?? 2_000);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    const member: Member = { after: options.after ?? START, group: null, options, stopped: false, inFlight: null };
    // Members that subscribe in one go (a process starting its subscribers) are placed together, before any reader
    // of theirs reads: each group's reader then starts at its furthest-behind member, without stepping back.
    this.joining.push(member);
    if (this.joining.length === 1) this.schedule(() => this.placeJoining());
    return {
      // As with a subscription of its own: called from inside its handler, it must not be awaited there.
      stop: async () => {
        if (!member.stopped) this.leave(member);
        await member.inFlight;
      },
    };
  }

  /** The number of members and groups, and whether a reader runs (tests, diagnostics). */
  get shape(): { members: number; groups: number; reading: boolean } {
    const groups = [...this.groups];
    return { members: groups.reduce((n, g) => n + g.members.size, 0), groups: groups.length, reading: groups.some((g) => g.reader !== null) };
  }

  private async placeJoining(): Promise<void> {
    const joining = this.joining;
    this.joining = [];
    for (const member of joining) if (!member.stopped) await this.place(member);
    // One decision per group, on the positions the newcomers joined at (a reader started for the first of them
    // hands the others events at once: their positions move, the decision must not see that as being behind).
    const newcomers = new Map<Group, Position[]>();
    for (const member of joining) if (!member.stopped && member.group) newcomers.set(member.group, [...(newcomers.get(member.group) ?? []), member.after]);
    for (const [group, positions] of newcomers) await this.cover(group, minPosition(positions));
  }

  /** Puts `member` in the first group within the join window of its position, else in a new group. */
  private async place(member: Member): Promise<void> {
    let chosen: Group | null = null;
    for (const group of this.groups) {
      if (await this.near(member.after, this.positionOf(group))) {
        chosen = group;
        break;
      }
    }
    if (!chosen) this.groups.add((chosen = { members: new Set(), reader: null }));
    member.group = chosen;
    chosen.members.add(member);
  }

  /**
   * Whether at most `joinWindow` events lie between two positions: equal positions (a restart, every subscriber at
   * the head) cost nothing; else at most `joinWindow` events are read after the lower one (counting the events after
   * a position reads all of them on EventStoreDB).
   */
  private async near(a: Position, b: Position): Promise<boolean> {
    const order = comparePositions(a, b);
    if (order === 0) return true;
    const [lower, upper] = order < 0 ? [a, b] : [b, a];
    if (this.joinWindow === 0) return false;
    const between = await this.inner.readAll({ after: lower, maxCount: this.joinWindow });
    return between.length < this.joinWindow || comparePositions(between[between.length - 1].position, upper) >= 0;
  }

  /** Where a group is: what its reader handed out last, or where it was opened, or where its furthest-behind member stands. */
  private positionOf(group: Group): Position {
    const reader = group.reader;
    if (reader) return reader.handedOut ?? reader.from;
    return minPosition([...group.members].map((m) => m.after));
  }

  private leave(member: Member): void {
    member.stopped = true;
    const group = member.group;
    if (!group) return;
    group.members.delete(member);
    if (group.members.size === 0) {
      this.groups.delete(group);
      this.schedule(() => this.stopReader(group));
    }
  }

  private schedule(step: () => Promise<void>): void {
    this.transition = this.transition.then(step).catch(() => undefined);
  }

  /** Makes sure the group's reader hands out every event after `from` (where newcomers joined): starts it, or steps it back. */
  private async cover(group: Group, from: Position): Promise<void> {
    const reader = group.reader;
    if (reader) {
      const reached = reader.handedOut ?? reader.from;
      if (comparePositions(from, reached) >= 0) return;
      this.stats.rewinds++;
      await this.stopReader(group);
    }
    if (group.members.size === 0) return;
    this.startReader(group, minPosition([...group.members].map((m) => m.after)));
  }

  private startReader(group: Group, from: Position): void {
    const reader: Reader = {
      from,
      handedOut: null,
      subscription: this.inner.subscribeToAll({
        after: from,
        batchSize: this.batchSize,
        onEvents: (events) => this.hand(group, reader, events),
        onError: (error) => {
          if (group.reader !== reader) return;
          group.reader = null;
          // The read failed: every member of the group stops, as its own subscription would have; each resubscribes.
          for (const member of [...group.members]) this.fail(member, error);
        },
      }),
    };
    group.reader = reader;
  }

  private async stopReader(group: Group): Promise<void> {
    const reader = group.reader;
    group.reader = null;
    await reader?.subscription.stop();
  }

  /** One batch, to every member of the group that wants some of it, side by side; the next batch waits for all of them. */
  private async hand(group: Group, reader: Reader, events: RecordedEvent[]): Promise<void> {
    if (group.reader !== reader || events.length === 0) return;
    reader.handedOut = events[events.length - 1].position;
    this.stats.batches++;
    this.stats.events += events.length;
    if (this.options.freezeEvents) deepFreeze(events);
    const deliveries: Array<Promise<void>> = [];
    for (const member of group.members) {
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

  readAllFiltered(options: ReadAllFilteredOptions): Promise<FilteredRead> {
    return this.inner.readAllFiltered(options);
  }

  headPosition(): Promise<Position | null> {
    return this.inner.headPosition();
  }

  countAfter(after?: Position): Promise<number> {
    return this.inner.countAfter(after);
  }

  async close(): Promise<void> {
    for (const group of [...this.groups]) for (const member of [...group.members]) this.leave(member);
    await this.transition;
    await this.inner.close();
  }
}
