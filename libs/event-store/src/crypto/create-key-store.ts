// The key store chosen by configuration, like the other stores: MongoDB when a URI is given, else DATA_DIR/keys.sqlite.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WrappingKeyStore, WrappingKeyStoreOptions } from './key-store';
import { SqliteKeyTable } from './sqlite-key-table';

export interface KeyStoreConfig extends WrappingKeyStoreOptions {
  /** KEY_ENCRYPTION_KEY: wraps every data key at rest. */
  keyEncryptionKey: string;
  mongodbUri?: string;
  dataDir: string;
}

export function createKeyStore(config: KeyStoreConfig): WrappingKeyStore {
  if (config.mongodbUri) {
    // Lazy require: the embedded deployment never loads the MongoDB driver.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MongoKeyTable } = require('./mongo-key-table') as typeof import('./mongo-key-table');
    return new WrappingKeyStore(new MongoKeyTable(config.mongodbUri), config.keyEncryptionKey, config);
  }
  mkdirSync(config.dataDir, { recursive: true });
  return new WrappingKeyStore(new SqliteKeyTable(join(config.dataDir, 'keys.sqlite')), config.keyEncryptionKey, config);
}
