// Folds one calendar event into the state.
import { assertNever } from '../shared/decider';
import { MentorCalendarEvent } from './mentor-calendar.events';
import { MentorCalendarState } from './mentor-calendar.state';

export function evolveMentorCalendar(state: MentorCalendarState, event: MentorCalendarEvent): MentorCalendarState {
  switch (event.type) {
    case 'MentorSlotReserved': {
      const { mentorId, sessionId, studentId, start, end } = event.data;
      return { mentorId, slots: { ...state.slots, [sessionId]: { sessionId, studentId, start, end } } };
    }
    case 'MentorSlotMoved': {
      const slot = state.slots[event.data.sessionId];
      if (!slot) return state;
      return { ...state, slots: { ...state.slots, [slot.sessionId]: { ...slot, start: event.data.start, end: event.data.end } } };
    }
    case 'MentorSlotReleased': {
      const { [event.data.sessionId]: _released, ...slots } = state.slots;
      return { ...state, slots };
    }
    default:
      return assertNever(event);
  }
}
