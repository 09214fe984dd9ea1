// The mentor aggregate as a Decider.
import { Decider } from '../shared/decider';
import { MentorCommand } from './mentor.commands';
import { decideMentor } from './mentor.decide';
import { MentorEvent } from './mentor.events';
import { evolveMentor } from './mentor.evolve';
import { MentorState, initialMentorState } from './mentor.state';

export type MentorDecider = Decider<MentorCommand, MentorEvent, MentorState>;

export const mentorDecider: MentorDecider = {
  decide: decideMentor,
  evolve: evolveMentor,
  initialState: initialMentorState,
};
