// Periodic checkpoints over the global log (issue 11, part 2). The per-stream chains cannot see a stream's
// LAST event deleted, nor a whole stream gone: a checkpoint can. Every `every` events of `$all` (or once the
// oldest uncovered event is `intervalMs` old), `AuditCheckpointRecorded` is appended to `audit-checkpoints`:
//   hash_k = sha256(hash_{k-1} ‖ "\n" h_1 ‖ … ‖ "\n" h_n)   over the stored hashes of the events in (upTo_{k-1}, upTo_k]
// in `$all` order, with the segment's event count and the last revision of every stream it touched (`heads`),
// so that verification names an event removed from the end of a stream. Checkpoints are events like any other:
// chained in their stream, and covered by the next checkpoint.
//
// The checkpointer keeps no state of its own (only a hint of where the last checkpoint is): it starts from the last
// checkpoint in the store each time, so any process may run it; two running at once append with the checkpoint stream's expected revision and
// derive the event id from the segment, so one wins and the other finds its work done.
import { createHash } from 'node:crypto';
import {
  START,
  WrongExpectedRevisionError,
  formatPosition,
  parsePosition,
  type EventStore,
  type NewEvent,
  type Position,
  type RecordedEvent,
} from '../event-store.port';
import { GENESIS_HASH, storedHash } from './canonical';
import { storedLayer } from './chained-event-store';

export const AUDIT_CHECKPOINT_STREAM = 'audit-checkpoints';
export const AUDIT_CHECKPOINT_RECORDED = 'AuditCheckpointRecorded';

export interface AuditCheckpointRecorded {
  /** Exclusive start of the segment: the previous checkpoint's `upToPosition`, or null for the first. */
  fromPosition: string | null;
  /** Inclusive end of the segment (a position of `$all`). */
  upToPosition: string;
  /** Events in the segment. */
  eventCount: number;
  /** Events from the start of the log up to `upToPosition`. */
  totalEvents: number;
  /** The previous checkpoint's hash (GENESIS_HASH for the first). */
  prevHash: string;
  hash: string;
  /** Stream id → the last revision of that stream inside the segment. */
  heads: Record<string, number>;
}

export interface AuditCheckpointerOptions {
  /** Events per checkpoint. Default 1,000. */
  every?: number;
  /** A partial segment is checkpointed once its first event is this old. Default 10 minutes. */
  intervalMs?: number;
  /** `$all` read batch. Default 1,000. */
  batchSize?: number;
}

export interface CheckpointRunReport {
  recorded: number;
  /** Events after the last checkpoint, left for a later run. */
  uncovered: number;
}

export function checkpointHash(prevHash: string, leaves: readonly string[]): string {
  const h = createHash('sha256').update(prevHash);
  for (const leaf of leaves) h.update('\n').update(leaf);
  return h.digest('hex');
}

/** The checkpoints in the store, in order (read from the stored layer). */
export async function readCheckpoints(store: EventStore): Promise<Array<RecordedEvent<string, AuditCheckpointRecorded>>> {
  return (await storedLayer(store).readStream(AUDIT_CHECKPOINT_STREAM)).filter(isCheckpoint);
}

const isCheckpoint = (e: RecordedEvent): e is RecordedEvent<string, AuditCheckpointRecorded> => e.type === AUDIT_CHECKPOINT_RECORDED;

/** A UUID derived from the segment: the same checkpoint computed twice is the same event (idempotent append). */
function checkpointEventId(upToPosition: string, hash: string): string {
  const h = createHash('sha256').update(`audit-checkpoint:${upToPosition}:${hash}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class AuditCheckpointer {
  private readonly every: number;
  private readonly intervalMs: number;
  private readonly batchSize: number;

  /** `store`: the application's store (appends go through its decorators; reads go to its stored layer). */
  constructor(
    private readonly store: EventStore,
    options: AuditCheckpointerOptions = {},
  ) {
    this.every = Math.max(1, options.every ?? 1000);
    this.intervalMs = options.intervalMs ?? 10 * 60_000;
    this.batchSize = options.batchSize ?? 1000;
  }

  /**
   * The last checkpoint this process has seen. Only a hint of where to read from: every run reads the stream from
   * its revision on, so checkpoints another process appended are seen, and the stream is read whole again if that
   * checkpoint is no longer where it was. (Reading the whole stream at every tick parsed every checkpoint ever
   * recorded, each with the heads of up to `every` streams: at 2M events, most of a process's CPU.)
   */
  private known: RecordedEvent<string, AuditCheckpointRecorded> | null = null;

  /** Records the checkpoints due at `now` (`force`: the partial segment too). */
  async run(now: Date = new Date(), options: { force?: boolean } = {}): Promise<CheckpointRunReport> {
    const stored = storedLayer(this.store);
    let last = await this.lastCheckpoint();
    let after: Position = last ? parsePosition(last.data.upToPosition) : START;
    let segment = newSegment(last);
    let recorded = 0;
    for (;;) {
      const batch = await stored.readAll({ after, maxCount: this.batchSize });
      if (batch.length === 0) break;
      for (const event of batch) {
        segment.add(event);
        if (segment.leaves.length >= this.every) {
          const appended = await this.record(segment, last, now);
          if (!appended) return { recorded, uncovered: 0 };
          last = this.known = appended;
          segment = newSegment(last);
          recorded++;
        }
      }
      after = batch[batch.length - 1].position;
    }
    const uncovered = segment.leaves.length;
    const oldEnough = segment.firstRecordedAt !== null && now.getTime() - Date.parse(segment.firstRecordedAt) >= this.intervalMs;
    if (uncovered > 0 && (options.force || oldEnough)) {
      const appended = await this.record(segment, last, now);
      if (appended) {
        this.known = appended;
        return { recorded: recorded + 1, uncovered: 0 };
      }
    }
    return { recorded, uncovered };
  }

  private async lastCheckpoint(): Promise<RecordedEvent<string, AuditCheckpointRecorded> | null> {
    if (this.known) {
      const since = (await storedLayer(this.store).readStream(AUDIT_CHECKPOINT_STREAM, { fromRevision: this.known.revision })).filter(isCheckpoint);
      if (since[0]?.eventId === this.known.eventId) return (this.known = since[since.length - 1]);
    }
    const all = await readCheckpoints(this.store);
    return (this.known = all[all.length - 1] ?? null);
  }

  /** Appends the segment's checkpoint; null when another process recorded one first. */
  private async record(segment: Segment, last: RecordedEvent<string, AuditCheckpointRecorded> | null, now: Date) {
    const prevHash = last ? last.data.hash : GENESIS_HASH;
    const upToPosition = formatPosition(segment.lastPosition!);
    const data: AuditCheckpointRecorded = {
      fromPosition: last ? last.data.upToPosition : null,
      upToPosition,
      eventCount: segment.leaves.length,
      totalEvents: (last ? last.data.totalEvents : 0) + segment.leaves.length,
      prevHash,
      hash: checkpointHash(prevHash, segment.leaves),
      heads: Object.fromEntries(segment.heads),
    };
    const eventId = checkpointEventId(upToPosition, data.hash);
    const event: NewEvent = {
      eventId,
      type: AUDIT_CHECKPOINT_RECORDED,
      schemaVersion: 1,
      data,
      metadata: { correlationId: eventId, causationId: eventId, actor: { id: 'system:audit-checkpoints', role: 'system' }, occurredAt: now.toISOString() },
    };
    try {
      const result = await this.store.append(AUDIT_CHECKPOINT_STREAM, [event], last ? last.revision : 'no_stream');
      return { ...event, data, streamId: AUDIT_CHECKPOINT_STREAM, revision: result.nextExpectedRevision, position: result.position, recordedAt: now.toISOString() } as RecordedEvent<string, AuditCheckpointRecorded>;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return null;
      throw error;
    }
  }
}

interface Segment {
  leaves: string[];
  heads: Map<string, number>;
  lastPosition: Position | null;
  firstRecordedAt: string | null;
  add(event: RecordedEvent): void;
}

function newSegment(last: RecordedEvent<string, AuditCheckpointRecorded> | null): Segment {
  const segment: Segment = {
    leaves: [],
    heads: new Map(),
    lastPosition: null,
    // A partial segment is due `intervalMs` after the previous checkpoint, or after its first event.
    firstRecordedAt: last ? last.metadata.occurredAt : null,
    add(event) {
      segment.leaves.push(storedHash(event));
      segment.heads.set(event.streamId, event.revision);
      segment.lastPosition = event.position;
      segment.firstRecordedAt ??= event.recordedAt;
    },
  };
  return segment;
}
