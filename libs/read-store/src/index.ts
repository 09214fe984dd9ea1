export * from './read-store.port';
export * from './create-read-store';
export { EmbeddedReadStore, type EmbeddedReadStoreOptions } from './embedded/embedded-read-store';
// The MongoDB adapter's class is deliberately not re-exported as a value: importing it loads the driver,
// which the embedded deployment must not pay for. Use createReadStore(), or import
// '@mentoring/read-store/dist/mongo/mongo-read-store' where really needed. Its types are free to export.
export type { MongoReadStore, MongoReadStoreOptions } from './mongo/mongo-read-store';
export type { IdempotencyStore, StoredAnswer } from './idempotency/idempotency-store.port';
export { SqliteIdempotencyStore } from './idempotency/sqlite-idempotency-store';
export { createIdempotencyStore } from './idempotency/create-idempotency-store';
