// Runs the real application in-process for the model test, with faults: an append that fails once (before
// or after it reached the store) and a crash of the process followed by a restart on the same data. The
// harness owns the SQLite event store; each "process" sees it through a proxy that dies with it, so that
// nothing a crashed process was still doing reaches the store after the crash.
import * as fs from 'node:fs';
import { createEventStore, EventStore, EventStoreUnavailableError, ExpectedRevision, NewEvent, Position, comparePositions } from '@mentoring/event-store';
import type { ProjectionRunner } from '@mentoring/projections';
import type { ReactorRunner } from '@mentoring/reactors';
import type { ReadStore } from '@mentoring/read-store';
import { PROJECTION_RUNNER, REACTOR_RUNNER, READ_STORE } from '../../apps/api/src/shared/tokens';
import { TestClock } from '../support/commands';
import { Answer, startTestApp, tempDataDir, TestApp } from '../support/test-app';

/** Faults of one case, counted in appends (any caller's: handlers and process managers) after {@link ModelHarness.arm}. */
export interface Faults {
  /** The n-th append fails once with a store error: `before` it reaches the store, or `after` (it is stored, the caller sees an error). */
  failAppend: { at: number; when: 'before' | 'after' } | null;
  /** The process crashes at the n-th append, `before` or `after` it is stored, and starts again on the same data. */
  crash: { at: number; when: 'before' | 'after' } | null;
}

export interface Timed<T> {
  value: T;
  /** A fault fired (an append failed, the process crashed) while this ran. */
  faulted: boolean;
}

const unavailable = (why: string) => new EventStoreUnavailableError(`injected by the model test: ${why}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Resolves after `ms` without keeping the process alive. */
const timeout = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Cycles through a generated list of delays (ms) to put before appends, so that the jitter shrinks with the case. */
export function cycle(delays: readonly number[]): () => number {
  let i = 0;
  return () => (delays.length === 0 ? 0 : delays[i++ % delays.length]);
}

export class ModelHarness {
  readonly dataDir = tempDataDir();
  readonly store: EventStore = createEventStore({ dataDir: this.dataDir, synchronous: 'NORMAL' });
  /** Faults fired so far (a request that sees this change may answer 503). */
  faultsFired = 0;
  restarts = 0;
  private app: TestApp | null = null;
  private generation = 0;
  private deadGeneration = -1;
  private restarting: Promise<void> | null = null;
  private readonly inflight = new Map<number, Set<Promise<unknown>>>();
  private faults: Faults = { failAppend: null, crash: null };
  private armed = false;
  private appends = 0;

  constructor(
    readonly clock: TestClock,
    private readonly env: Record<string, string> = {},
    /** Jitter in ms before each append (0 = none). */
    private readonly jitter: () => number = () => 0,
  ) {}

  async start(): Promise<void> {
    this.app = await startTestApp({ ...this.env, DATA_DIR: this.dataDir }, { clock: this.clock, eventStore: this.proxy(this.generation) });
  }

  /** The running app (after a crash: the restarted one, once it is up). */
  async current(): Promise<TestApp> {
    while (this.restarting) await this.restarting;
    return this.app!;
  }

  get config(): TestApp['config'] {
    return this.app!.config;
  }

  /** Starts counting appends for the faults. */
  arm(faults: Faults): void {
    this.faults = faults;
    this.appends = 0;
    this.armed = true;
  }

  disarm(): void {
    this.armed = false;
  }

  /** Sends a request to the running app; `faulted` tells whether a fault fired meanwhile. */
  async request(method: string, url: string, options: Parameters<TestApp['request']>[2]): Promise<Timed<Answer>> {
    const before = this.faultsFired;
    const app = await this.current();
    const generation = this.generation;
    const sent = app.request(method, url, options);
    const set = this.inflight.get(generation) ?? new Set();
    this.inflight.set(generation, set);
    set.add(sent);
    try {
      const value = await sent;
      return { value, faulted: this.faultsFired !== before || this.deadGeneration === generation };
    } finally {
      set.delete(sent);
    }
  }

  /** The reactors' scheduler, as the timer would run it at the clock's time. */
  async tick(): Promise<void> {
    const app = await this.current();
    const generation = this.generation;
    try {
      await app.app.get<ReactorRunner>(REACTOR_RUNNER).tick(this.clock.now());
    } catch (error) {
      // The process crashed during its tick (its stores closed under it): like its requests, the tick ends in an
      // error, and the restarted process does the due work again.
      if (this.deadGeneration === generation) return;
      throw error;
    }
  }

  /**
   * Waits until the projections and the process managers have processed the whole log, including what
   * they append themselves (until the head stops moving). False when they do not within `timeoutMs`.
   */
  async caughtUp(timeoutMs = 20_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let previous: Position | null = null;
    while (Date.now() < deadline) {
      // The app is looked up again on every round: a crash may replace it while we wait.
      const app = await this.current();
      const head = await this.store.headPosition();
      if (!head) return true;
      const reactors = app.app.get<ReactorRunner | null>(REACTOR_RUNNER, { strict: false });
      const projections = app.app.get<ProjectionRunner | null>(PROJECTION_RUNNER, { strict: false });
      const slice = Math.min(500, Math.max(1, deadline - Date.now()));
      const done = await Promise.all([reactors?.waitFor(head, slice) ?? true, projections?.waitFor(head, slice) ?? true]);
      if (!done.every(Boolean) || this.restarting) continue;
      // A process manager may append after its checkpoint moved past the head we waited for.
      if (previous && comparePositions(head, previous) === 0) return true;
      previous = head;
      await sleep(20);
    }
    return false;
  }

  /** The runners' own view (checkpoint, lag, lease, last error), for a failure message. */
  async status(): Promise<string> {
    const app = await this.current();
    const runners = [app.app.get<ReactorRunner | null>(REACTOR_RUNNER, { strict: false }), app.app.get<ProjectionRunner | null>(PROJECTION_RUNNER, { strict: false })];
    const statuses = await Promise.all(runners.map((r) => r?.status() ?? []));
    return `head ${JSON.stringify(await this.store.headPosition(), (_, v) => (typeof v === 'bigint' ? String(v) : v))}\n${statuses
      .flat()
      .map((s) => `  ${JSON.stringify(s)}`)
      .join('\n')}`;
  }

  async close(): Promise<void> {
    while (this.restarting) await this.restarting;
    if (this.app) await this.stopApp(this.app);
    this.app = null;
    await this.store.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  // --------------------------------------------------------------------------------------------------

  private async stopApp(app: TestApp): Promise<void> {
    const readStore = app.app.get<ReadStore>(READ_STORE);
    await app.close({ keepData: true });
    // The app does not own its stores when the event store is injected: the read store is closed here.
    await readStore.close();
  }

  /** The process dies: its store calls fail from now on; its requests end (in errors); a new process starts. */
  private crash(): void {
    if (this.restarting) return;
    this.deadGeneration = this.generation;
    const dead = this.generation;
    this.restarting = (async () => {
      const old = this.app!;
      await Promise.race([Promise.allSettled([...(this.inflight.get(dead) ?? [])]), timeout(10_000)]);
      await this.stopApp(old);
      this.generation++;
      this.restarts++;
      this.app = await startTestApp({ ...this.env, DATA_DIR: this.dataDir }, { clock: this.clock, eventStore: this.proxy(this.generation) });
    })().finally(() => (this.restarting = null));
  }

  private proxy(generation: number): EventStore {
    const inner = this.store;
    const alive = () => this.deadGeneration !== generation;
    const guard = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        if (!alive()) throw unavailable('the process crashed');
        return fn(...args);
      };
    const append = async (streamId: string, events: NewEvent[], expected: ExpectedRevision) => {
      if (!alive()) throw unavailable('the process crashed');
      const wait = this.jitter();
      if (wait > 0) await sleep(wait);
      if (!alive()) throw unavailable('the process crashed');
      if (!this.armed) return inner.append(streamId, events, expected);
      const n = ++this.appends;
      const { failAppend, crash } = this.faults;
      // A fault counts from the moment it takes effect: a request that starts meanwhile still sees it.
      if (crash && n === crash.at) {
        if (crash.when === 'after') await inner.append(streamId, events, expected).catch(() => undefined);
        this.faultsFired++;
        this.crash();
        throw unavailable(`the process crashed at append ${n}`);
      }
      if (failAppend && n === failAppend.at) {
        if (failAppend.when === 'after') await inner.append(streamId, events, expected);
        this.faultsFired++;
        throw unavailable(`append ${n} failed`);
      }
      return inner.append(streamId, events, expected);
    };
    const overrides: Partial<EventStore> = {
      append,
      readStream: guard(inner.readStream.bind(inner)),
      readAll: guard(inner.readAll.bind(inner)),
      headPosition: guard(inner.headPosition.bind(inner)),
      countAfter: guard(inner.countAfter.bind(inner)),
      subscribeToAll: (options) => {
        if (!alive()) return { stop: async () => undefined };
        return inner.subscribeToAll({
          ...options,
          onEvents: async (events) => {
            if (!alive()) throw unavailable('the process crashed');
            return options.onEvents(events);
          },
        });
      },
      // The harness owns the store.
      close: async () => undefined,
    };
    return new Proxy(inner, {
      get: (target, property) => {
        if (Object.prototype.hasOwnProperty.call(overrides, property)) return overrides[property as keyof EventStore];
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}
