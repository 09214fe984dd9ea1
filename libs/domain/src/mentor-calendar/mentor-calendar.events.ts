// Facts recorded in a mentor's calendar stream (`mentor-calendar-<mentorId>`): the boundary that keeps R14 under concurrency.
import { DomainEvent } from '../shared/decider';

export type MentorSlotReserved = DomainEvent<
  'MentorSlotReserved',
  { mentorId: string; sessionId: string; studentId: string; start: string; end: string; reservedAt: string }
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

export const MENTOR_SLOT_RELEASE_REASONS = ['session_cancelled', 'booking_aborted', 'other'] as const;
export type MentorSlotReleaseReason = (typeof MENTOR_SLOT_RELEASE_REASONS)[number];

export type MentorSlotReleased = DomainEvent<
  'MentorSlotReleased',
  { mentorId: string; sessionId: string; studentId: string; reason: MentorSlotReleaseReason; releasedAt: string }
>;

export type MentorCalendarEvent = MentorSlotReserved | MentorSlotMoved | MentorSlotReleased;
export type MentorCalendarEventType = MentorCalendarEvent['type'];

/** The calendar stream of one mentor. */
export function mentorCalendarStreamId(mentorId: string): string {
  return `mentor-calendar-${mentorId}`;
}
