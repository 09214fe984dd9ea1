// Health that tells the truth, cheaply (issue 12): liveness, readiness and the /health details of a process
// (the API, the projector), computed from what the subscribers keep in memory and from a few O(1) store
// operations refreshed at most once per `refreshMs`, never from a scan: a call costs the same at 1k and 1M events.
//
// Readiness: the event store reachable (its head read) and, on SQLite, writable (`BEGIN IMMEDIATE; ROLLBACK` on a
// connection of our own: a lock and a writable file, no event appended); the read store writable (one tiny
// document replaced in `_health`: reaches a writable MongoDB primary, or the embedded file); free space on the
// volume of DATA_DIR; every subscriber this process runs subscribed, not failing, and within `maxLagEvents` of
// the head. The lag: the runner's in-memory checkpoint against the cached head; on SQLite positions are the
// events' sequence numbers (lag = head − checkpoint); on EventStoreDB (positions are byte offsets) the events
// after the checkpoint are counted up to `maxLagEvents + 1` (bounded, at the refresh only, only while behind).
import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import { EventStore, Position, START, comparePositions, formatPosition, parsePosition } from '@mentoring/event-store';
import { ReadStore } from '@mentoring/read-store';
import { countParkedEvents, PARKED_EVENTS, SubscriberLiveStatus, SubscriberRunner, SubscriberStatus } from '@mentoring/projections';
import { DUE_WORK } from './due-work';

export interface HealthMonitorOptions {
  /** READY_MAX_LAG_EVENTS. */
  maxLagEvents: number;
  /** READY_MIN_FREE_DISK_MB in bytes; 0: not checked. */
  minFreeDiskBytes: number;
  /** Whose free space is checked (DATA_DIR). */
  dataDir?: string;
  /** The SQLite event log (DATA_DIR/events.sqlite), probed for writability; unset on EventStoreDB. */
  sqliteEventsFile?: string;
  /** Store samples are reused for this long (default 1000 ms): a probe polled every 10 ms costs what one per second does. */
  refreshMs?: number;
}

/** One reason of an unready answer: a stable code and a sentence without personal data. */
export interface ReadinessReason {
  code:
    | 'event_store_unreachable'
    | 'event_store_unwritable'
    | 'read_store_unwritable'
    | 'disk_space_low'
    | 'subscriber_stopped'
    | 'subscriber_failing'
    | 'subscriber_lagging';
  message: string;
}

export interface ReadinessSubscriber {
  name: string;
  kind: 'projection' | 'reactor';
  /** Runs in this process (holds its lease). */
  leaseHeld: boolean;
  running: boolean;
  /** Events behind the head (0: caught up); null when another process runs it. */
  lag: number | null;
  lastError: string | null;
}

export interface ReadinessReport {
  ready: boolean;
  reasons: ReadinessReason[];
  /** When the stores were last sampled. */
  checkedAt: string;
  eventStore: { reachable: boolean; writable: boolean | null; head: string | null };
  readStore: { writable: boolean };
  disk: { freeBytes: number | null; minFreeBytes: number };
  maxLagEvents: number;
  subscribers: ReadinessSubscriber[];
}

type AnyRunner = SubscriberRunner<any>;
export interface MonitoredRunners {
  projections?: AnyRunner | null;
  reactors?: AnyRunner | null;
}

interface Sample {
  at: number;
  head: Position | null;
  headError: string | null;
  eventStoreWritable: boolean | null;
  eventStoreError: string | null;
  readStoreError: string | null;
  freeBytes: number | null;
  /** EventStoreDB only: bounded counts of the events after a checkpoint, by formatted checkpoint. */
  counted: Map<string, number>;
}

const HEALTH_COLLECTION = '_health';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class HealthMonitor {
  private sample: Sample | null = null;
  private sampling: Promise<Sample> | null = null;
  private probe: Database.Database | null = null;
  private readonly refreshMs: number;
  private readonly sequential: boolean;
  private readonly probeId: string;

  constructor(
    private readonly eventStore: EventStore,
    private readonly readStore: ReadStore,
    private readonly runners: MonitoredRunners,
    private readonly options: HealthMonitorOptions,
  ) {
    this.refreshMs = options.refreshMs ?? 1000;
    // SQLite positions are the events' sequence numbers: the lag is a subtraction.
    this.sequential = options.sqliteEventsFile !== undefined;
    this.probeId = `probe-${process.pid}`;
  }

  /** The subscribers of the process's runners, with their kind, from memory. */
  private live(): Array<SubscriberLiveStatus & { kind: 'projection' | 'reactor'; runner: AnyRunner }> {
    const out = [];
    for (const [kind, runner] of [['projection', this.runners.projections], ['reactor', this.runners.reactors]] as const) {
      if (!runner) continue;
      for (const s of runner.liveStatus()) out.push({ ...s, kind, runner });
    }
    return out;
  }

  /** The stores sampled: at most once per `refreshMs`, one sampling at a time (concurrent callers share it). */
  private async stores(): Promise<Sample> {
    if (this.sample && Date.now() - this.sample.at < this.refreshMs) return this.sample;
    this.sampling ??= this.takeSample().finally(() => (this.sampling = null));
    return (this.sample = await this.sampling);
  }

  private async takeSample(): Promise<Sample> {
    const sample: Sample = { at: Date.now(), head: null, headError: null, eventStoreWritable: null, eventStoreError: null, readStoreError: null, freeBytes: null, counted: new Map() };
    try {
      sample.head = await this.eventStore.headPosition();
    } catch (error) {
      sample.headError = messageOf(error);
    }
    if (this.options.sqliteEventsFile) {
      try {
        this.probeEventLog(this.options.sqliteEventsFile);
        sample.eventStoreWritable = true;
      } catch (error) {
        sample.eventStoreWritable = false;
        sample.eventStoreError = messageOf(error);
        this.probe?.close();
        this.probe = null;
      }
    }
    try {
      const at = new Date().toISOString();
      await this.readStore.collection(HEALTH_COLLECTION).replaceOne({ _id: this.probeId }, { _id: this.probeId, at }, { upsert: true });
    } catch (error) {
      sample.readStoreError = messageOf(error);
    }
    if (this.options.dataDir && this.options.minFreeDiskBytes > 0) {
      try {
        const stats = await fs.promises.statfs(this.options.dataDir);
        sample.freeBytes = Number(stats.bavail) * Number(stats.bsize);
      } catch {
        sample.freeBytes = null;
      }
    }
    // EventStoreDB: count what a lagging subscriber has left, bounded (positions are byte offsets there).
    if (!this.sequential && sample.head) {
      for (const s of this.live()) {
        if (!s.leaseHeld || !s.checkpoint || comparePositions(s.checkpoint, sample.head) >= 0) continue;
        const key = formatPosition(s.checkpoint);
        if (sample.counted.has(key)) continue;
        try {
          const events = await this.eventStore.readAll({ after: s.checkpoint, maxCount: this.options.maxLagEvents + 1 });
          sample.counted.set(key, events.length);
        } catch {
          /* the head read says whether the store is reachable */
        }
      }
    }
    return sample;
  }

  /** `BEGIN IMMEDIATE; ROLLBACK` on a connection of our own: the write lock is obtainable and the file writable. */
  private probeEventLog(file: string): void {
    if (!fs.existsSync(file)) return;
    this.probe ??= new Database(file, { timeout: 1000, fileMustExist: true });
    if (this.probe.readonly) throw new Error('the file is read-only');
    this.probe.exec('BEGIN IMMEDIATE; ROLLBACK');
  }

  /** Events between a checkpoint and the sampled head (0 when caught up). */
  private lagOf(checkpoint: Position | null, sample: Sample): number {
    if (!sample.head) return 0;
    const from = checkpoint ?? START;
    if (comparePositions(from, sample.head) >= 0) return 0;
    if (this.sequential) return Number(sample.head.commit - from.commit);
    return checkpoint ? (sample.counted.get(formatPosition(checkpoint)) ?? 0) : this.options.maxLagEvents + 1;
  }

  /** Readiness: stores reachable and writable, enough disk, every subscriber of this process running and caught up. */
  async readiness(): Promise<ReadinessReport> {
    const sample = await this.stores();
    const reasons: ReadinessReason[] = [];
    if (sample.headError) reasons.push({ code: 'event_store_unreachable', message: 'The event store cannot be read.' });
    if (sample.eventStoreWritable === false) {
      reasons.push({ code: 'event_store_unwritable', message: 'The event store cannot be written (a lock held by another process, a read-only or corrupted file).' });
    }
    if (sample.readStoreError) reasons.push({ code: 'read_store_unwritable', message: 'The read store refused a write (unreachable, no writable primary, disk or file).' });
    const minFree = this.options.minFreeDiskBytes;
    if (minFree > 0 && sample.freeBytes !== null && sample.freeBytes < minFree) {
      reasons.push({
        code: 'disk_space_low',
        message: `${Math.floor(sample.freeBytes / 1048576)} MB free on the volume of DATA_DIR, below READY_MIN_FREE_DISK_MB (${Math.floor(minFree / 1048576)}).`,
      });
    }
    const subscribers: ReadinessSubscriber[] = [];
    for (const s of this.live()) {
      const lag = s.leaseHeld ? this.lagOf(s.checkpoint, sample) : null;
      subscribers.push({ name: s.name, kind: s.kind, leaseHeld: s.leaseHeld, running: s.running, lag, lastError: s.lastError });
      if (!s.started) {
        reasons.push({ code: 'subscriber_stopped', message: `The ${s.kind} ${s.name} is stopped.` });
        continue;
      }
      // Another process holds its lease: its readiness, not ours.
      if (!s.leaseHeld || s.paused) continue;
      if (s.restarting) {
        reasons.push({ code: 'subscriber_failing', message: `The ${s.kind} ${s.name} stopped after a failure and is resubscribing with back-off (its last error: /health with an admin token).` });
      } else if (!s.running) {
        reasons.push({ code: 'subscriber_stopped', message: `The ${s.kind} ${s.name} is not subscribed.` });
      } else if (s.lastError) {
        reasons.push({ code: 'subscriber_failing', message: `The ${s.kind} ${s.name} is retrying a failing batch (its last error: /health with an admin token).` });
      }
      if (lag !== null && lag > this.options.maxLagEvents) {
        reasons.push({ code: 'subscriber_lagging', message: `The ${s.kind} ${s.name} is ${lag} events behind the head, more than READY_MAX_LAG_EVENTS (${this.options.maxLagEvents}).` });
      }
    }
    return {
      ready: reasons.length === 0,
      reasons,
      checkedAt: new Date(sample.at).toISOString(),
      eventStore: { reachable: !sample.headError, writable: sample.eventStoreWritable, head: sample.head ? formatPosition(sample.head) : null },
      readStore: { writable: !sample.readStoreError },
      disk: { freeBytes: sample.freeBytes, minFreeBytes: minFree },
      maxLagEvents: this.options.maxLagEvents,
      subscribers,
    };
  }

  /** `/health`'s status: `degraded` while a parked event or failed due work waits (two `findOne`s, no count). */
  async degraded(): Promise<boolean> {
    const parked = await this.readStore.collection(PARKED_EVENTS).findOne({ state: { $ne: 'resolved' } }, { projection: { _id: 1 } });
    if (parked) return true;
    return !!(await this.readStore.collection(DUE_WORK).findOne({ state: 'failed' }, { projection: { _id: 1 } }));
  }

  /**
   * The subscribers' rows of /health's details, without a count of the log: the checkpoint from memory (the
   * stored one, one document, for a subscriber another process runs), the lag against the sampled head, the
   * parked events and leases (small collections), and for reactors their due work counted by state.
   */
  async subscriberDetails(head: Position | null): Promise<{ projections: SubscriberStatus[]; reactors: Array<SubscriberStatus & { duePending: number; dueFailed: number }> }> {
    const sample = { ...(await this.stores()), head };
    const parked = await countParkedEvents(this.readStore);
    const projections: SubscriberStatus[] = [];
    const reactors: Array<SubscriberStatus & { duePending: number; dueFailed: number }> = [];
    for (const [kind, runner] of [['projection', this.runners.projections], ['reactor', this.runners.reactors]] as const) {
      if (!runner) continue;
      const leases = await runner.leases.states();
      for (const s of runner.liveStatus()) {
        let checkpoint = s.checkpoint;
        if (!s.leaseHeld || !checkpoint) {
          const stored = await this.readStore.getCheckpoint(s.name);
          checkpoint = stored ? parsePosition(stored.position) : null;
        }
        const row: SubscriberStatus = {
          name: s.name,
          running: s.running,
          checkpoint: checkpoint ? formatPosition(checkpoint) : null,
          lag: this.lagOf(checkpoint, sample),
          processedSinceStart: s.processedSinceStart,
          lastError: s.lastError,
          parked: parked[s.name] ?? 0,
          lease: leases.get(s.name)!,
        };
        if (kind === 'projection') projections.push(row);
        else {
          const due = this.readStore.collection(DUE_WORK);
          reactors.push({
            ...row,
            duePending: await due.countDocuments({ reactor: s.name, state: 'pending' }),
            dueFailed: await due.countDocuments({ reactor: s.name, state: 'failed' }),
          });
        }
      }
    }
    return { projections, reactors };
  }

  close(): void {
    this.probe?.close();
    this.probe = null;
  }
}
