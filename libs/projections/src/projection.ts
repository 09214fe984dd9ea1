// A projection turns events into read-model documents. It never rejects an event: whatever it does
// not understand it ignores, so that the log can always be replayed.
import type { RecordedEvent } from '@mentoring/event-store';
import type { ReadStore, ReadStoreTransaction } from '@mentoring/read-store';

export interface Projection {
  /** Stable name; also the checkpoint's name. */
  readonly name: string;
  /** Collections this projection owns; a rebuild drops them. */
  readonly collections: readonly string[];
  /**
   * The shape of its documents. Bump it when a change of `apply` changes what is stored (a new field, a
   * renamed value): a runner that finds documents of an older version rebuilds them without downtime.
   * Default 1.
   */
  readonly version?: number;
  /** Event types it handles; others still advance its checkpoint. */
  readonly eventTypes: ReadonlySet<string>;
  /** Creates indexes; runs before the first event and after a rebuild's drop. Must be idempotent. */
  setup?(store: ReadStore): Promise<void>;
  /**
   * Applies one event inside the batch's unit of work. Writes must be idempotent: applying an
   * event already applied changes nothing (documents remember the last stream revision they saw).
   */
  apply(event: RecordedEvent, tx: ReadStoreTransaction): Promise<void>;
}
