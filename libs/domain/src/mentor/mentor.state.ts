// What the mentor's rules need: the profile, the unavailabilities and who holds a caseload slot.
import { MentorSnapshot } from '../student/student.commands';
import { ms } from '../shared/values';
import { MentorRegistered } from './mentor.events';

export interface Unavailability {
  unavailabilityId: string;
  from: string;
  to: string;
  reason: string;
  endedAt: string | null;
}

export interface MentorProfile {
  mentorId: string;
  name: string;
  email: string;
  trainingPaths: string[];
  capacity: number;
  disabilityFriendly: boolean;
  disabilityTrainingCompletedOn: string | null;
}

export type MentorState =
  | { status: 'unregistered' }
  | {
      status: 'registered';
      /** As registered, to recognise a retried registration. */
      registration: MentorRegistered['data'];
      profile: MentorProfile;
      unavailabilities: Record<string, Unavailability>;
      /**
       * Open reservations: reservation id → student. Remaining capacity is derived from it, never stored. A
       * student may briefly hold two (a new one taken before the process released the old one): it only
       * makes the mentor look fuller for that moment, never emptier.
       */
      reservations: Record<string, string>;
      /** Set once the mentor's personal data was erased: they take no student and change no more. */
      erasedAt: string | null;
    };

export type RegisteredMentorState = Extract<MentorState, { status: 'registered' }>;

export const initialMentorState: MentorState = { status: 'unregistered' };

/** Slots held (R9): the number of open reservations. */
export function caseloadSize(state: RegisteredMentorState): number {
  return Object.keys(state.reservations).length;
}

/** Capacity minus caseload (R9, "capacity": derived, never typed in). */
export function remainingCapacity(state: RegisteredMentorState): number {
  return state.profile.capacity - caseloadSize(state);
}

/** The distinct students holding a slot. */
export function caseloadStudents(state: RegisteredMentorState): string[] {
  return [...new Set(Object.values(state.reservations))];
}

/** The open reservations of one student on this mentor (normally at most one). */
export function reservationsOf(state: RegisteredMentorState, studentId: string): string[] {
  return Object.keys(state.reservations).filter((id) => state.reservations[id] === studentId);
}

/** When an unavailability really ends: its `to`, or earlier when it was ended early. */
export function unavailabilityEnd(u: Unavailability): string {
  return u.endedAt !== null && ms(u.endedAt) < ms(u.to) ? u.endedAt : u.to;
}

/** The unavailability covering this instant, if any. */
export function unavailabilityAt(state: RegisteredMentorState, at: string): Unavailability | null {
  const t = ms(at);
  return Object.values(state.unavailabilities).find((u) => ms(u.from) <= t && t < ms(unavailabilityEnd(u))) ?? null;
}

/** The snapshot the application passes in `AssignMentor`/`ChangeMentor`, read from the mentor's state at `at`. */
export function mentorSnapshotOf(state: MentorState, at: string): MentorSnapshot | null {
  if (state.status !== 'registered') return null;
  return {
    mentorId: state.profile.mentorId,
    disabilityFriendly: state.profile.disabilityFriendly,
    trainingPaths: [...state.profile.trainingPaths],
    active: state.erasedAt === null && unavailabilityAt(state, at) === null,
  };
}
