// The deciders the application uses, built once from the school's policy (libs/domain/src/policy.ts).
import { createStudentDecider, DEFAULT_POLICY, DomainPolicy, mentorCalendarDecider, mentorDecider } from '@mentoring/domain';

export const DECIDERS = Symbol('DECIDERS');

export function createDeciders(policy: DomainPolicy = DEFAULT_POLICY) {
  return { student: createStudentDecider(policy), mentor: mentorDecider, mentorCalendar: mentorCalendarDecider, policy };
}

export type Deciders = ReturnType<typeof createDeciders>;
