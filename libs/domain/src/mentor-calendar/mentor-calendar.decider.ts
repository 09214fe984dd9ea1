// The mentor calendar as a Decider.
import { Decider } from '../shared/decider';
import { MentorCalendarCommand } from './mentor-calendar.commands';
import { decideMentorCalendar } from './mentor-calendar.decide';
import { MentorCalendarEvent } from './mentor-calendar.events';
import { evolveMentorCalendar } from './mentor-calendar.evolve';
import { MentorCalendarState, initialMentorCalendarState } from './mentor-calendar.state';

export type MentorCalendarDecider = Decider<MentorCalendarCommand, MentorCalendarEvent, MentorCalendarState>;

export const mentorCalendarDecider: MentorCalendarDecider = {
  decide: decideMentorCalendar,
  evolve: evolveMentorCalendar,
  initialState: initialMentorCalendarState,
};
