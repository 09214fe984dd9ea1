// Facts recorded in a mentor's calendar stream (`mentor-calendar-<mentorId>`): the boundary that keeps R14 under concurrency.
import { DomainEvent } from '../shared/decider';

/** v2 names the slot (`slotId`); v1 slots were keyed by their session and read with `slotId = sessionId`. */
export type MentorSlotReserved = DomainEvent<
  'MentorSlotReserved',
  { mentorId: string; slotId: string; sessionId: string; studentId: string; start: string; end: string; reservedAt: string }
>;

export type MentorSlotMoved = DomainEvent<
  'MentorSlotMoved',
  {
    mentorId: string;
    sessionId: string;
    studentId: string;
    previousStart: string;
    previousEnd: string;
    start: string;
    end: string;
    movedAt: string;
  }
>;

/** `booking_aborted` only appears in history written before v2; `session_rescheduled`: the old time of a moved session; `reservation_lapsed`: the booking never came. */
export const MENTOR_SLOT_RELEASE_REASONS = ['session_cancelled', 'session_rescheduled', 'reservation_lapsed', 'booking_aborted', 'other'] as const;
export type MentorSlotReleaseReason = (typeof MENTOR_SLOT_RELEASE_REASONS)[number];

export type MentorSlotReleased = DomainEvent<
  'MentorSlotReleased',
  { mentorId: string; slotId: string; sessionId: string; studentId: string; reason: MentorSlotReleaseReason; releasedAt: string }
>;

export type MentorCalendarEvent = MentorSlotReserved | MentorSlotMoved | MentorSlotReleased;
export type MentorCalendarEventType = MentorCalendarEvent['type'];

/** The calendar stream of one mentor. */
export function mentorCalendarStreamId(mentorId: string): string {
  return `mentor-calendar-${mentorId}`;
}
