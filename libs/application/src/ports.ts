// Time and ids come in from outside, so that tests can fix them and retries stay deterministic.
import { timeOrderedUuid } from '@mentoring/event-store';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  uuid(): string;
}

export const systemClock: Clock = { now: () => new Date() };

/** New ids sort by creation time (UUID v7), so that the stores' id indexes grow at their right edge (see timeOrderedUuid). */
export const newIds: IdGenerator = { uuid: () => timeOrderedUuid() };
