// What the reactors share: the command glue, the deciders of the school's policy, loading the
// student's and the mentor's current state from their streams (the source of truth, never a read
// model that may lag), and reading event data.
import { EventSourcedStreams, mentorStream, studentStream } from '@mentoring/application';
import {
  DomainError,
  DomainPolicy,
  EnrolledStudentState,
  FundingProfileKind,
  MentorProfile,
  StudentDecider,
  mentorDecider,
  upcast,
} from '@mentoring/domain';
import type { EventStore, RecordedEvent } from '@mentoring/event-store';

export interface ReactorDeps {
  eventStore: EventStore;
  streams: EventSourcedStreams;
  studentDecider: StudentDecider;
  policy: DomainPolicy;
  /** Where automatic escalations are e-mailed. */
  mentorshipTeamEmail: string;
}

/** The event's data at the current schema version. */
export function dataOf<T>(event: RecordedEvent): T {
  return upcast(event.type, event.schemaVersion, event.data) as T;
}

export async function loadStudent(deps: ReactorDeps, studentId: string): Promise<EnrolledStudentState | null> {
  const { state } = await deps.streams.load(studentStream(studentId), deps.studentDecider);
  return state.status === 'not_enrolled' ? null : state;
}

export async function loadMentor(deps: ReactorDeps, mentorId: string): Promise<MentorProfile | null> {
  const { state } = await deps.streams.load(mentorStream(mentorId), mentorDecider);
  return state.status === 'registered' ? state.profile : null;
}

/** A refusal by the domain: for a reactor, the state has moved on and there is nothing to do. */
export function isRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

export const PROFILE_LABELS: Record<FundingProfileKind, string> = {
  apprenticeship: 'Apprenticeship (funded by the company)',
  employee: 'Employee (funded by the employer)',
  social_programme: 'Social programme (funded by a public organisation)',
  self_funded: 'Self-funded',
};

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

/** Monday 00:00 UTC on or after `iso` (an instant), as `YYYY-MM-DD`. */
export function mondayOnOrAfter(iso: string): string {
  const t = Date.parse(iso);
  const day = Math.floor(t / DAY_MS);
  const isMidnight = t === day * DAY_MS;
  // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
  const weekday = (((day + 3) % 7) + 7) % 7;
  const monday = weekday === 0 && isMidnight ? day : day + (7 - weekday);
  return new Date(monday * DAY_MS).toISOString().slice(0, 10);
}
