// Reading event data defensively: a projection never rejects an event, so a field that is missing or of
// another type (an old or hand-written event) reads as null, and the projection carries on.
import type { RecordedEvent } from '@mentoring/event-store';
import type { ReadStoreTransaction } from '@mentoring/read-store';
import type { StreamDoc } from './apply-once';

export type Data = Record<string, unknown>;

export function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function flag(value: unknown): boolean {
  return value === true;
}

export function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function record(value: unknown): Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Data) : {};
}

/** The `id` of a party of the funding profile (`company`, `employer`, `tutor`, `publicFunder`), or null. */
export function partyId(funding: Data, key: string): string | null {
  return text(record(funding[key]).id);
}

export function partyName(funding: Data, key: string): string | null {
  return text(record(funding[key]).name);
}

/** Who pays (R4 reports): the company of an apprentice, the employer of an employee, the public funder of a social programme. */
export function funderKeyOf(kind: string | null): string | null {
  switch (kind) {
    case 'apprenticeship':
      return 'company';
    case 'employee':
      return 'employer';
    case 'social_programme':
      return 'publicFunder';
    default:
      return null;
  }
}

/** Minutes from `from` to `to` (instants), or null when either is missing or unparsable. */
export function minutesBetween(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  return Math.round((b - a) / 60_000);
}

/**
 * Folds one event into one document, exactly once: a document remembers the stream revision of the
 * last event it saw, and an event at or below it changes nothing. `fold` returns the next document
 * (without `_id` and `revision`), or null to leave it as it is (the revision still moves on).
 * Used for documents that follow exactly one stream.
 */
export async function foldOnce<F extends object>(
  tx: ReadStoreTransaction,
  collection: string,
  id: string,
  event: RecordedEvent,
  fold: (current: F | null) => F | null,
): Promise<void> {
  const docs = tx.collection<StreamDoc & F>(collection);
  const current = await docs.findOne({ _id: id });
  if (current && current.revision >= event.revision) return;
  // The stored document goes to the fold as it is (its `_id` and `revision` are overwritten on write):
  // copying it without them would cost as much as the read itself.
  const next = fold(current as F | null);
  if (next === null) {
    if (current) await docs.updateOne({ _id: id }, { $set: { revision: event.revision } });
    return;
  }
  await docs.replaceOne({ _id: id }, { _id: id, ...next, revision: event.revision } as StreamDoc & F, { upsert: true });
}

