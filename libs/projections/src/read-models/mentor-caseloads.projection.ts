// Read model: one document per mentor with their caseload. The caseload follows the mentor stream's
// slot reservations (the capacity boundary, see docs/adr/0002), so it never shows more students than
// the capacity; the remaining capacity is derived when read, never stored.
import type { RecordedEvent } from '@mentoring/event-store';
import type { ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import type { Projection } from '../projection';
import { applyOnce, StreamDoc } from './apply-once';

export const MENTOR_CASELOADS = 'mentor_caseloads';

export interface CaseloadEntry {
  studentId: string;
  since: string;
}

export interface MentorCaseloadDoc extends StreamDoc {
  mentorId: string;
  name: string;
  email: string;
  trainingPaths: string[];
  capacity: number;
  disabilityFriendly: boolean;
  unavailable: boolean;
  caseload: CaseloadEntry[];
  /** Number of students in the caseload (kept for range queries such as "near capacity"). */
  caseloadSize: number;
  registeredAt: string;
  updatedAt: string;
}

type Data = Record<string, any>;

async function reserve(tx: ReadStoreTransaction, id: string, event: RecordedEvent, d: Data): Promise<void> {
  const doc = await tx.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).findOne({ _id: id });
  if (!doc || doc.revision >= event.revision || doc.caseload.some((e) => e.studentId === d.studentId)) {
    return applyOnce(tx, MENTOR_CASELOADS, id, event, {});
  }
  await applyOnce(tx, MENTOR_CASELOADS, id, event, {
    $push: { caseload: { studentId: d.studentId, since: event.metadata.occurredAt } },
    $inc: { caseloadSize: 1 },
    $set: { updatedAt: event.metadata.occurredAt },
  });
}

async function release(tx: ReadStoreTransaction, id: string, event: RecordedEvent, d: Data): Promise<void> {
  const doc = await tx.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).findOne({ _id: id });
  if (!doc || doc.revision >= event.revision || !doc.caseload.some((e) => e.studentId === d.studentId)) {
    return applyOnce(tx, MENTOR_CASELOADS, id, event, {});
  }
  await applyOnce(tx, MENTOR_CASELOADS, id, event, {
    $pull: { caseload: { studentId: d.studentId } },
    $inc: { caseloadSize: -1 },
    $set: { updatedAt: event.metadata.occurredAt },
  });
}

const handlers: Record<string, (tx: ReadStoreTransaction, id: string, event: RecordedEvent, data: Data) => Promise<void>> = {
  MentorRegistered: (tx, id, event, d) =>
    applyOnce(
      tx,
      MENTOR_CASELOADS,
      id,
      event,
      {
        $set: {
          mentorId: d.mentorId,
          name: d.name,
          email: d.email,
          trainingPaths: d.trainingPaths,
          capacity: d.capacity,
          disabilityFriendly: d.disabilityFriendly,
          unavailable: false,
          caseload: [],
          caseloadSize: 0,
          registeredAt: d.registeredAt ?? event.metadata.occurredAt,
          updatedAt: event.metadata.occurredAt,
        },
      },
      { insert: true },
    ),
  MentorMarkedDisabilityFriendly: (tx, id, event) =>
    applyOnce(tx, MENTOR_CASELOADS, id, event, { $set: { disabilityFriendly: true, updatedAt: event.metadata.occurredAt } }),
  MentorCapacityChanged: (tx, id, event, d) =>
    applyOnce(tx, MENTOR_CASELOADS, id, event, { $set: { capacity: d.capacity, updatedAt: event.metadata.occurredAt } }),
  MentorUnavailabilityDeclared: (tx, id, event) =>
    applyOnce(tx, MENTOR_CASELOADS, id, event, { $set: { unavailable: true, updatedAt: event.metadata.occurredAt } }),
  MentorUnavailabilityEnded: (tx, id, event) =>
    applyOnce(tx, MENTOR_CASELOADS, id, event, { $set: { unavailable: false, updatedAt: event.metadata.occurredAt } }),
  CaseloadSlotReserved: reserve,
  CaseloadSlotReleased: release,
};

export const mentorCaseloadsProjection: Projection = {
  name: 'mentor-caseloads',
  collections: [MENTOR_CASELOADS],
  eventTypes: new Set(Object.keys(handlers)),
  async setup(store: ReadStore) {
    await store.collection(MENTOR_CASELOADS).createIndex({ caseloadSize: 1 });
  },
  async apply(event, tx) {
    const data = event.data as Data;
    await handlers[event.type]?.(tx, String(data.mentorId), event, data);
  },
};
