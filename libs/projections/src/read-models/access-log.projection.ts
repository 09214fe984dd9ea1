// Read model of the access log (issue 11, "who read what"): one document per `SensitiveDataRead`, for
// GetAccessLog's filters (student, reader, period) with keyset paging newest first. The events themselves
// stay in the event store (append-only, hash-chained); this is a disposable index of them.
import type { RecordedEvent } from '@mentoring/event-store';
import { formatPosition } from '@mentoring/event-store';
import type { Doc, ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import type { Projection } from '../projection';
import { record, text } from './event-data';

export const ACCESS_LOG = 'access_log';

export interface AccessLogDoc extends Doc {
  /** The event id. */
  _id: string;
  readerId: string;
  readerRole: string;
  studentId: string | null;
  funderId: string | null;
  what: string;
  format: string;
  operationId: string;
  purpose: string | null;
  outcome: string;
  status: number;
  at: string;
  correlationId: string;
  /** The event's log position and stream: where the hash chain can verify it. */
  position: string;
  streamId: string;
}

export const accessLogProjection: Projection = {
  name: 'access-log',
  collections: [ACCESS_LOG],
  eventTypes: new Set(['SensitiveDataRead']),
  async setup(store: ReadStore) {
    const log = store.collection(ACCESS_LOG);
    await log.createIndex({ at: -1 });
    await log.createIndex({ studentId: 1, at: -1 });
    await log.createIndex({ readerId: 1, at: -1 });
  },
  async apply(event: RecordedEvent, tx: ReadStoreTransaction) {
    const d = record(event.data);
    const reader = record(d.reader);
    // Keyed by the event id: applying the event again writes the same document.
    await tx.collection<AccessLogDoc>(ACCESS_LOG).updateOne(
      { _id: event.eventId },
      {
        $set: {
          readerId: text(reader.id) ?? event.metadata.actor.id,
          readerRole: text(reader.role) ?? event.metadata.actor.role,
          studentId: text(d.studentId),
          funderId: text(d.funderId),
          what: text(d.what) ?? 'student_record',
          format: text(d.format) ?? 'json',
          operationId: text(d.operationId) ?? '',
          purpose: text(d.purpose),
          outcome: text(d.outcome) ?? 'granted',
          status: typeof d.status === 'number' ? d.status : 200,
          at: text(d.at) ?? event.metadata.occurredAt,
          correlationId: event.metadata.correlationId,
          position: formatPosition(event.position),
          streamId: event.streamId,
        },
      },
      { upsert: true },
    );
  },
};
