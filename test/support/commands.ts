// Helpers for HTTP tests of the command side: a clock the test moves, people with tokens, and commands
// whose answers are checked with the URL in the failure message.
import { caseloadSize, caseloadStudents, mentorDecider, MentorState, upcast } from '@mentoring/domain';
import { EventStore, RecordedEvent } from '@mentoring/event-store';
import type { TokenRole } from '../../apps/api/src/http/auth';
import { Answer, TestApp } from './test-app';

/** A clock the test moves forward (or sets), so sessions are in the future when booked and past when held. */
export class TestClock {
  private current: number;

  constructor(iso: string) {
    this.current = Date.parse(iso);
  }

  readonly now = (): Date => new Date(this.current);

  set(iso: string): void {
    this.current = Date.parse(iso);
  }

  advanceMinutes(minutes: number): void {
    this.current += minutes * 60_000;
  }
}

export interface Person {
  actor: { id: string; role: TokenRole };
  token: string;
}

export async function person(t: TestApp, role: TokenRole, id: string): Promise<Person> {
  return { actor: { id, role }, token: await t.token(role, id) };
}

/** POST a command as `who`. */
export function post(t: TestApp, who: Person, url: string, body?: unknown, headers?: Record<string, string>): Promise<Answer> {
  return t.request('POST', url, { token: who.token, body, headers });
}

/** The parts of an answer worth seeing when a status is not the expected one. */
export function outcome(answer: Answer): { status: number; code?: string; events?: string[] } {
  return {
    status: answer.status,
    ...(answer.body?.code !== undefined ? { code: answer.body.code } : {}),
    ...(answer.body?.events !== undefined ? { events: answer.body.events } : {}),
  };
}

/** A refusal: the status, the stable code, and problem+json. */
export function expectProblem(answer: Answer, status: number, code: string): void {
  expect(outcome(answer)).toEqual({ status, code });
  expect(answer.headers['content-type']).toContain('application/problem+json');
}

export async function streamOf(store: EventStore, streamId: string): Promise<RecordedEvent[]> {
  return store.readStream(streamId);
}

/** Types and data of a stream's events, for whole-event assertions. */
export async function eventsOf(store: EventStore, streamId: string): Promise<Array<{ type: string; data: unknown }>> {
  return (await store.readStream(streamId)).map((e) => ({ type: e.type, data: e.data }));
}

/** The data of the first event of `type` in a stream (undefined when there is none). */
export async function firstDataOf(store: EventStore, streamId: string, type: string): Promise<Record<string, any>> {
  return (await store.readStream(streamId)).find((e) => e.type === type)?.data as Record<string, any>;
}

/**
 * The students holding a slot of a mentor's caseload, sorted, folded from the mentor's stream event by event:
 * R9 (never more slots than the capacity) is checked after every event, not only at the end.
 */
export async function caseloadOf(store: EventStore, mentorId: string): Promise<string[]> {
  let state: MentorState = mentorDecider.initialState;
  for (const e of await store.readStream(`mentor-${mentorId}`)) {
    state = mentorDecider.evolve(state, { type: e.type, data: upcast(e.type, e.schemaVersion, e.data) } as never);
    if (state.status === 'registered') expect(caseloadSize(state)).toBeLessThanOrEqual(state.profile.capacity);
  }
  return state.status === 'registered' ? caseloadStudents(state).sort() : [];
}
