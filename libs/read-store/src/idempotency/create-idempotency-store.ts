import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadStoreConfig } from '../create-read-store';
import type { IdempotencyStore } from './idempotency-store.port';
import { SqliteIdempotencyStore } from './sqlite-idempotency-store';

/** MongoDB when a URI is given (the same database as the read models), else `<dataDir>/idempotency.sqlite`. */
export function createIdempotencyStore(config: ReadStoreConfig): IdempotencyStore {
  if (config.mongodbUri) {
    // Lazy require: the embedded deployment never loads the MongoDB driver.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MongoIdempotencyStore } = require('./mongo-idempotency-store') as typeof import('./mongo-idempotency-store');
    return new MongoIdempotencyStore(config.mongodbUri);
  }
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteIdempotencyStore(join(config.dataDir, 'idempotency.sqlite'));
}
