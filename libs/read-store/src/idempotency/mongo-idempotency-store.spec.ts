import { idempotencyStoreContract } from './idempotency-store.contract';
import { MongoIdempotencyStore } from './mongo-idempotency-store';
import { ReadStoreUnavailableError } from '../read-store.port';

const uri = process.env.MONGODB_URI;
if (!uri) console.warn('MongoDB idempotency store contract SKIPPED: MONGODB_URI is not set');
// Registered as skipped without a server, so Jest counts these tests as skipped, never as passed.
(uri ? describe : describe.skip)('MongoIdempotencyStore against MongoDB', () => {
  idempotencyStoreContract('mongodb', async () => new MongoIdempotencyStore(uri!, { serverSelectionTimeoutMS: 2000 }));
});

describe('MongoIdempotencyStore without a server', () => {
  it('rejects with ReadStoreUnavailableError (answered 503 store_unavailable)', async () => {
    const store = new MongoIdempotencyStore('mongodb://127.0.0.1:1/?directConnection=true', { serverSelectionTimeoutMS: 300 });
    try {
      await expect(store.find('x', new Date())).rejects.toBeInstanceOf(ReadStoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});
