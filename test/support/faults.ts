// Fault injection on the event store port: a rule fails the next append it matches, either before it reaches
// the store (the store was briefly unavailable) or after it was stored (the process died before it could
// answer: the client sees an error, the events are there).
import { EventStore, EventStoreUnavailableError, ExpectedRevision, NewEvent } from '@mentoring/event-store';

export interface FaultRule {
  /** Which append: an event type it carries. */
  eventType: string;
  /** `before`: nothing is stored; `after`: stored, then the caller gets the error. */
  when: 'before' | 'after';
  /** How many matching appends fail (default 1). */
  times?: number;
}

export class FaultyEventStore {
  private rules: Array<Required<FaultRule>> = [];
  /** Appends that failed, by event type. */
  readonly injected: string[] = [];

  fail(rule: FaultRule): void {
    this.rules.push({ times: 1, ...rule });
  }

  wrap(inner: EventStore): EventStore {
    return new Proxy(inner, {
      get: (target, property) => {
        if (property === 'append') {
          return async (streamId: string, events: NewEvent[], expected: ExpectedRevision) => {
            const rule = this.rules.find((r) => r.times > 0 && events.some((e) => e.type === r.eventType));
            if (!rule) return target.append(streamId, events, expected);
            rule.times--;
            this.injected.push(rule.eventType);
            if (rule.when === 'before') throw new EventStoreUnavailableError(`injected: ${rule.eventType} not stored`);
            await target.append(streamId, events, expected);
            throw new EventStoreUnavailableError(`injected: ${rule.eventType} stored, answer lost`);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}
