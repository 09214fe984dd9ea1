// The mentor's reserved slots, by session. Released slots are forgotten: only what R14 needs is kept.

export interface ReservedSlot {
  sessionId: string;
  studentId: string;
  start: string;
  end: string;
}

export interface MentorCalendarState {
  /** `null` until the first reservation. */
  mentorId: string | null;
  slots: Record<string, ReservedSlot>;
}

export const initialMentorCalendarState: MentorCalendarState = { mentorId: null, slots: {} };
