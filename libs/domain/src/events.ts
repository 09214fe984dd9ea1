// The registry of every event type: its current schema version, its stream category, and the upcast hook used on read.
import { MentorCalendarEvent } from './mentor-calendar/mentor-calendar.events';
import { MentorEvent } from './mentor/mentor.events';
import { StudentEvent } from './student/student.events';

/** Every event the domain records. */
export type MentoringEvent = StudentEvent | MentorEvent | MentorCalendarEvent;
export type EventType = MentoringEvent['type'];

export type StreamCategory = 'student' | 'mentor' | 'mentor-calendar';

/**
 * The current schema version of each event type. An event type, once released, is never changed in place:
 * a change bumps its version here and adds a step to {@link upcast}.
 */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<EventType, number>> = Object.freeze({
  StudentEnrolled: 1,
  StudentAssigned: 1,
  MentorChangeRequested: 1,
  MentorChangeRequestDeclined: 1,
  MentorChanged: 1,
  FirstContactRecorded: 1,
  InternalCommentAdded: 1,
  FollowUpRequested: 1,
  FollowUpResolved: 1,
  TrainingPaused: 1,
  TrainingResumed: 1,
  TrainingCompleted: 1,
  TrainingWithdrawn: 1,
  DiscoverySessionBooked: 1,
  SessionBooked: 1,
  SessionRescheduled: 1,
  SessionCancelled: 1,
  SessionHeld: 1,
  SessionMissed: 1,
  SubstantialDelayRecorded: 1,
  FirstSessionRecordingSubmitted: 1,
  FirstSessionFeedbackGiven: 1,
  AttendanceFactRecorded: 1,
  AttendanceAlertRaised: 1,
  MentorRegistered: 1,
  MentorMarkedDisabilityFriendly: 1,
  MentorCapacityChanged: 1,
  MentorUnavailabilityDeclared: 1,
  MentorUnavailabilityEnded: 1,
  CaseloadSlotReserved: 1,
  CaseloadSlotReleased: 1,
  MentorSlotReserved: 1,
  MentorSlotMoved: 1,
  MentorSlotReleased: 1,
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
});

export const EVENT_TYPES: readonly EventType[] = Object.freeze(Object.keys(EVENT_SCHEMA_VERSIONS) as EventType[]);

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMA_VERSIONS, type);
}

/**
 * Brings stored event data of an older schema version to the current one, on read, and returns the data.
 * Identity today: every type is at version 1. A future version adds a step here (`vN → vN+1`), never a
 * change to stored events. Refuses an unknown type or a version newer than this code knows (an older
 * binary reading events written by a newer one).
 */
export function upcast(type: string, schemaVersion: number, data: unknown): MentoringEvent['data'] {
  if (!isEventType(type)) throw new Error(`unknown event type ${type}`);
  const current = EVENT_SCHEMA_VERSIONS[type];
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > current) {
    throw new Error(`cannot read ${type} v${schemaVersion}: this code knows up to v${current}`);
  }
  return data as MentoringEvent['data'];
}
