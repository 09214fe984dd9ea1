// Read model: one document per student, what the platform shows about a student and their training.
// Disability data is stored here but only served to the student, their mentor and staff (R7).
import type { RecordedEvent } from '@mentoring/event-store';
import type { ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import type { Projection } from '../projection';
import { applyOnce, StreamDoc } from './apply-once';

export const STUDENT_PROFILES = 'student_profiles';

export type StudentStatus = 'waiting_for_mentor' | 'active' | 'paused' | 'completed' | 'withdrawn';

export interface StudentProfileDoc extends StreamDoc {
  studentId: string;
  name: string;
  email: string;
  trainingPath: string;
  registeredDisability: boolean;
  startDate: string;
  funding: Record<string, unknown> & { kind: string };
  attendanceObligatory: boolean;
  status: StudentStatus;
  mentorId: string | null;
  assignedAt: string | null;
  enrolledAt: string;
  updatedAt: string;
}

type Data = Record<string, any>;

const handlers: Record<string, (tx: ReadStoreTransaction, id: string, event: RecordedEvent, data: Data) => Promise<void>> = {
  StudentEnrolled: (tx, id, event, d) =>
    applyOnce(
      tx,
      STUDENT_PROFILES,
      id,
      event,
      {
        $set: {
          studentId: d.studentId,
          name: d.name,
          email: d.email,
          trainingPath: d.trainingPath,
          registeredDisability: d.registeredDisability,
          startDate: d.startDate,
          funding: d.funding,
          attendanceObligatory: d.attendanceObligatory,
          status: 'waiting_for_mentor',
          mentorId: null,
          assignedAt: null,
          enrolledAt: d.enrolledAt,
          updatedAt: event.metadata.occurredAt,
        },
      },
      { insert: true },
    ),
  StudentAssigned: (tx, id, event, d) =>
    applyOnce(tx, STUDENT_PROFILES, id, event, {
      $set: { status: 'active', mentorId: d.mentorId, assignedAt: d.assignedAt, updatedAt: event.metadata.occurredAt },
    }),
  MentorChanged: (tx, id, event, d) =>
    applyOnce(tx, STUDENT_PROFILES, id, event, {
      $set: { mentorId: d.toMentorId, assignedAt: d.changedAt, updatedAt: event.metadata.occurredAt },
    }),
  TrainingPaused: (tx, id, event) => applyOnce(tx, STUDENT_PROFILES, id, event, { $set: { status: 'paused', updatedAt: event.metadata.occurredAt } }),
  TrainingResumed: (tx, id, event) => applyOnce(tx, STUDENT_PROFILES, id, event, { $set: { status: 'active', updatedAt: event.metadata.occurredAt } }),
  TrainingCompleted: (tx, id, event) =>
    applyOnce(tx, STUDENT_PROFILES, id, event, { $set: { status: 'completed', updatedAt: event.metadata.occurredAt } }),
  TrainingWithdrawn: (tx, id, event) =>
    applyOnce(tx, STUDENT_PROFILES, id, event, { $set: { status: 'withdrawn', updatedAt: event.metadata.occurredAt } }),
};

export const studentProfilesProjection: Projection = {
  name: 'student-profiles',
  collections: [STUDENT_PROFILES],
  eventTypes: new Set(Object.keys(handlers)),
  async setup(store: ReadStore) {
    await store.collection(STUDENT_PROFILES).createIndex({ mentorId: 1 });
    await store.collection(STUDENT_PROFILES).createIndex({ status: 1 });
  },
  async apply(event, tx) {
    const data = event.data as Data;
    await handlers[event.type]?.(tx, String(data.studentId), event, data);
  },
};
