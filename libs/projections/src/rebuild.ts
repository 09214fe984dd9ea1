// Rebuilds one projection from the first event: drop its collections and checkpoint, then replay
// $all read in large batches, applied in time slices (a few ms each), each committed with its checkpoint
// (an interrupted rebuild resumes), with the event loop free between slices: requests are served while a
// rebuild or a first catch-up runs in the same process.
import { EventStore, START, Position, parsePosition } from '@mentoring/event-store';
import { ReadStore } from '@mentoring/read-store';
import { Projection } from './projection';
import { SLICE_MS, applySlice, yieldToEventLoop } from './apply-batch';

export interface RebuildProgress {
  done: number;
  total: number;
}

export interface RebuildOptions {
  batchSize?: number;
  /** Keep the existing documents and continue from the stored checkpoint instead of starting over. */
  resume?: boolean;
  onProgress?: (progress: RebuildProgress) => void;
  /** How long one unit of work applies events before the event loop gets a turn. Default {@link SLICE_MS}. */
  sliceMs?: number;
}

export async function rebuildProjection(
  eventStore: EventStore,
  readStore: ReadStore,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<RebuildProgress> {
  // Read batches of 250: reading (and decrypting) 1,000 events at once was itself a ~200 ms synchronous stretch.
  const batchSize = options.batchSize ?? 250;
  let after: Position = START;
  if (options.resume) {
    const stored = await readStore.getCheckpoint(projection.name);
    if (stored) after = parsePosition(stored.position);
  } else {
    for (const name of projection.collections) await readStore.dropCollection(name);
    await readStore.deleteCheckpoint(projection.name);
  }
  await projection.setup?.(readStore);
  const total = await eventStore.countAfter(after);
  let done = 0;
  options.onProgress?.({ done, total });
  for (;;) {
    await yieldToEventLoop();
    const events = await eventStore.readAll({ after, maxCount: batchSize });
    if (events.length === 0) break;
    for (let from = 0; from < events.length; ) {
      await yieldToEventLoop();
      const applied = await applySlice(readStore, projection, events, from, options.sliceMs ?? SLICE_MS);
      from += applied;
      done += applied;
      options.onProgress?.({ done, total: Math.max(total, done) });
    }
    after = events[events.length - 1].position;
  }
  return { done, total: Math.max(total, done) };
}
