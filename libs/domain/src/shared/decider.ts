// The shape every aggregate of the domain follows: pure functions, no I/O, no clock, no random ids.

/** A domain event as the decider sees it: a type and plain JSON data. Metadata is added by the application. */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  type: Type;
  data: Data;
}

/** A command as the decider sees it. Time (`at`, ISO-8601) and ids arrive inside the command. */
export interface DomainCommand<Type extends string = string, Data extends object = object> {
  type: Type;
  data: Data;
}

/**
 * `decide(command, state)` returns the events that record what happened, or throws a {@link DomainError};
 * `evolve(state, event)` folds one event into the state; `initialState` is the state of an empty stream.
 */
export interface Decider<C extends DomainCommand, E extends DomainEvent, S> {
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  initialState: S;
}

/** Folds a history of events into a state. */
export function fold<E extends DomainEvent, S>(decider: Pick<Decider<never, E, S>, 'evolve' | 'initialState'>, events: readonly E[]): S {
  return events.reduce(decider.evolve, decider.initialState);
}

/** What kind of refusal an error is; the HTTP edge maps kinds to status codes. */
export type DomainErrorKind = 'validation' | 'not_found' | 'conflict' | 'forbidden' | 'precondition';

/**
 * A refusal by the domain. `code` is stable (clients switch on it) and names the rule when there is one,
 * e.g. `R7_mentor_not_disability_friendly`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Exhaustiveness check for switches over discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
