import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedReadStore } from './embedded/embedded-read-store';
import type { ReadStore } from './read-store.port';

export interface ReadStoreConfig {
  /** When set, the distributed deployment: MongoDB at this connection string (a replica set). */
  mongodbUri?: string;
  /** Embedded deployment: the SQLite file is `<dataDir>/read-models.sqlite` (the folder is created). */
  dataDir: string;
  /** Embedded deployment: MiB of document JSON the store keeps parsed in its LRU cache. Default 16. */
  cacheMb?: number;
}

/** The read store chosen by configuration: MongoDB when a URI is given, else the embedded store. */
export async function createReadStore(config: ReadStoreConfig): Promise<ReadStore> {
  if (config.mongodbUri) {
    // Lazy require: the embedded deployment never loads the MongoDB driver.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MongoReadStore } = require('./mongo/mongo-read-store') as typeof import('./mongo/mongo-read-store');
    return new MongoReadStore({ uri: config.mongodbUri });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return EmbeddedReadStore.open({
    file: join(config.dataDir, 'read-models.sqlite'),
    ...(config.cacheMb !== undefined ? { cacheBytes: config.cacheMb * 1024 * 1024 } : {}),
  });
}
