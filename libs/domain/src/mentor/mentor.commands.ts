// Commands on a mentor's stream. Every command carries `at` (ISO instant) and `by`.
import { Actor } from '../shared/actor';
import { DomainCommand } from '../shared/decider';
import { CaseloadReleaseReason } from './mentor.events';

interface Acting {
  at: string;
  by: Actor;
}

export type RegisterMentor = DomainCommand<
  'RegisterMentor',
  Acting & {
    mentorId: string;
    name: string;
    email: string;
    trainingPaths: string[];
    capacity: number;
    disabilityFriendly: boolean;
    /** YYYY-MM-DD; required when `disabilityFriendly` (R7). */
    disabilityTrainingCompletedOn?: string | null;
  }
>;
export type MarkMentorDisabilityFriendly = DomainCommand<
  'MarkMentorDisabilityFriendly',
  Acting & { mentorId: string; trainingCompletedOn: string }
>;
export type ChangeMentorCapacity = DomainCommand<'ChangeMentorCapacity', Acting & { mentorId: string; capacity: number }>;
export type DeclareMentorUnavailability = DomainCommand<
  'DeclareMentorUnavailability',
  Acting & { mentorId: string; unavailabilityId: string; from: string; to: string; reason: string }
>;
export type EndMentorUnavailability = DomainCommand<'EndMentorUnavailability', Acting & { mentorId: string; unavailabilityId: string }>;
/** The R9 boundary: appended to the mentor's stream before `StudentAssigned`/`MentorChanged` on the student's. */
export type ReserveCaseloadSlot = DomainCommand<
  'ReserveCaseloadSlot',
  Acting & { mentorId: string; studentId: string; reservationId: string; studentHasDisability: boolean; trainingPath: string }
>;
/** Only the reservations process gives slots back, once the student's stream shows nobody relies on it. */
export type ReleaseCaseloadSlot = DomainCommand<
  'ReleaseCaseloadSlot',
  Acting & { mentorId: string; reservationId: string; reason: CaseloadReleaseReason }
>;

/** GDPR Art. 17 for a mentor who left: destroys their data key. `reason`: about the erasure, naming no person. */
export type EraseMentorPersonalData = DomainCommand<'EraseMentorPersonalData', Acting & { mentorId: string; reason: string }>;

export type MentorCommand =
  | RegisterMentor
  | MarkMentorDisabilityFriendly
  | ChangeMentorCapacity
  | DeclareMentorUnavailability
  | EndMentorUnavailability
  | ReserveCaseloadSlot
  | ReleaseCaseloadSlot
  | EraseMentorPersonalData;

export type MentorCommandType = MentorCommand['type'];
