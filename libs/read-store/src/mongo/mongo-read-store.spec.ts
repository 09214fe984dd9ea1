import { MongoServerSelectionError } from 'mongodb';
import { readStoreContract } from '../read-store.contract';
import { ReadStoreUnavailableError } from '../read-store.port';
import { createReadStore } from '../create-read-store';
import { MongoReadStore, dbNameFromUri } from './mongo-read-store';

const uri = process.env.MONGODB_URI;
const UNREACHABLE = 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&directConnection=true';

if (!uri) console.warn('MongoDB contract suite SKIPPED: MONGODB_URI is not set');
// Without a server the whole contract is registered as skipped, so Jest's summary counts its tests as
// skipped, never as passed. Transactions need a replica set (e.g. the one in docker-compose.yml).
(uri ? describe : describe.skip)('MongoReadStore against MongoDB', () => {
  readStoreContract('mongodb', async () => {
    const store = new MongoReadStore({ uri: uri!, serverSelectionTimeoutMS: 2000 });
    await store.connect();
    return store;
  });
});

describe('MongoReadStore without a server', () => {
  it('rejects operations with ReadStoreUnavailableError', async () => {
    const store = new MongoReadStore({ uri: UNREACHABLE });
    try {
      await expect(store.collection('people').find({})).rejects.toBeInstanceOf(ReadStoreUnavailableError);
      await expect(store.getCheckpoint('p')).rejects.toBeInstanceOf(ReadStoreUnavailableError);
      await expect(store.transaction(async (tx) => tx.setCheckpoint('p', '1'))).rejects.toBeInstanceOf(ReadStoreUnavailableError);
      await expect(store.replaceCollections([{ from: 'people__next', to: 'people' }], { from: 'p__next', to: 'p' })).rejects.toBeInstanceOf(
        ReadStoreUnavailableError,
      );
    } finally {
      await store.close();
    }
  });

  it('tries to connect again on the next call instead of staying closed after a failed first attempt', async () => {
    const store = new MongoReadStore({ uri: UNREACHABLE });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = await store.collection('people').countDocuments().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ReadStoreUnavailableError);
        // A new server selection each time, not the driver's "Topology is closed".
        expect((error as ReadStoreUnavailableError).cause).toBeInstanceOf(MongoServerSelectionError);
      }
    } finally {
      await store.close();
    }
    await expect(store.listCollections()).rejects.toBeInstanceOf(ReadStoreUnavailableError);
  });

  it('createReadStore picks the MongoDB adapter when a URI is configured', async () => {
    const store = await createReadStore({ mongodbUri: UNREACHABLE, dataDir: '/nonexistent/never-created' });
    try {
      expect(store).toBeInstanceOf(MongoReadStore);
      await expect(store.listCollections()).rejects.toBeInstanceOf(ReadStoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});

describe('dbNameFromUri', () => {
  it.each([
    ['mongodb://localhost:27017/reads', 'reads'],
    ['mongodb://a:1,b:2,c:3/reads?replicaSet=rs0', 'reads'],
    ['mongodb+srv://user:p%40ss@cluster.example.net/reads?retryWrites=true', 'reads'],
    ['mongodb://localhost:27017/?replicaSet=rs0', undefined],
    ['mongodb://localhost:27017', undefined],
  ])('%s → %s', (input, expected) => {
    expect(dbNameFromUri(input)).toBe(expected);
  });
});
