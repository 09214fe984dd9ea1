// Facts recorded in a mentor's stream (`mentor-<mentorId>`): the profile, and the caseload that bounds R9.
import { DomainEvent } from '../shared/decider';

export type MentorRegistered = DomainEvent<
  'MentorRegistered',
  {
    mentorId: string;
    name: string;
    email: string;
    trainingPaths: string[];
    capacity: number;
    disabilityFriendly: boolean;
    /** When the mentor completed the disability training (R7); `null` when not disability-friendly. */
    disabilityTrainingCompletedOn: string | null;
    registeredAt: string;
  }
>;

export type MentorMarkedDisabilityFriendly = DomainEvent<
  'MentorMarkedDisabilityFriendly',
  { mentorId: string; trainingCompletedOn: string; markedAt: string }
>;

export type MentorCapacityChanged = DomainEvent<
  'MentorCapacityChanged',
  { mentorId: string; previousCapacity: number; capacity: number; changedAt: string }
>;

export type MentorUnavailabilityDeclared = DomainEvent<
  'MentorUnavailabilityDeclared',
  { mentorId: string; unavailabilityId: string; from: string; to: string; reason: string; declaredAt: string }
>;

export type MentorUnavailabilityEnded = DomainEvent<
  'MentorUnavailabilityEnded',
  { mentorId: string; unavailabilityId: string; endedAt: string }
>;

/** A student now counts against the mentor's capacity (R9). */
export type CaseloadSlotReserved = DomainEvent<'CaseloadSlotReserved', { mentorId: string; studentId: string; reservedAt: string }>;

export const CASELOAD_RELEASE_REASONS = ['mentor_changed', 'training_completed', 'training_withdrawn', 'assignment_aborted'] as const;
export type CaseloadReleaseReason = (typeof CASELOAD_RELEASE_REASONS)[number];

export type CaseloadSlotReleased = DomainEvent<
  'CaseloadSlotReleased',
  { mentorId: string; studentId: string; reason: CaseloadReleaseReason; releasedAt: string }
>;

export type MentorEvent =
  | MentorRegistered
  | MentorMarkedDisabilityFriendly
  | MentorCapacityChanged
  | MentorUnavailabilityDeclared
  | MentorUnavailabilityEnded
  | CaseloadSlotReserved
  | CaseloadSlotReleased;

export type MentorEventType = MentorEvent['type'];

/** The stream of one mentor. */
export function mentorStreamId(mentorId: string): string {
  return `mentor-${mentorId}`;
}
