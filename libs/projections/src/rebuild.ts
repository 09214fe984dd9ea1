// Rebuilds one projection from the first event: drop its collections and checkpoint, then replay
// $all in large batches, each committed with its checkpoint (an interrupted rebuild resumes).
import { EventStore, START, Position, parsePosition } from '@mentoring/event-store';
import { ReadStore } from '@mentoring/read-store';
import { Projection } from './projection';
import { applyBatch } from './apply-batch';

export interface RebuildProgress {
  done: number;
  total: number;
}

export interface RebuildOptions {
  batchSize?: number;
  /** Keep the existing documents and continue from the stored checkpoint instead of starting over. */
  resume?: boolean;
  onProgress?: (progress: RebuildProgress) => void;
}

export async function rebuildProjection(
  eventStore: EventStore,
  readStore: ReadStore,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<RebuildProgress> {
  const batchSize = options.batchSize ?? 1000;
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
    const events = await eventStore.readAll({ after, maxCount: batchSize });
    if (events.length === 0) break;
    await applyBatch(readStore, projection, events);
    after = events[events.length - 1].position;
    done += events.length;
    options.onProgress?.({ done, total: Math.max(total, done) });
  }
  return { done, total: Math.max(total, done) };
}
