// Read model: one document per mentor, and one per student in their caseload. The caseload follows the
// mentor stream's slot reservations (the capacity boundary, see docs/adr/0002), so it never shows more students than
// the capacity. What is derived from capacity and caseload (remaining capacity, load, the "fullest first" order) is
// stored beside them and indexed, so that the lists of mentors and the team's "near capacity" list read a page
// through an index instead of every mentor (issue 13).
import type { RecordedEvent } from '@mentoring/event-store';
import type { Doc, ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import { ERASED_PLACEHOLDER, EVENT_STREAM_CATEGORIES, legacyCaseloadReservationId } from '@mentoring/domain';
import type { Projection } from '../projection';
import { applyOnce, recordRevision, StreamDoc } from './apply-once';

export const MENTOR_CASELOADS = 'mentor_caseloads';
/** One document per open reservation (a slot held for a student): no unbounded array inside the mentor's document. */
export const MENTOR_CASELOAD_ENTRIES = 'mentor_caseload_entries';

export interface CaseloadEntryDoc extends Doc {
  mentorId: string;
  studentId: string;
  reservationId: string;
  since: string;
}

export interface MentorCaseloadDoc extends StreamDoc, MentorLoad {
  mentorId: string;
  name: string;
  email: string;
  trainingPaths: string[];
  capacity: number;
  disabilityFriendly: boolean;
  unavailable: boolean;
  /** Number of students holding a slot (the entries are in {@link MENTOR_CASELOAD_ENTRIES}). */
  caseloadSize: number;
  registeredAt: string;
  updatedAt: string;
}

/** What the lists derive from a mentor's capacity and caseload (see {@link mentorLoad}). */
export interface MentorLoad {
  /** max(0, capacity − caseloadSize). */
  remainingCapacity: number;
  /** caseloadSize / capacity to 4 decimals; null for a capacity of 0. */
  load: number | null;
  /**
   * The load, or `Number.MAX_SAFE_INTEGER` for a capacity of 0: a mentor is near capacity at a threshold t (0–1)
   * exactly when `fullness >= t` (no place left means a load of at least 1).
   */
  fullness: number;
  /** "Least capacity left, then highest load" as one string that sorts as that order. */
  fullestFirst: string;
}

/** The derived fields of a mentor of `capacity` holding `caseloadSize` slots. */
export function mentorLoad(capacity: number, caseloadSize: number): MentorLoad {
  const remainingCapacity = Math.max(0, capacity - caseloadSize);
  const load = capacity > 0 ? Math.round((caseloadSize / capacity) * 10_000) / 10_000 : null;
  // Zero-padded remaining capacity, then the complement of the load in hundredths of a percent.
  const loadBasisPoints = Math.min(Math.round((load ?? 0) * 10_000), 9_999_999_999);
  const fullestFirst = `${String(remainingCapacity).padStart(12, '0')}|${String(9_999_999_999 - loadBasisPoints).padStart(10, '0')}`;
  return { remainingCapacity, load, fullness: load ?? Number.MAX_SAFE_INTEGER, fullestFirst };
}

/** Stores {@link mentorLoad} of the mentor's current capacity and caseload when it changed. */
async function refreshLoad(tx: ReadStoreTransaction, id: string): Promise<void> {
  const mentors = tx.collection<MentorCaseloadDoc>(MENTOR_CASELOADS);
  const doc = await mentors.findOne({ _id: id }, { projection: { capacity: 1, caseloadSize: 1, remainingCapacity: 1, load: 1, fullness: 1, fullestFirst: 1 } });
  if (!doc || typeof doc.capacity !== 'number' || typeof doc.caseloadSize !== 'number') return;
  const derived = mentorLoad(doc.capacity, doc.caseloadSize);
  const same = (Object.keys(derived) as Array<keyof MentorLoad>).every((k) => doc[k] === derived[k]);
  if (!same) await mentors.updateOne({ _id: id }, { $set: derived });
}

/** The events after which capacity or caseload may have changed. */
const CHANGES_LOAD = new Set(['MentorRegistered', 'MentorCapacityChanged', 'CaseloadSlotReserved', 'CaseloadSlotReleased']);

type Data = Record<string, any>;

const entryId = (mentorId: string, reservationId: string) => `${mentorId}:${reservationId}`;

/** v1 reservations had no id: one per mentor and student (the domain's legacy id). */
function reservationOf(d: Data): string {
  return typeof d.reservationId === 'string' ? d.reservationId : legacyCaseloadReservationId(String(d.mentorId), String(d.studentId));
}

/** True when the mentor's document exists and has not seen this event yet. */
async function isNew(tx: ReadStoreTransaction, id: string, event: RecordedEvent): Promise<boolean> {
  const doc = await tx.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).findOne({ _id: id }, { projection: { revision: 1 } });
  return !!doc && doc.revision < event.revision;
}

async function reserve(tx: ReadStoreTransaction, id: string, event: RecordedEvent, d: Data): Promise<void> {
  if (!(await isNew(tx, id, event))) return;
  const entries = tx.collection<CaseloadEntryDoc>(MENTOR_CASELOAD_ENTRIES);
  const reservationId = reservationOf(d);
  const key = entryId(id, reservationId);
  if (await entries.findOne({ _id: key }, { projection: { _id: 1 } })) return applyOnce(tx, MENTOR_CASELOADS, id, event, {});
  await entries.insertOne({ _id: key, mentorId: id, studentId: String(d.studentId), reservationId, since: event.metadata.occurredAt });
  await applyOnce(tx, MENTOR_CASELOADS, id, event, { $inc: { caseloadSize: 1 }, $set: { updatedAt: event.metadata.occurredAt } });
}

async function release(tx: ReadStoreTransaction, id: string, event: RecordedEvent, d: Data): Promise<void> {
  if (!(await isNew(tx, id, event))) return;
  const { deletedCount } = await tx.collection<CaseloadEntryDoc>(MENTOR_CASELOAD_ENTRIES).deleteOne({ _id: entryId(id, reservationOf(d)) });
  if (deletedCount === 0) return applyOnce(tx, MENTOR_CASELOADS, id, event, {});
  await applyOnce(tx, MENTOR_CASELOADS, id, event, { $inc: { caseloadSize: -1 }, $set: { updatedAt: event.metadata.occurredAt } });
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
  // GDPR Art. 17 for a mentor who left: the copies of their name and e-mail are overwritten.
  MentorPersonalDataErased: (tx, id, event) =>
    applyOnce(tx, MENTOR_CASELOADS, id, event, { $set: { name: ERASED_PLACEHOLDER, email: ERASED_PLACEHOLDER, updatedAt: event.metadata.occurredAt } }),
};

// `revision` is the mentor stream's revision (what If-Match expects): every event type of the mentor
// category is subscribed, and those not otherwise used only record their revision (same choice as
// student-profiles: the ETag of a read always matches the document served).
const MENTOR_EVENT_TYPES = Object.entries(EVENT_STREAM_CATEGORIES)
  .filter(([, category]) => category === 'mentor')
  .map(([type]) => type);

export const mentorCaseloadsProjection: Projection = {
  name: 'mentor-caseloads',
  /** 2: entries by reservation id (issue 8); revision of every mentor event. 3: the derived load fields, indexed. */
  version: 3,
  collections: [MENTOR_CASELOADS, MENTOR_CASELOAD_ENTRIES],
  eventTypes: new Set([...Object.keys(handlers), ...MENTOR_EVENT_TYPES]),
  async setup(store: ReadStore) {
    const mentors = store.collection(MENTOR_CASELOADS);
    await mentors.createIndex({ caseloadSize: 1 });
    // GET /mentors by name or remaining capacity; the team's mentors near capacity (counted by fullness, fullest first).
    await mentors.createIndex({ name: 1, _id: 1, email: 1 }); // the e-mail for `q=` (name or e-mail), tested on the index
    await mentors.createIndex({ remainingCapacity: 1 });
    await mentors.createIndex({ fullness: 1 });
    await mentors.createIndex({ fullestFirst: 1, _id: 1 }); // the team's near-capacity list: (key, _id) pages
    // Mentor suggestions: the few flagged unavailable are scored one by one.
    await mentors.createIndex({ unavailable: 1 });
    await store.collection(MENTOR_CASELOAD_ENTRIES).createIndex({ mentorId: 1, since: 1 });
  },
  async apply(event, tx) {
    const data = event.data as Data;
    const handler = handlers[event.type];
    if (handler) await handler(tx, String(data.mentorId), event, data);
    else await recordRevision(tx, MENTOR_CASELOADS, String(data.mentorId), event);
    if (CHANGES_LOAD.has(event.type)) await refreshLoad(tx, String(data.mentorId));
  },
};
