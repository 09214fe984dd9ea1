// The student aggregate as a Decider, built for a policy.
import { DEFAULT_POLICY, DomainPolicy, assertValidPolicy } from '../policy';
import { Decider } from '../shared/decider';
import { StudentCommand } from './student.commands';
import { decideStudent } from './student.decide';
import { StudentEvent } from './student.events';
import { evolveStudent } from './student.evolve';
import { StudentState, initialStudentState } from './student.state';

export type StudentDecider = Decider<StudentCommand, StudentEvent, StudentState>;

/** The student decider for a school's policy (session length, obligatory attendance, thresholds). */
export function createStudentDecider(policy: DomainPolicy = DEFAULT_POLICY): StudentDecider {
  assertValidPolicy(policy);
  return {
    decide: (command, state) => decideStudent(command, state, policy),
    evolve: evolveStudent,
    initialState: initialStudentState,
  };
}

/** The student decider with {@link DEFAULT_POLICY}. */
export const studentDecider: StudentDecider = createStudentDecider(DEFAULT_POLICY);
