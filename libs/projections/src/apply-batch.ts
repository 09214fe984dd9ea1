// One batch of events, applied by one projection, committed with its checkpoint in one unit of work; and the
// time-sliced form the runner and rebuilds use, so that a long run of events never holds the event loop (and the
// read store's unit-of-work queue) for more than a few milliseconds at a time.
import { formatPosition, Position, RecordedEvent } from '@mentoring/event-store';
import { ReadStore } from '@mentoring/read-store';
import { Projection } from './projection';

/**
 * How long one unit of work of a catch-up or a rebuild applies events before it commits and lets the event loop
 * serve requests (the commit's own cost comes on top). The embedded stores are synchronous underneath: without
 * these breaks a rebuild ran as one chain of microtasks and no request was answered until it ended.
 */
export const SLICE_MS = 8;

/**
 * Slices waiting for their turn, one per turn of the event loop. A plain `setImmediate` per slice is not enough: every
 * immediate queued before the loop reaches its check phase runs in that phase, back to back, so the slices of eleven
 * subscribers handed the same batch (and a rebuild's) ran as one long stretch with no request served in between.
 */
const waiting: Array<() => void> = [];
let pumping = false;

function pump(): void {
  waiting.shift()?.();
  // Scheduled from inside the check phase: runs at the next turn, after I/O (requests) has been polled.
  if (waiting.length > 0) setImmediate(pump);
  else pumping = false;
}

/**
 * Lets the event loop run what is waiting (I/O, timers, requests) before the next slice of work: resolves at a later
 * turn of the loop, one waiter per turn, in the order they asked.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}

/** Applies a batch of events in one unit of work and commits the checkpoint with it. */
export async function applyBatch(readStore: ReadStore, projection: Projection, events: RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await readStore.transaction(async (tx) => {
    for (const event of events) {
      if (projection.eventTypes.has(event.type)) await projection.apply(event, tx);
    }
    await tx.setCheckpoint(projection.name, formatPosition(events[events.length - 1].position));
  });
}

/**
 * Applies `events[from..]` in one unit of work until `sliceMs` have passed (at least one event), each event by every
 * projection of `projections` that handles it, and commits the checkpoint of the last one applied for all of them
 * with the writes (one read-store commit, however many projections). Returns how many were applied. A failure of
 * any of them rolls the whole slice back.
 */
export async function applyJointSlice(
  readStore: ReadStore,
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
  from: number,
  sliceMs = SLICE_MS,
  /** Where the checkpoints go when the slice applies the last of `events` (a filtered read's scan went further). */
  endPosition?: Position,
): Promise<number> {
  if (from >= events.length) return 0;
  let end = from;
  await readStore.transaction(async (tx) => {
    // From the start of the unit (not of the call): waiting for another unit is not this slice's work.
    const deadline = performance.now() + sliceMs;
    end = from;
    do {
      const event = events[end++];
      for (const projection of projections) if (projection.eventTypes.has(event.type)) await projection.apply(event, tx);
    } while (end < events.length && performance.now() < deadline);
    const position = formatPosition(end === events.length && endPosition ? endPosition : events[end - 1].position);
    for (const projection of projections) await tx.setCheckpoint(projection.name, position);
  });
  return end - from;
}

/** Moves the checkpoints of `projections` to `position` with nothing to apply (a stretch of the log none of them handles). */
export async function commitCheckpoints(readStore: ReadStore, projections: readonly Projection[], position: Position): Promise<void> {
  const at = formatPosition(position);
  await readStore.transaction(async (tx) => {
    for (const projection of projections) await tx.setCheckpoint(projection.name, at);
  });
}
