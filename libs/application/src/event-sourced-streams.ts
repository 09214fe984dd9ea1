// The read-fold-decide-append glue between the pure deciders and the event store port, free of any
// framework: the API wraps it as a Nest provider, reactors use it as it is.
import { LRUCache } from 'lru-cache';
import { Decider, DomainCommand, DomainError, DomainEvent, EVENT_SCHEMA_VERSIONS, upcast } from '@mentoring/domain';
import { AppendResult, DuplicateEventIdError, EventStore, NewEvent, Position, RecordedEvent, WrongExpectedRevisionError } from '@mentoring/event-store';
import { CommandContext, deterministicUuid, expectedFrom, requestKeyOf } from './command-context';
import { Clock, IdGenerator, newIds, systemClock } from './ports';

export interface Loaded<S> {
  state: S;
  /** Revision of the stream's last event; -1 when the stream does not exist. */
  revision: number;
}

export interface CommandOutcome {
  streamId: string;
  /** Revision of the stream after the command (unchanged when nothing was appended). */
  revision: number;
  /** Global position reached, or null when the command was a no-op. */
  position: Position | null;
  events: DomainEvent[];
}

/** How many times a command is re-decided after losing a race, when the caller named no expected revision. */
export const MAX_CONFLICT_RETRIES = 25;

export function toDomainEvent(event: RecordedEvent): DomainEvent {
  return { type: event.type, data: upcast(event.type, event.schemaVersion, event.data) as object };
}

/** Small random back-off so that racing retries spread out instead of colliding again. */
export function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 1 + attempt * 2) * Math.random();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The caller's expected revision (If-Match) does not hold. The API answers it as 412. */
export class RevisionMismatchError extends Error {
  readonly code = 'revision_mismatch';
  constructor(
    message: string,
    readonly currentRevision?: number,
  ) {
    super(message);
    this.name = 'RevisionMismatchError';
  }
}

/** How many folded stream states are kept per decider (least recently used go first). */
const STATE_CACHE_SIZE = 20_000;
/** How many streams found empty by a load are remembered with their decider, for the append that creates them. */
const MISSING_KEPT = 1_000;

type Folding<S> = Pick<Decider<never, DomainEvent, S>, 'evolve' | 'initialState'>;

/** A cached state; `own` when this process's append left it (the store accepted those events at that revision). */
type Cached<S> = Loaded<S> & { own: boolean };

/** What a decision run on trusted states took without reading: a refusal or a no-op is then decided again on reads. */
export interface Trust {
  /** False when the decision is made again on reads: nothing is taken unread. */
  allowed: boolean;
  /** States taken without a read (a stream's own append left it, or a stream known to be new). */
  taken: number;
  /** The If-Match refusal thrown in this run, if any. */
  mismatch?: unknown;
}

/**
 * Thrown by a decision run on unread states that would rely on one of them without appending to its stream (so
 * without the store confirming it): {@link EventSourcedStreams.deciding} then decides again on reads.
 */
export class DecideOnReads extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DecideOnReads';
  }
}

export interface ExecuteOptions {
  /**
   * The stream cannot exist yet (its id was just drawn at random): the first decision starts from the initial state
   * without reading. Should it exist after all, the append is refused and the decision is made again on a read.
   */
  newStream?: boolean;
}

export class EventSourcedStreams {
  /**
   * Folded states by decider and stream, with the revision they reflect. `load` still reads every event after
   * the cached revision, so what it returns is the store's latest, even with several processes writing. An
   * append made here folds its events into the cached state it was decided on (the store accepted them at
   * exactly that revision, so nobody wrote in between) and marks it `own`: a decision run through
   * {@link deciding} takes such a state without any read, the store confirming it when the decision appends
   * (see there). States are immutable (evolve returns new objects).
   */
  private readonly states = new Map<Folding<unknown>, LRUCache<string, Cached<unknown>>>();
  /** Streams a load found empty, with the decider that loaded them: the append that creates one starts its cached state. */
  private readonly missing = new LRUCache<string, Folding<unknown>>({ max: MISSING_KEPT });

  constructor(
    protected readonly store: EventStore,
    protected readonly clock: Clock = systemClock,
    protected readonly ids: IdGenerator = newIds,
  ) {}

  async load<S>(streamId: string, decider: Folding<S>): Promise<Loaded<S>> {
    const folding = decider as Folding<unknown>;
    const cached = this.states.get(folding)?.get(streamId) as Cached<S> | undefined;
    const events = await this.store.readStream(streamId, cached ? { fromRevision: cached.revision + 1 } : {});
    if (events.length === 0) {
      if (cached) return { state: cached.state, revision: cached.revision };
      this.noteMissing(streamId, folding);
      return { state: decider.initialState, revision: -1 };
    }
    const loaded: Loaded<S> = {
      state: events.map(toDomainEvent).reduce(decider.evolve, cached ? cached.state : decider.initialState),
      revision: events[events.length - 1].revision,
    };
    this.cache(folding, streamId, { ...loaded, own: false });
    return loaded;
  }

  /**
   * A load for a decision that appends to this stream when it is accepted: a state this process's own append left
   * is taken as it is, without reading. Another writer may have appended since; the append's expected revision
   * then fails and the decision is made again on a read, and a refusal or a no-op decided on it is decided again on
   * a read (see {@link deciding}), so an answer never rests on a state the store did not confirm.
   */
  private async loadForDecision<S>(streamId: string, decider: Folding<S>, trust: Trust): Promise<Loaded<S>> {
    const cached = this.states.get(decider as Folding<unknown>)?.get(streamId);
    if (cached?.own && trust.allowed) {
      trust.taken++;
      return { state: cached.state as S, revision: cached.revision };
    }
    return this.load(streamId, decider);
  }

  /** Starts a new stream's decision from the initial state, without a read (see {@link ExecuteOptions.newStream}). */
  private assumeNew<S>(streamId: string, decider: Folding<S>, trust: Trust): Loaded<S> {
    this.noteMissing(streamId, decider as Folding<unknown>);
    trust.taken++;
    return { state: decider.initialState, revision: -1 };
  }

  private noteMissing(streamId: string, decider: Folding<unknown>): void {
    this.missing.set(streamId, decider);
  }

  /**
   * Runs a decision (`run`, given these streams) with the states this process's own appends left taken without a
   * read, for the streams the decision appends to when accepted: `run` gets a view whose `load` does so. Only pass
   * it the loads of such streams; a stream that is only read must be loaded through `this`. When the decision
   * refuses (a domain error, an If-Match mismatch) or finds nothing to do after taking any state unread, it is run
   * again on reads, and that answer is the answer. A decision that finds it would rely on an unread state without
   * appending to its stream throws {@link DecideOnReads} (`trust.taken` tells which loads were taken unread).
   */
  async deciding<T extends CommandOutcome>(run: (streams: this, trust: Trust) => Promise<T>): Promise<T> {
    const trust: Trust = { allowed: true, taken: 0 };
    const view = Object.create(this) as this;
    const streams = this;
    view.load = function <S>(streamId: string, decider: Folding<S>): Promise<Loaded<S>> {
      return streams.loadForDecision(streamId, decider, trust);
    };
    view.checkIfMatch = function (ctx: CommandContext, revision: number): void {
      try {
        streams.checkIfMatch(ctx, revision);
      } catch (error) {
        trust.mismatch = error;
        throw error;
      }
    };
    try {
      const outcome = await run(view, trust);
      if (outcome.events.length > 0 || trust.taken === 0) return outcome;
    } catch (error) {
      if (trust.taken === 0 || !(error instanceof DomainError || error instanceof DecideOnReads || error === trust.mismatch)) throw error;
    }
    return run(this, { allowed: false, taken: 0 });
  }

  /**
   * Appends decided events with the context's metadata. With an idempotency key the event ids are
   * derived from it (and from `attempt`, and from `salt`: what makes this decision differ from another of the
   * same request, e.g. the reservation id it takes), so that a retried request appends nothing. When those ids
   * are already stored in this stream (a concurrent duplicate of the request got there first, and the stream
   * has moved on since), the answer is where they are stored.
   */
  async append(streamId: string, events: DomainEvent[], revision: number, ctx: CommandContext, attempt = 0, salt = ''): Promise<AppendResult> {
    const occurredAt = this.clock.now().toISOString();
    const requestKey = requestKeyOf(ctx);
    const newEvents: NewEvent[] = events.map((event, index) => ({
      eventId: ctx.idempotencyKey
        ? deterministicUuid(ctx.actor.id, ctx.idempotencyKey, streamId, String(attempt), String(index), ...(salt ? [salt] : []))
        : this.ids.uuid(),
      type: event.type,
      schemaVersion: (EVENT_SCHEMA_VERSIONS as Record<string, number>)[event.type] ?? 1,
      data: event.data,
      metadata: {
        correlationId: ctx.correlationId,
        causationId: ctx.causationId,
        actor: ctx.actor,
        occurredAt,
        ...(requestKey ? { requestKey } : {}),
      },
    }));
    try {
      const result = await this.store.append(streamId, newEvents, expectedFrom(revision));
      this.appended(streamId, revision, events, result);
      return result;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) this.contradicted(streamId);
      if (!(error instanceof DuplicateEventIdError) || !ctx.idempotencyKey) throw error;
      const stored = await this.whereStored(streamId, newEvents.map((e) => e.eventId));
      if (!stored) throw error;
      return stored;
    }
  }

  /**
   * Folds the events the store has just accepted at `revision` into the states cached at that revision (and
   * starts the state of a stream this process found empty). An append that did not land exactly there (a
   * repeat the store answered with the first copy's place) changes nothing: the next load reads.
   */
  private appended(streamId: string, revision: number, events: DomainEvent[], result: AppendResult): void {
    const next = revision + events.length;
    if (events.length === 0 || result.nextExpectedRevision !== next) return;
    if (revision < 0) {
      const decider = this.missing.get(streamId);
      if (!decider) return;
      this.missing.delete(streamId);
      this.cache(decider, streamId, { state: events.reduce(decider.evolve, decider.initialState), revision: next, own: true });
      return;
    }
    for (const [decider, cache] of this.states) {
      const cached = cache.get(streamId);
      if (cached && cached.revision === revision) this.cache(decider, streamId, { state: events.reduce(decider.evolve, cached.state), revision: next, own: true });
    }
  }

  /** Another writer got there first: what this process cached of the stream is no longer taken without a read. */
  private contradicted(streamId: string): void {
    for (const cache of this.states.values()) cache.delete(streamId);
  }

  private cache(decider: Folding<unknown>, streamId: string, loaded: Cached<unknown>): void {
    let cache = this.states.get(decider);
    if (!cache) this.states.set(decider, (cache = new LRUCache({ max: STATE_CACHE_SIZE })));
    cache.set(streamId, loaded);
  }

  /** The revision and position of the last of `eventIds` when all of them are stored in `streamId`, else null. */
  private async whereStored(streamId: string, eventIds: string[]): Promise<AppendResult | null> {
    const wanted = new Set(eventIds);
    const found = (await this.store.readStream(streamId)).filter((e) => wanted.has(e.eventId));
    if (found.length !== wanted.size) return null;
    const last = found[found.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  /**
   * What a keyed request already appended to `streamId` (a first run that died before it could answer): the
   * events carrying its request key, as the outcome the first run would have returned. Null without a key or
   * when the request appended nothing there.
   */
  async ownOutcome(streamId: string, ctx: CommandContext): Promise<CommandOutcome | null> {
    const requestKey = requestKeyOf(ctx);
    if (!requestKey) return null;
    const own = (await this.store.readStream(streamId)).filter((e) => e.metadata.requestKey === requestKey);
    if (own.length === 0) return null;
    const last = own[own.length - 1];
    return { streamId, revision: last.revision, position: last.position, events: own.map(toDomainEvent) };
  }

  /**
   * A decision that finds nothing to do, or refuses, may be the retry of a keyed request whose first run
   * appended and then died: answer with the first run's events instead (same status, same ids).
   */
  async orOwnOutcome(streamId: string, ctx: CommandContext, decide: () => Promise<CommandOutcome>): Promise<CommandOutcome> {
    if (!ctx.idempotencyKey || !ctx.answerRetriesWithOwnEvents) return decide();
    try {
      const outcome = await decide();
      if (outcome.events.length > 0) return outcome;
      return (await this.ownOutcome(streamId, ctx)) ?? outcome;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const own = await this.ownOutcome(streamId, ctx);
      if (own) return own;
      throw error;
    }
  }

  /** Refuses when the caller's expected revision does not name the stream's current revision. */
  checkIfMatch(ctx: CommandContext, revision: number): void {
    if (ctx.expectedRevision !== undefined && ctx.expectedRevision !== revision) {
      throw this.revisionMismatch(`If-Match names revision ${ctx.expectedRevision}, the resource is at ${revision}.`, revision);
    }
  }

  /** The error thrown when an expected revision does not hold; the API turns it into its 412 problem. */
  protected revisionMismatch(detail: string, currentRevision?: number): Error {
    return new RevisionMismatchError(detail, currentRevision);
  }

  /**
   * Runs one command against one stream: load, decide, append. When another writer wins the race
   * and the caller named no expected revision, the command is decided again on the new state (bounded).
   */
  async execute<C extends DomainCommand, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    makeCommand: (state: S) => C,
    ctx: CommandContext,
    options: ExecuteOptions = {},
  ): Promise<CommandOutcome> {
    // The stream is appended to whenever the decision is accepted: its own cached state may be taken unread.
    return this.deciding((streams, trust) =>
      streams.orOwnOutcome(streamId, ctx, () => streams.decideAndAppend(streamId, decider, makeCommand, ctx, trust, options.newStream === true)),
    );
  }

  private async decideAndAppend<C extends DomainCommand, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    makeCommand: (state: S) => C,
    ctx: CommandContext,
    trust: Trust,
    newStream: boolean,
  ): Promise<CommandOutcome> {
    for (let attempt = 0; ; attempt++) {
      const { state, revision } = attempt === 0 && newStream && trust.allowed ? this.assumeNew(streamId, decider, trust) : await this.load(streamId, decider);
      this.checkIfMatch(ctx, revision);
      const events = decider.decide(makeCommand(state), state);
      if (events.length === 0) return { streamId, revision, position: null, events: [] };
      try {
        const result = await this.append(streamId, events, revision, ctx, attempt);
        return { streamId, revision: result.nextExpectedRevision, position: result.position, events };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (ctx.expectedRevision !== undefined) throw this.revisionMismatch('The resource changed since the revision named by If-Match.');
        if (attempt >= MAX_CONFLICT_RETRIES) throw error;
        await backoff(attempt);
      }
    }
  }

  newId(): string {
    return this.ids.uuid();
  }

  now(): Date {
    return this.clock.now();
  }
}
