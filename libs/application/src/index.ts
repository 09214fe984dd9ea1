export * from './ports';
export * from './command-context';
export * from './streams';
export * from './event-sourced-streams';
export * from './reservations';
export * from './invariants';
