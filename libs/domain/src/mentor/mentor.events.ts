// Facts recorded in a mentor's stream (`mentor-<mentorId>`): the profile, and the caseload that bounds R9.
import { Actor } from '../shared/actor';
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

/**
 * The mentor's personal data was erased (GDPR Art. 17, after they left): their data key is destroyed, so their name,
 * e-mail and free texts read as "[erased]" everywhere. `reason` is about the erasure (who asked, on which ground)
 * and is recorded in clear: it must name no person. Only a mentor with no students can be erased.
 */
export type MentorPersonalDataErased = DomainEvent<'MentorPersonalDataErased', { mentorId: string; reason: string; erasedBy: Actor; erasedAt: string }>;

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

/**
 * A slot of the mentor's capacity (R9) is held for a student, under a reservation id chosen by the request
 * (docs/adr/0002). The fact on the student's stream (StudentAssigned, MentorChanged) names the reservation it
 * consumes; v1 events had no id: they read as {@link legacyCaseloadReservationId}.
 */
export type CaseloadSlotReserved = DomainEvent<'CaseloadSlotReserved', { mentorId: string; studentId: string; reservationId: string; reservedAt: string }>;

/**
 * Why a slot was given back. `assignment_aborted` only appears in history written before v2; `reservation_lapsed`:
 * the fact never came and the reservation was voided on the student's stream first (ReservationLapsed).
 */
export const CASELOAD_RELEASE_REASONS = ['mentor_changed', 'training_completed', 'training_withdrawn', 'assignment_aborted', 'reservation_lapsed'] as const;
export type CaseloadReleaseReason = (typeof CASELOAD_RELEASE_REASONS)[number];

export type CaseloadSlotReleased = DomainEvent<
  'CaseloadSlotReleased',
  { mentorId: string; studentId: string; reservationId: string; reason: CaseloadReleaseReason; releasedAt: string }
>;

/** The id a reservation recorded before reservation ids existed (v1: one per mentor and student) reads as. */
export function legacyCaseloadReservationId(mentorId: string, studentId: string): string {
  return `legacy:${mentorId}:${studentId}`;
}

export type MentorEvent =
  | MentorRegistered
  | MentorMarkedDisabilityFriendly
  | MentorCapacityChanged
  | MentorUnavailabilityDeclared
  | MentorUnavailabilityEnded
  | CaseloadSlotReserved
  | CaseloadSlotReleased
  | MentorPersonalDataErased;

export type MentorEventType = MentorEvent['type'];

/** The stream of one mentor. */
export function mentorStreamId(mentorId: string): string {
  return `mentor-${mentorId}`;
}
