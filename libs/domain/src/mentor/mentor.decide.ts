// The mentor's rules: registration, disability-friendliness (R7), capacity and caseload (R9), unavailability.
import { Actor, ROLES, isStaff, isStaffOrSystem } from '../shared/actor';
import { assertNever } from '../shared/decider';
import { conflict, forbidden, invalid, notFound } from '../shared/errors';
import {
  isEmail,
  isNonEmptyString,
  isPositiveInteger,
  ms,
  normalizeInstant,
  requireDate,
  requireInstant,
  requireText,
  sameJson,
} from '../shared/values';
import {
  ChangeMentorCapacity,
  DeclareMentorUnavailability,
  EraseMentorPersonalData,
  EndMentorUnavailability,
  MarkMentorDisabilityFriendly,
  MentorCommand,
  RegisterMentor,
  ReleaseCaseloadSlot,
  ReserveCaseloadSlot,
} from './mentor.commands';
import { CASELOAD_RELEASE_REASONS, MentorEvent, MentorRegistered } from './mentor.events';
import { MentorState, RegisteredMentorState, caseloadSize, remainingCapacity, unavailabilityAt } from './mentor.state';

export function decideMentor(command: MentorCommand, state: MentorState): MentorEvent[] {
  const { by } = command.data;
  if (!by || !isNonEmptyString(by.id) || !ROLES.includes(by.role)) throw forbidden('actor_required', 'every command names who acts (by)');
  requireInstant(command.data.at, 'at');
  if (state.status === 'registered' && state.erasedAt !== null && !ALLOWED_AFTER_ERASURE.has(command.type)) {
    throw conflict('mentor_personal_data_erased', `mentor ${state.profile.mentorId}'s personal data was erased: the profile no longer changes`);
  }
  switch (command.type) {
    case 'RegisterMentor':
      return register(command, state);
    case 'EraseMentorPersonalData':
      return eraseMentor(command, registered(state, command.data.mentorId));
    case 'MarkMentorDisabilityFriendly':
      return markDisabilityFriendly(command, registered(state, command.data.mentorId));
    case 'ChangeMentorCapacity':
      return changeCapacity(command, registered(state, command.data.mentorId));
    case 'DeclareMentorUnavailability':
      return declareUnavailability(command, registered(state, command.data.mentorId));
    case 'EndMentorUnavailability':
      return endUnavailability(command, registered(state, command.data.mentorId));
    case 'ReserveCaseloadSlot':
      return reserveSlot(command, registered(state, command.data.mentorId));
    case 'ReleaseCaseloadSlot':
      return releaseSlot(command, registered(state, command.data.mentorId));
    default:
      return assertNever(command);
  }
}

function register(command: RegisterMentor, state: MentorState): MentorEvent[] {
  const { by, at } = command.data;
  if (!isStaff(by)) throw roleNotAllowed(by, command.type);
  const mentorId = requireText(command.data.mentorId, 'mentorId');
  const name = requireText(command.data.name, 'name');
  if (!isEmail(command.data.email)) throw invalid('invalid_email', 'email must be an e-mail address', { field: 'email' });
  const paths = command.data.trainingPaths;
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every(isNonEmptyString)) {
    throw invalid('training_paths_required', 'a mentor mentors at least one training path', { field: 'trainingPaths' });
  }
  if (!isPositiveInteger(command.data.capacity)) {
    throw invalid('R9_capacity_must_be_positive', 'capacity is a whole number of students ≥ 1 (R9)', { field: 'capacity' });
  }
  if (typeof command.data.disabilityFriendly !== 'boolean') {
    throw invalid('missing_field', 'disabilityFriendly must be true or false', { field: 'disabilityFriendly' });
  }
  let trainedOn: string | null = null;
  if (command.data.disabilityFriendly) {
    if (command.data.disabilityTrainingCompletedOn == null) {
      throw invalid('R7_disability_training_date_required', 'a disability-friendly mentor has completed the training: give its date (R7)');
    }
    trainedOn = requireDate(command.data.disabilityTrainingCompletedOn, 'disabilityTrainingCompletedOn');
  }
  const data: MentorRegistered['data'] = {
    mentorId,
    name,
    email: command.data.email,
    trainingPaths: [...new Set(paths)],
    capacity: command.data.capacity,
    disabilityFriendly: command.data.disabilityFriendly,
    disabilityTrainingCompletedOn: trainedOn,
    registeredAt: at,
  };
  if (state.status === 'registered') {
    const { registeredAt: _a, ...existing } = state.registration;
    const { registeredAt: _b, ...requested } = data;
    if (sameJson(existing, requested)) return [];
    throw conflict('mentor_already_registered', `mentor ${mentorId} is already registered with other data`);
  }
  return [{ type: 'MentorRegistered', data }];
}

function markDisabilityFriendly(command: MarkMentorDisabilityFriendly, state: RegisteredMentorState): MentorEvent[] {
  const { by, at } = command.data;
  authorizeStaffOrSelf(by, state, command.type);
  const trainingCompletedOn = requireDate(command.data.trainingCompletedOn, 'trainingCompletedOn');
  if (state.profile.disabilityFriendly) return [];
  return [{ type: 'MentorMarkedDisabilityFriendly', data: { mentorId: state.profile.mentorId, trainingCompletedOn, markedAt: at } }];
}

function changeCapacity(command: ChangeMentorCapacity, state: RegisteredMentorState): MentorEvent[] {
  const { by, at } = command.data;
  authorizeStaffOrSelf(by, state, command.type);
  const capacity = command.data.capacity;
  if (!isPositiveInteger(capacity)) throw invalid('R9_capacity_must_be_positive', 'capacity is a whole number of students ≥ 1 (R9)', { field: 'capacity' });
  if (capacity === state.profile.capacity) return [];
  if (capacity < caseloadSize(state)) {
    throw conflict('R9_capacity_below_caseload', `the mentor already has ${caseloadSize(state)} students (R9)`, {
      caseload: caseloadSize(state),
    });
  }
  return [
    { type: 'MentorCapacityChanged', data: { mentorId: state.profile.mentorId, previousCapacity: state.profile.capacity, capacity, changedAt: at } },
  ];
}

function declareUnavailability(command: DeclareMentorUnavailability, state: RegisteredMentorState): MentorEvent[] {
  const { by, at } = command.data;
  authorizeStaffOrSelf(by, state, command.type);
  const unavailabilityId = requireText(command.data.unavailabilityId, 'unavailabilityId');
  const from = normalizeInstant(requireInstant(command.data.from, 'from'));
  const to = normalizeInstant(requireInstant(command.data.to, 'to'));
  const reason = requireText(command.data.reason, 'reason');
  if (ms(to) <= ms(from)) throw invalid('unavailability_must_end_after_start', 'an unavailability ends after it starts');
  const existing = state.unavailabilities[unavailabilityId];
  if (existing) {
    if (existing.from === from && existing.to === to && existing.reason === reason) return [];
    throw conflict('unavailability_id_already_used', `unavailability ${unavailabilityId} already exists with other data`);
  }
  return [{ type: 'MentorUnavailabilityDeclared', data: { mentorId: state.profile.mentorId, unavailabilityId, from, to, reason, declaredAt: at } }];
}

function endUnavailability(command: EndMentorUnavailability, state: RegisteredMentorState): MentorEvent[] {
  const { by, at } = command.data;
  authorizeStaffOrSelf(by, state, command.type);
  const u = state.unavailabilities[command.data.unavailabilityId];
  if (!u) throw notFound('unavailability_not_found', `no unavailability ${command.data.unavailabilityId}`);
  if (u.endedAt !== null || ms(at) >= ms(u.to)) return [];
  return [{ type: 'MentorUnavailabilityEnded', data: { mentorId: state.profile.mentorId, unavailabilityId: u.unavailabilityId, endedAt: at } }];
}

function reserveSlot(command: ReserveCaseloadSlot, state: RegisteredMentorState): MentorEvent[] {
  const { by, at } = command.data;
  if (!isStaffOrSystem(by)) throw roleNotAllowed(by, command.type);
  const studentId = requireText(command.data.studentId, 'studentId');
  const trainingPath = requireText(command.data.trainingPath, 'trainingPath');
  if (typeof command.data.studentHasDisability !== 'boolean') {
    throw invalid('missing_field', 'studentHasDisability must be true or false', { field: 'studentHasDisability' });
  }
  const reservationId = requireText(command.data.reservationId, 'reservationId');
  const holder = state.reservations[reservationId];
  if (holder !== undefined) {
    if (holder === studentId) return [];
    throw conflict('reservation_id_already_used', `reservation ${reservationId} is held for another student`);
  }
  const { mentorId } = state.profile;
  if (!state.profile.trainingPaths.includes(trainingPath)) {
    throw conflict('mentor_does_not_cover_training_path', `the mentor does not mentor the ${trainingPath} path`, { mentorId, trainingPath });
  }
  if (command.data.studentHasDisability && !state.profile.disabilityFriendly) {
    throw conflict('R7_mentor_not_disability_friendly', 'a student with a registered disability is assigned a disability-friendly mentor (R7)', {
      mentorId,
    });
  }
  const away = unavailabilityAt(state, at);
  if (away) throw conflict('mentor_unavailable', `the mentor is unavailable until ${away.to}`, { mentorId, until: away.to });
  if (remainingCapacity(state) <= 0) {
    throw conflict('R9_mentor_at_capacity', `the mentor already has ${caseloadSize(state)} of ${state.profile.capacity} students (R9)`, {
      mentorId,
      capacity: state.profile.capacity,
    });
  }
  return [{ type: 'CaseloadSlotReserved', data: { mentorId, studentId, reservationId, reservedAt: at } }];
}

function releaseSlot(command: ReleaseCaseloadSlot, state: RegisteredMentorState): MentorEvent[] {
  const { by, at } = command.data;
  if (!isStaffOrSystem(by)) throw roleNotAllowed(by, command.type);
  const reservationId = requireText(command.data.reservationId, 'reservationId');
  if (!CASELOAD_RELEASE_REASONS.includes(command.data.reason)) {
    throw invalid('invalid_release_reason', `reason must be one of ${CASELOAD_RELEASE_REASONS.join(', ')}`, { field: 'reason' });
  }
  const studentId = state.reservations[reservationId];
  if (studentId === undefined) return [];
  return [{ type: 'CaseloadSlotReleased', data: { mentorId: state.profile.mentorId, studentId, reservationId, reason: command.data.reason, releasedAt: at } }];
}

/** After an erasure, only what gives back or repeats the erasure: the rest would act on a person who left. */
const ALLOWED_AFTER_ERASURE = new Set<MentorCommand['type']>(['ReleaseCaseloadSlot', 'EraseMentorPersonalData']);

/** Art. 17 for a mentor who left: only without students (each student's history names their mentor's caseload). */
function eraseMentor(command: EraseMentorPersonalData, state: RegisteredMentorState): MentorEvent[] {
  const { by, at } = command.data;
  if (!isStaff(by)) throw roleNotAllowed(by, command.type);
  const reason = requireText(command.data.reason, 'reason');
  if (state.erasedAt !== null) return [];
  if (caseloadSize(state) > 0) {
    throw conflict('mentor_has_students', `the mentor still has ${caseloadSize(state)} students: change their mentor first`, {
      mentorId: state.profile.mentorId,
      students: caseloadSize(state),
    });
  }
  return [{ type: 'MentorPersonalDataErased', data: { mentorId: state.profile.mentorId, reason, erasedBy: { id: by.id, role: by.role }, erasedAt: at } }];
}

function registered(state: MentorState, mentorId: string): RegisteredMentorState {
  if (state.status !== 'registered') throw notFound('mentor_not_registered', `mentor ${mentorId} is not registered`);
  if (state.profile.mentorId !== mentorId) throw invalid('mentor_id_mismatch', 'the command names another mentor than the stream it was applied to');
  return state;
}

function roleNotAllowed(by: Actor, commandType: string) {
  return forbidden('role_not_allowed', `a ${by.role} may not ${commandType}`, { role: by.role, command: commandType });
}

/** The team, or the mentor on their own profile. */
function authorizeStaffOrSelf(by: Actor, state: RegisteredMentorState, commandType: string): void {
  if (isStaff(by)) return;
  if (by.role === 'mentor') {
    if (by.id === state.profile.mentorId) return;
    throw forbidden('not_own_mentor_profile', 'a mentor acts only on their own profile');
  }
  throw roleNotAllowed(by, commandType);
}

