export * from './event-store.port';
export * from './create-event-store';
export * from './integrity';
export * from './crypto';
export * from './instrumented-event-store';
export { SqliteEventStore, type SqliteEventStoreOptions, type SqliteEventStoreStats } from './sqlite/sqlite-event-store';
// Type only: a value export would load the gRPC client in the embedded deployment. Get an instance from
// createEventStore({ esdbConnectionString, ... }).
export type { EsdbEventStore } from './esdb/esdb-event-store';
export * from './shared-subscriptions';
export { timeOrderedUuid } from './time-ordered-uuid';
