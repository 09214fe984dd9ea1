// Injection tokens and the small ports the application layer depends on (time and ids come in from
// outside so that tests can fix them and retries stay deterministic).

export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_STORE = Symbol('READ_STORE');
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');
export const APP_CONFIG = Symbol('APP_CONFIG');
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');
export const REACTOR_RUNNER = Symbol('REACTOR_RUNNER');

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  uuid(): string;
}

export const systemClock: Clock = { now: () => new Date() };
/** The key store of crypto-shredding (per-person data keys), for the erasure commands. */
export const KEY_STORE = Symbol('KEY_STORE');
