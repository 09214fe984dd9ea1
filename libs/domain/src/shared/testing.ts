// Given/when/then specifications for deciders: whole event arrays are compared, never a subset.
import { Decider, DomainCommand, DomainError, DomainErrorKind, DomainEvent, fold } from './decider';

export interface DeciderSpecification<C extends DomainCommand, E extends DomainEvent, S> {
  /** Runs the command against the state folded from the given events. */
  when(command: C): {
    /** Asserts the decider returned exactly these events, in this order. */
    then(expected: E[]): void;
    /** Asserts the decider returned no event (an idempotent no-op). */
    thenNothing(): void;
    /** Asserts the decider refused with this stable code (and kind, when given). */
    thenThrows(code: string, kind?: DomainErrorKind): DomainError;
    /** The events returned, for assertions the helpers above do not cover. */
    events(): E[];
  };
  /** The state folded from the given events. */
  state(): S;
}

/** `given(decider, history).when(command).then(events)` — the shape of every rule test. */
export function given<C extends DomainCommand, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  history: readonly E[] = [],
): DeciderSpecification<C, E, S> {
  const state = () => fold(decider, history);
  return {
    state,
    when(command: C) {
      const run = () => decider.decide(command, state());
      return {
        then(expected: E[]) {
          expect(run()).toEqual(expected);
        },
        thenNothing() {
          expect(run()).toEqual([]);
        },
        thenThrows(code: string, kind?: DomainErrorKind) {
          let caught: unknown;
          let returned: E[] | undefined;
          try {
            returned = run();
          } catch (error) {
            caught = error;
          }
          if (caught === undefined) {
            throw new Error(`expected a refusal ${code}, but the decider returned ${JSON.stringify(returned, null, 2)}`);
          }
          expect(caught).toBeInstanceOf(DomainError);
          const error = caught as DomainError;
          expect({ code: error.code, ...(kind ? { kind: error.kind } : {}) }).toEqual({ code, ...(kind ? { kind } : {}) });
          return error;
        },
        events: run,
      };
    },
  };
}
