// Rebuilds one projection from the first event: drop its collections and checkpoint, then replay
// $all read in large batches, applied in time slices (a few ms each), each committed with its checkpoint
// (an interrupted rebuild resumes), with the event loop free between slices: requests are served while a
// rebuild or a first catch-up runs in the same process.
import { EventStore, START, Position, parsePosition } from '@mentoring/event-store';
import { ReadStore } from '@mentoring/read-store';
import { Projection } from './projection';
import { SLICE_MS, applyJointSlice, commitCheckpoints, yieldToEventLoop } from './apply-batch';

export interface RebuildProgress {
  done: number;
  total: number;
}

export interface RebuildOptions {
  /** Most events applied per read of the log. Default 250. */
  batchSize?: number;
  /** Most events of the log looked at per read, handled or not. Default 1000. */
  scanLimit?: number;
  /** Keep the existing documents and continue from the stored checkpoint instead of starting over. */
  resume?: boolean;
  onProgress?: (progress: RebuildProgress) => void;
  /** How long one unit of work applies events before the event loop gets a turn. Default {@link SLICE_MS}. */
  sliceMs?: number;
  /** Asked between batches: true stops the rebuild with {@link RebuildInterruptedError} (a process stopping). */
  shouldStop?: () => boolean;
}

/** A rebuild given up because its process is stopping; what it committed stays (a shadow, or a resumable checkpoint). */
export class RebuildInterruptedError extends Error {
  constructor(readonly done: number) {
    super(`rebuild interrupted after ${done} events: the process is stopping`);
    this.name = 'RebuildInterruptedError';
  }
}

export function rebuildProjection(
  eventStore: EventStore,
  readStore: ReadStore,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<RebuildProgress> {
  return rebuildProjections(eventStore, readStore, [projection], options);
}

/**
 * Several projections in one pass over `$all` (the seed's `--project`, `projections:rebuild --all --offline`): the
 * log is read and decrypted once, and each slice is applied by all of them and committed in one unit of work with
 * all their checkpoints. With `resume`, projections at different checkpoints are rebuilt one after the other
 * instead (each from its own). `done`/`total` count events of the log, not events times projections.
 */
export async function rebuildProjections(
  eventStore: EventStore,
  readStore: ReadStore,
  projections: readonly Projection[],
  options: RebuildOptions = {},
): Promise<RebuildProgress> {
  // At most 250 events to apply per read: reading (and decrypting) 1,000 events at once was itself a ~200 ms
  // synchronous stretch. The read is filtered by the projections' event types, in the store: the events none of them
  // handles are skipped without being decoded or decrypted (mentor-caseloads handles 5 % of a school's log). At most
  // `scanLimit` events of the log are looked at per read, so that a stretch of skipped ones is bounded too.
  const batchSize = options.batchSize ?? 250;
  const scanLimit = options.scanLimit ?? 1000;
  const eventTypes = new Set(projections.flatMap((p) => [...p.eventTypes]));
  let after: Position = START;
  if (options.resume) {
    const stored = await Promise.all(projections.map((p) => readStore.getCheckpoint(p.name)));
    const positions = new Set(stored.map((c) => c?.position ?? null));
    if (positions.size > 1) {
      let done = 0;
      let total = 0;
      for (const projection of projections) {
        const progress = await rebuildProjections(eventStore, readStore, [projection], options);
        done += progress.done;
        total += progress.total;
      }
      return { done, total };
    }
    if (stored[0]) after = parsePosition(stored[0].position);
  } else {
    for (const projection of projections) {
      for (const name of projection.collections) await readStore.dropCollection(name);
      await readStore.deleteCheckpoint(projection.name);
    }
  }
  for (const projection of projections) await projection.setup?.(readStore);
  const total = await eventStore.countAfter(after);
  let done = 0;
  options.onProgress?.({ done, total });
  for (;;) {
    await yieldToEventLoop();
    if (options.shouldStop?.()) throw new RebuildInterruptedError(done);
    const read = await eventStore.readAllFiltered({ after, eventTypes, maxCount: batchSize, scanLimit });
    if (read.scannedTo === null) break;
    const { events, scannedTo, scanned } = read;
    if (events.length === 0) {
      await commitCheckpoints(readStore, projections, scannedTo);
      options.onProgress?.({ done: done + scanned, total: Math.max(total, done + scanned) });
    } else {
      for (let from = 0; from < events.length; ) {
        await yieldToEventLoop();
        const applied = await applyJointSlice(readStore, projections, events, from, options.sliceMs ?? SLICE_MS, scannedTo);
        from += applied;
        // Progress counts events of the log: the scan's share of what this slice applied.
        options.onProgress?.({ done: done + Math.round((scanned * from) / events.length), total: Math.max(total, done + scanned) });
      }
    }
    done += scanned;
    after = scannedTo;
  }
  return { done, total: Math.max(total, done) };
}
