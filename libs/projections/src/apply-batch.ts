// One batch of events, applied by one projection, committed with its checkpoint in one unit of work.
import { formatPosition, RecordedEvent } from '@mentoring/event-store';
import { ReadStore } from '@mentoring/read-store';
import { Projection } from './projection';

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
