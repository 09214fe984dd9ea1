// Folds one mentor event into the state. Never refuses an event: history is fact.
import { assertNever } from '../shared/decider';
import { ERASED_PLACEHOLDER } from '../shared/values';
import { MentorEvent } from './mentor.events';
import { MentorState } from './mentor.state';

export function evolveMentor(state: MentorState, event: MentorEvent): MentorState {
  if (event.type === 'MentorRegistered') {
    const { registeredAt: _, ...profile } = event.data;
    return { status: 'registered', registration: event.data, profile: { ...profile, trainingPaths: [...profile.trainingPaths] }, unavailabilities: {}, reservations: {}, erasedAt: null };
  }
  if (state.status === 'unregistered') return state;
  switch (event.type) {
    case 'MentorMarkedDisabilityFriendly':
      return { ...state, profile: { ...state.profile, disabilityFriendly: true, disabilityTrainingCompletedOn: event.data.trainingCompletedOn } };
    case 'MentorCapacityChanged':
      return { ...state, profile: { ...state.profile, capacity: event.data.capacity } };
    case 'MentorUnavailabilityDeclared': {
      const { unavailabilityId, from, to, reason } = event.data;
      return { ...state, unavailabilities: { ...state.unavailabilities, [unavailabilityId]: { unavailabilityId, from, to, reason, endedAt: null } } };
    }
    case 'MentorUnavailabilityEnded': {
      const u = state.unavailabilities[event.data.unavailabilityId];
      if (!u) return state;
      return { ...state, unavailabilities: { ...state.unavailabilities, [u.unavailabilityId]: { ...u, endedAt: event.data.endedAt } } };
    }
    case 'CaseloadSlotReserved':
      return { ...state, reservations: { ...state.reservations, [event.data.reservationId]: event.data.studentId } };
    case 'CaseloadSlotReleased': {
      if (!(event.data.reservationId in state.reservations)) return state;
      const { [event.data.reservationId]: _released, ...reservations } = state.reservations;
      return { ...state, reservations };
    }
    case 'MentorPersonalDataErased':
      // Placeholders in the state too: a state cached before the erasure keeps no personal data.
      return {
        ...state,
        erasedAt: event.data.erasedAt,
        registration: { ...state.registration, name: ERASED_PLACEHOLDER, email: ERASED_PLACEHOLDER },
        profile: { ...state.profile, name: ERASED_PLACEHOLDER, email: ERASED_PLACEHOLDER },
        unavailabilities: Object.fromEntries(Object.entries(state.unavailabilities).map(([id, u]) => [id, { ...u, reason: ERASED_PLACEHOLDER }])),
      };
    default:
      return assertNever(event);
  }
}
