import { keyStoreContract } from './key-store.contract';
import { MongoKeyTable } from './mongo-key-table';

const uri = process.env.MONGODB_URI;
if (!uri) console.warn('MongoDB key store contract SKIPPED: MONGODB_URI is not set');
// Registered as skipped without a server, so Jest counts these tests as skipped, never as passed.
(uri ? describe : describe.skip)('MongoKeyTable against MongoDB', () => {
  const collection = `data_keys_test_${process.pid}`;
  keyStoreContract('mongodb', async () => new MongoKeyTable(uri!, { serverSelectionTimeoutMS: 2000, collection }));
});
