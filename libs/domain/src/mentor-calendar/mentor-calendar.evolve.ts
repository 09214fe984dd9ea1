// Folds one calendar event into the state.
import { assertNever } from '../shared/decider';
import { MentorCalendarEvent } from './mentor-calendar.events';
import { MentorCalendarState } from './mentor-calendar.state';

export function evolveMentorCalendar(state: MentorCalendarState, event: MentorCalendarEvent): MentorCalendarState {
  switch (event.type) {
    case 'MentorSlotReserved': {
      const { mentorId, slotId, sessionId, studentId, start, end } = event.data;
      return { mentorId, slots: { ...state.slots, [slotId]: { slotId, sessionId, studentId, start, end } } };
    }
    case 'MentorSlotMoved': {
      // v1 history: slots were keyed by their session, and read with slotId = sessionId.
      const slot = state.slots[event.data.sessionId];
      if (!slot) return state;
      return { ...state, slots: { ...state.slots, [slot.slotId]: { ...slot, start: event.data.start, end: event.data.end } } };
    }
    case 'MentorSlotReleased': {
      if (!(event.data.slotId in state.slots)) return state;
      const { [event.data.slotId]: _released, ...slots } = state.slots;
      return { ...state, slots };
    }
    default:
      return assertNever(event);
  }
}
