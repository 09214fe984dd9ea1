export * from './invariant-checker';
export * from './check-event-store';
