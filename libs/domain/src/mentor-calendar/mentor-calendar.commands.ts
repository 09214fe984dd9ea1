// Commands on a mentor's calendar. The application reserves here before booking on the student's stream.
import { Actor } from '../shared/actor';
import { DomainCommand } from '../shared/decider';
import { MentorSlotReleaseReason } from './mentor-calendar.events';

interface Acting {
  at: string;
  by: Actor;
}

export type ReserveMentorSlot = DomainCommand<
  'ReserveMentorSlot',
  Acting & { mentorId: string; slotId: string; sessionId: string; studentId: string; start: string; end: string }
>;
/** Only the reservations process gives slots back, once the student's stream shows nobody relies on it. */
export type ReleaseMentorSlot = DomainCommand<
  'ReleaseMentorSlot',
  Acting & { mentorId: string; slotId: string; reason: MentorSlotReleaseReason }
>;

export type MentorCalendarCommand = ReserveMentorSlot | ReleaseMentorSlot;
export type MentorCalendarCommandType = MentorCalendarCommand['type'];
