// Idempotent writes for projections whose documents follow one stream: each document remembers the
// last stream revision applied, and an event at or below it changes nothing.
import type { RecordedEvent } from '@mentoring/event-store';
import type { Doc, ReadStoreTransaction, Update } from '@mentoring/read-store';

export interface StreamDoc extends Doc {
  /** Stream revision of the last event applied to this document. */
  revision: number;
}

/**
 * Applies `update` to the document `_id` of `collection` unless it has already seen `event`.
 * `insert` makes the first event of a stream create the document.
 */
export async function applyOnce(
  tx: ReadStoreTransaction,
  collection: string,
  id: string,
  event: RecordedEvent,
  update: Update,
  options: { insert?: boolean } = {},
): Promise<void> {
  const documents = tx.collection<StreamDoc>(collection);
  const current = await documents.findOne({ _id: id }, { projection: { revision: 1 } });
  if (current && current.revision >= event.revision) return;
  if (!current && !options.insert) return;
  const $set = { ...((update.$set as object | undefined) ?? {}), revision: event.revision };
  await documents.updateOne({ _id: id }, { ...update, $set }, { upsert: !current });
}

/**
 * Records that the document `_id` has seen `event` of its stream without changing anything else: for the
 * events a projection does not show, so that its `revision` is the stream's (the ETag of a read).
 */
export async function recordRevision(tx: ReadStoreTransaction, collection: string, id: string, event: RecordedEvent): Promise<void> {
  // Through applyOnce (a read and a write by _id): a conditional updateOne on `revision` measured slower.
  await applyOnce(tx, collection, id, event, {});
}
