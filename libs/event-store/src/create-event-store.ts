import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { EncryptingEventStore } from './crypto/encrypting-event-store';
import type { KeyStore } from './crypto/key-store';
import { ChainedEventStore } from './integrity/chained-event-store';

export interface EventStoreConfig {
  /** When set, the distributed deployment: EventStoreDB at this connection string. */
  esdbConnectionString?: string;
  /** Embedded deployment: the SQLite file is `<dataDir>/events.sqlite` (the folder is created). */
  dataDir: string;
  /** SQLite durability; default FULL. */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Crypto-shredding: personal fields are sealed with per-person data keys from this store (closed with the event
   * store). The outermost wrap, so every other layer stores and hashes ciphertext only.
   */
  keyStore?: KeyStore;
}

/** The event store chosen by configuration: EventStoreDB when a connection string is given, else SQLite. */
export function createEventStore(config: EventStoreConfig): EventStore {
  // Tamper evidence: every stored event is hash-chained in its stream (integrity/), below the encryption.
  const store = new ChainedEventStore(createStorageEventStore(config));
  return config.keyStore ? new EncryptingEventStore(store, config.keyStore) : store;
}

function createStorageEventStore(config: EventStoreConfig): EventStore {
  if (config.esdbConnectionString) {
    // Lazy require: the embedded deployment never loads the gRPC client.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EsdbEventStore } = require('./esdb/esdb-event-store') as typeof import('./esdb/esdb-event-store');
    return new EsdbEventStore(config.esdbConnectionString);
  }
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore({ file: join(config.dataDir, 'events.sqlite'), synchronous: config.synchronous });
}
