import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { createEventStore as CreateEventStore } from './create-event-store';
import { storedLayer } from './integrity/chained-event-store';

describe('createEventStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'create-event-store-'));
  });
  afterEach(() => {
    jest.dontMock('@eventstore/db-client');
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens SQLite at <dataDir>/events.sqlite, creating the folder, without loading the EventStoreDB client', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('@eventstore/db-client', () => {
        throw new Error('the embedded deployment must not load @eventstore/db-client');
      });
      const { createEventStore } = require('./create-event-store') as { createEventStore: typeof CreateEventStore };
      const { SqliteEventStore } = require('./sqlite/sqlite-event-store');
      const dataDir = join(dir, 'nested', 'data');

      const store = createEventStore({ dataDir, synchronous: 'NORMAL' });

      // Under the decorators (the hash chain of issue 11): the stored layer is SQLite.
      expect(storedLayer(store)).toBeInstanceOf(SqliteEventStore);
      expect(existsSync(join(dataDir, 'events.sqlite'))).toBe(true);
      await store.close();
    });
  });

  it('chooses EventStoreDB when a connection string is set', async () => {
    const { createEventStore } = require('./create-event-store') as { createEventStore: typeof CreateEventStore };
    const { EsdbEventStore } = require('./esdb/esdb-event-store');

    const store = createEventStore({ esdbConnectionString: 'esdb://127.0.0.1:1?tls=false', dataDir: dir });

    expect(storedLayer(store)).toBeInstanceOf(EsdbEventStore);
    expect(existsSync(join(dir, 'events.sqlite'))).toBe(false);
    await store.close();
  });
});
