// The registry of every event type: its current schema version, its stream category, and the upcast hook used on read.
import { AccessLogEvent } from './access-log/access-log.events';
import { MentorCalendarEvent } from './mentor-calendar/mentor-calendar.events';
import { MentorEvent, legacyCaseloadReservationId } from './mentor/mentor.events';
import { StudentEvent } from './student/student.events';

/** Every event the domain records. */
export type MentoringEvent = StudentEvent | MentorEvent | MentorCalendarEvent | AccessLogEvent;
export type EventType = MentoringEvent['type'];

export type StreamCategory = 'student' | 'mentor' | 'mentor-calendar' | 'access-log';

/**
 * The current schema version of each event type. An event type, once released, is never changed in place:
 * a change bumps its version here and adds a step to {@link upcast}.
 */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<EventType, number>> = Object.freeze({
  StudentEnrolled: 1,
  StudentAssigned: 2,
  MentorChangeRequested: 1,
  MentorChangeRequestDeclined: 1,
  MentorChanged: 2,
  FirstContactRecorded: 1,
  InternalCommentAdded: 1,
  FollowUpRequested: 1,
  FollowUpResolved: 1,
  TrainingPaused: 1,
  TrainingResumed: 1,
  TrainingCompleted: 2,
  TrainingWithdrawn: 2,
  DiscoverySessionBooked: 2,
  SessionBooked: 2,
  SessionRescheduled: 2,
  SessionCancelled: 2,
  SessionHeld: 1,
  SessionMissed: 1,
  SubstantialDelayRecorded: 1,
  FirstSessionRecordingSubmitted: 1,
  FirstSessionFeedbackGiven: 1,
  AttendanceFactRecorded: 1,
  AttendanceAlertRaised: 1,
  ReservationLapsed: 1,
  StudentPersonalDataErased: 1,
  MentorRegistered: 1,
  MentorMarkedDisabilityFriendly: 1,
  MentorCapacityChanged: 1,
  MentorUnavailabilityDeclared: 1,
  MentorUnavailabilityEnded: 1,
  CaseloadSlotReserved: 2,
  CaseloadSlotReleased: 2,
  MentorSlotReserved: 2,
  MentorSlotMoved: 1,
  MentorSlotReleased: 2,
  MentorPersonalDataErased: 1,
  SensitiveDataRead: 1,
});

/** The stream category each event type is appended to (`<category>-<id>`). */
export const EVENT_STREAM_CATEGORIES: Readonly<Record<EventType, StreamCategory>> = Object.freeze({
  StudentEnrolled: 'student',
  StudentAssigned: 'student',
  MentorChangeRequested: 'student',
  MentorChangeRequestDeclined: 'student',
  MentorChanged: 'student',
  FirstContactRecorded: 'student',
  InternalCommentAdded: 'student',
  FollowUpRequested: 'student',
  FollowUpResolved: 'student',
  TrainingPaused: 'student',
  TrainingResumed: 'student',
  TrainingCompleted: 'student',
  TrainingWithdrawn: 'student',
  DiscoverySessionBooked: 'student',
  SessionBooked: 'student',
  SessionRescheduled: 'student',
  SessionCancelled: 'student',
  SessionHeld: 'student',
  SessionMissed: 'student',
  SubstantialDelayRecorded: 'student',
  FirstSessionRecordingSubmitted: 'student',
  FirstSessionFeedbackGiven: 'student',
  AttendanceFactRecorded: 'student',
  AttendanceAlertRaised: 'student',
  ReservationLapsed: 'student',
  StudentPersonalDataErased: 'student',
  MentorRegistered: 'mentor',
  MentorMarkedDisabilityFriendly: 'mentor',
  MentorCapacityChanged: 'mentor',
  MentorUnavailabilityDeclared: 'mentor',
  MentorUnavailabilityEnded: 'mentor',
  CaseloadSlotReserved: 'mentor',
  CaseloadSlotReleased: 'mentor',
  MentorSlotReserved: 'mentor-calendar',
  MentorSlotMoved: 'mentor-calendar',
  MentorSlotReleased: 'mentor-calendar',
  MentorPersonalDataErased: 'mentor',
  SensitiveDataRead: 'access-log',
});

export const EVENT_TYPES: readonly EventType[] = Object.freeze(Object.keys(EVENT_SCHEMA_VERSIONS) as EventType[]);

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMA_VERSIONS, type);
}

type Data = Record<string, unknown>;

/**
 * v1 → v2 (docs/adr/0002, reservation ids): reservations and the facts that consume them name the reservation.
 * Before, a caseload reservation was one per mentor and student, and a calendar slot was keyed by its session:
 * those read as {@link legacyCaseloadReservationId} and as the session id.
 */
const TO_V2: Partial<Record<EventType, (data: Data) => Data>> = {
  StudentAssigned: (d) => ({ ...d, reservationId: legacyCaseloadReservationId(d.mentorId as string, d.studentId as string) }),
  MentorChanged: (d) => ({
    ...d,
    reservationId: legacyCaseloadReservationId(d.toMentorId as string, d.studentId as string),
    previousReservationId: legacyCaseloadReservationId(d.fromMentorId as string, d.studentId as string),
  }),
  TrainingCompleted: (d) => ({ ...d, reservationId: legacyCaseloadReservationId(d.mentorId as string, d.studentId as string) }),
  TrainingWithdrawn: (d) => ({ ...d, reservationId: d.mentorId ? legacyCaseloadReservationId(d.mentorId as string, d.studentId as string) : null }),
  DiscoverySessionBooked: (d) => ({ ...d, slotId: d.sessionId }),
  SessionBooked: (d) => ({ ...d, slotId: d.sessionId }),
  // v1 moved the slot in place (MentorSlotMoved): same slot before and after.
  SessionRescheduled: (d) => ({ ...d, slotId: d.sessionId, previousSlotId: d.sessionId }),
  SessionCancelled: (d) => ({ ...d, slotId: d.sessionId }),
  CaseloadSlotReserved: (d) => ({ ...d, reservationId: legacyCaseloadReservationId(d.mentorId as string, d.studentId as string) }),
  CaseloadSlotReleased: (d) => ({ ...d, reservationId: legacyCaseloadReservationId(d.mentorId as string, d.studentId as string) }),
  MentorSlotReserved: (d) => ({ ...d, slotId: d.sessionId }),
  MentorSlotReleased: (d) => ({ ...d, slotId: d.sessionId }),
};

/**
 * Brings stored event data of an older schema version to the current one, on read, and returns the data.
 * Each step (`vN → vN+1`) is a pure function of the data; stored events are never changed. Refuses an unknown
 * type or a version newer than this code knows (an older binary reading events written by a newer one).
 */
export function upcast(type: string, schemaVersion: number, data: unknown): MentoringEvent['data'] {
  if (!isEventType(type)) throw new Error(`unknown event type ${type}`);
  const current = EVENT_SCHEMA_VERSIONS[type];
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > current) {
    throw new Error(`cannot read ${type} v${schemaVersion}: this code knows up to v${current}`);
  }
  let upcasted = data as Data;
  if (schemaVersion < 2 && current >= 2) upcasted = TO_V2[type]!(upcasted);
  return upcasted as MentoringEvent['data'];
}
