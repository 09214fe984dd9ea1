// Poison events: an event that a projection's or reactor's handler keeps failing on is parked after a
// bounded number of attempts, so that the subscriber goes on with the others. The parked event stays
// listed here (with the error) until it is retried successfully: `npm run parked -- list|retry <id>`,
// `/health` and the projector's `/metrics` show them.
import type { Doc, ReadStore } from '@mentoring/read-store';

export const PARKED_EVENTS = '_parked_events';

/** `parked`: skipped, waiting for a fix; `retry_requested`: the process running the subscriber will retry it; `resolved`: a retry succeeded. */
export type ParkedEventState = 'parked' | 'retry_requested' | 'resolved';

export interface ParkedEventDoc extends Doc {
  /** `<subscriber>:<eventId>`: the id the CLI and the admin endpoint take. */
  _id: string;
  subscriber: string;
  kind: 'projection' | 'reactor';
  eventId: string;
  eventType: string;
  streamId: string;
  revision: number;
  /** Serialised global position of the event. */
  position: string;
  error: string;
  /** Attempts so far: those before parking, plus one per retry. */
  attempts: number;
  state: ParkedEventState;
  parkedAt: string;
  updatedAt: string;
  retryRequestedAt: string | null;
  resolvedAt: string | null;
}

export function parkedEventId(subscriber: string, eventId: string): string {
  return `${subscriber}:${eventId}`;
}

/** Parked events, newest first; resolved ones only when asked. */
export async function listParkedEvents(readStore: ReadStore, options: { includeResolved?: boolean; limit?: number } = {}): Promise<ParkedEventDoc[]> {
  const filter = options.includeResolved ? {} : { state: { $ne: 'resolved' } };
  return readStore.collection<ParkedEventDoc>(PARKED_EVENTS).find(filter, { sort: { parkedAt: -1, _id: 1 }, ...(options.limit ? { limit: options.limit } : {}) });
}

/** Unresolved parked events per subscriber name. */
export async function countParkedEvents(readStore: ReadStore): Promise<Record<string, number>> {
  const docs = await readStore.collection<ParkedEventDoc>(PARKED_EVENTS).find({ state: { $ne: 'resolved' } }, { projection: { subscriber: 1 } });
  const counts: Record<string, number> = {};
  for (const doc of docs) counts[doc.subscriber] = (counts[doc.subscriber] ?? 0) + 1;
  return counts;
}

/**
 * Finds a parked event by its id (`<subscriber>:<eventId>`) or by the bare event id when only one
 * subscriber parked it. Throws when the bare id is ambiguous.
 */
export async function findParkedEvent(readStore: ReadStore, id: string): Promise<ParkedEventDoc | null> {
  const parked = readStore.collection<ParkedEventDoc>(PARKED_EVENTS);
  const exact = await parked.findOne({ _id: id });
  if (exact) return exact;
  const byEvent = await parked.find({ eventId: id });
  if (byEvent.length > 1) {
    throw new Error(`event ${id} is parked by several subscribers: ${byEvent.map((d) => d._id).join(', ')}; name one`);
  }
  return byEvent[0] ?? null;
}

/**
 * Asks the process that runs the subscriber to apply the parked event again (it watches for requests,
 * like rebuild requests). Returns the updated document, or null when there is no such parked event.
 */
export async function requestParkedRetry(readStore: ReadStore, id: string, now = new Date()): Promise<ParkedEventDoc | null> {
  const doc = await findParkedEvent(readStore, id);
  if (!doc) return null;
  if (doc.state === 'resolved') return doc;
  const at = now.toISOString();
  await readStore.collection<ParkedEventDoc>(PARKED_EVENTS).updateOne({ _id: doc._id }, { $set: { state: 'retry_requested', retryRequestedAt: at, updatedAt: at } });
  return { ...doc, state: 'retry_requested', retryRequestedAt: at, updatedAt: at };
}
