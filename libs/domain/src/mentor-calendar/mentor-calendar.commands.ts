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
  Acting & { mentorId: string; sessionId: string; studentId: string; start: string; end: string }
>;
/** Follows a `SessionRescheduled`: the same session at new times. */
export type MoveMentorSlot = DomainCommand<'MoveMentorSlot', Acting & { mentorId: string; sessionId: string; start: string; end: string }>;
export type ReleaseMentorSlot = DomainCommand<
  'ReleaseMentorSlot',
  Acting & { mentorId: string; sessionId: string; reason: MentorSlotReleaseReason }
>;

export type MentorCalendarCommand = ReserveMentorSlot | MoveMentorSlot | ReleaseMentorSlot;
export type MentorCalendarCommandType = MentorCalendarCommand['type'];
