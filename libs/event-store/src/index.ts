export * from './event-store.port';
export * from './create-event-store';
export { SqliteEventStore, type SqliteEventStoreOptions, type SqliteEventStoreStats } from './sqlite/sqlite-event-store';
// The ESDB adapter is deliberately not re-exported: importing it loads the gRPC client. Use
// createEventStore(), or import '@mentoring/event-store/dist/esdb/esdb-event-store' where really needed.
