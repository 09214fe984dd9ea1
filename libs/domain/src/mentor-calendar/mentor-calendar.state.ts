// The mentor's reserved slots, by slot id. Released slots are forgotten: only what R14 needs is kept.

export interface ReservedSlot {
  /** Chosen by the request that reserved it; the booking or reschedule on the student's stream names it. */
  slotId: string;
  sessionId: string;
  studentId: string;
  start: string;
  end: string;
}

export interface MentorCalendarState {
  /** `null` until the first reservation. */
  mentorId: string | null;
  /** By slot id. A session being rescheduled briefly holds two (the old time until the process releases it). */
  slots: Record<string, ReservedSlot>;
}

export const initialMentorCalendarState: MentorCalendarState = { mentorId: null, slots: {} };
