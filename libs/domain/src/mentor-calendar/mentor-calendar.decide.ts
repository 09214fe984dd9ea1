// R14 for the mentor: a time is reserved once. Reservations and releases are idempotent per slot id.
import { Actor, ROLES, isStaffOrSystem } from '../shared/actor';
import { assertNever } from '../shared/decider';
import { conflict, forbidden, invalid } from '../shared/errors';
import { isNonEmptyString, ms, normalizeInstant, overlaps, requireInstant, requireText } from '../shared/values';
import { MentorCalendarCommand, ReleaseMentorSlot, ReserveMentorSlot } from './mentor-calendar.commands';
import { MENTOR_SLOT_RELEASE_REASONS, MentorCalendarEvent } from './mentor-calendar.events';
import { MentorCalendarState } from './mentor-calendar.state';

export function decideMentorCalendar(command: MentorCalendarCommand, state: MentorCalendarState): MentorCalendarEvent[] {
  const { by } = command.data;
  if (!by || !isNonEmptyString(by.id) || !ROLES.includes(by.role)) throw forbidden('actor_required', 'every command names who acts (by)');
  requireInstant(command.data.at, 'at');
  const mentorId = requireText(command.data.mentorId, 'mentorId');
  if (state.mentorId !== null && state.mentorId !== mentorId) {
    throw invalid('mentor_id_mismatch', 'the command names another mentor than the calendar it was applied to');
  }
  switch (command.type) {
    case 'ReserveMentorSlot':
      return reserve(command, state, mentorId);
    case 'ReleaseMentorSlot':
      return release(command, state, mentorId);
    default:
      return assertNever(command);
  }
}

function reserve(command: ReserveMentorSlot, state: MentorCalendarState, mentorId: string): MentorCalendarEvent[] {
  const { by, at } = command.data;
  const studentId = requireText(command.data.studentId, 'studentId');
  authorize(by, mentorId, studentId, command.type);
  const slotId = requireText(command.data.slotId, 'slotId');
  const sessionId = requireText(command.data.sessionId, 'sessionId');
  const { start, end } = requirePeriod(command.data.start, command.data.end);
  const existing = state.slots[slotId];
  if (existing) {
    if (existing.sessionId === sessionId && existing.start === start && existing.end === end && existing.studentId === studentId) return [];
    throw conflict('mentor_slot_id_already_used', `slot ${slotId} is already reserved for another session or time`);
  }
  // The session's own other slot (its old time while it is being rescheduled) is no clash.
  requireFree(state, start, end, { sessionId, studentId });
  return [{ type: 'MentorSlotReserved', data: { mentorId, slotId, sessionId, studentId, start, end, reservedAt: at } }];
}

function release(command: ReleaseMentorSlot, state: MentorCalendarState, mentorId: string): MentorCalendarEvent[] {
  const { by, at } = command.data;
  if (!MENTOR_SLOT_RELEASE_REASONS.includes(command.data.reason)) {
    throw invalid('invalid_release_reason', `reason must be one of ${MENTOR_SLOT_RELEASE_REASONS.join(', ')}`, { field: 'reason' });
  }
  const slot = state.slots[command.data.slotId];
  if (!slot) {
    authorize(by, mentorId, null, command.type);
    return [];
  }
  authorize(by, mentorId, slot.studentId, command.type);
  return [
    {
      type: 'MentorSlotReleased',
      data: { mentorId, slotId: slot.slotId, sessionId: slot.sessionId, studentId: slot.studentId, reason: command.data.reason, releasedAt: at },
    },
  ];
}

function requirePeriod(startInput: string, endInput: string): { start: string; end: string } {
  const start = normalizeInstant(requireInstant(startInput, 'start'));
  const end = normalizeInstant(requireInstant(endInput, 'end'));
  if (ms(end) <= ms(start)) throw invalid('slot_must_end_after_start', 'a slot ends after it starts');
  return { start, end };
}

function requireFree(state: MentorCalendarState, start: string, end: string, own: { sessionId: string; studentId: string }): void {
  const isOwn = (s: { sessionId: string; studentId: string }) => s.sessionId === own.sessionId && s.studentId === own.studentId;
  const clash = Object.values(state.slots).find((s) => !isOwn(s) && overlaps(s.start, s.end, start, end));
  if (clash) throw conflict('R14_mentor_slot_taken', 'the mentor already has a session at that time (R14)', { sessionId: clash.sessionId });
}

/** The mentor on their own calendar, the team and the system; a student only for their own session. */
function authorize(by: Actor, mentorId: string, studentId: string | null, commandType: string): void {
  if (isStaffOrSystem(by)) return;
  if (by.role === 'mentor') {
    if (by.id === mentorId) return;
    throw forbidden('not_own_calendar', 'a mentor acts only on their own calendar');
  }
  if (by.role === 'student') {
    if (studentId !== null && by.id === studentId) return;
    throw forbidden('not_the_student', 'a student acts only on their own sessions');
  }
  throw forbidden('role_not_allowed', `a ${by.role} may not ${commandType}`, { role: by.role, command: commandType });
}
