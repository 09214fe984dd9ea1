// The contract every key table must pass, behind the wrapping key store (SQLite always, MongoDB with MONGODB_URI).
import { KeyTable, KeyUnwrapError, WrappingKeyStore } from './key-store';

const KEK = 'k'.repeat(40);

export function keyStoreContract(name: string, makeTable: () => Promise<KeyTable>): void {
  describe(`key store contract: ${name}`, () => {
    let table: KeyTable;
    let store: WrappingKeyStore;
    const subject = () => `student:${Math.random().toString(36).slice(2)}`;

    beforeEach(async () => {
      table = await makeTable();
      store = new WrappingKeyStore(table, KEK);
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates one 32-byte key per subject and returns the same one afterwards', async () => {
      const s = subject();
      expect(await store.get(s)).toBeNull();
      const key = await store.getOrCreate(s);
      expect(key!.key).toHaveLength(32);
      expect(await store.getOrCreate(s)).toEqual(key);
      const fresh = new WrappingKeyStore(await makeTable(), KEK);
      try {
        expect(await fresh.get(s)).toEqual(key);
      } finally {
        await fresh.close();
      }
      expect((await store.getOrCreate(subject()))!.key.equals(key!.key)).toBe(false);
    });

    it('stores the key wrapped, never in clear', async () => {
      const s = subject();
      const key = await store.getOrCreate(s);
      const row = await table.find(s);
      expect(row!.wrapped!.includes(key!.key)).toBe(false);
    });

    it('destroys a key for good: get and getOrCreate give nothing, isErased says so, in every process', async () => {
      const s = subject();
      await store.getOrCreate(s);
      await store.destroy(s);
      await store.destroy(s); // idempotent
      expect(await store.get(s)).toBeNull();
      expect(await store.getOrCreate(s)).toBeNull();
      expect(await store.isErased(s)).toBe(true);
      expect((await table.find(s))!.wrapped).toBeNull();
      const other = new WrappingKeyStore(await makeTable(), KEK);
      try {
        expect(await other.getOrCreate(s)).toBeNull();
        expect(await other.isErased(s)).toBe(true);
      } finally {
        await other.close();
      }
    });

    it('marks a subject that never had a key as erased', async () => {
      const s = subject();
      await store.destroy(s);
      expect(await store.getOrCreate(s)).toBeNull();
      expect(await store.isErased(s)).toBe(true);
    });

    it('refuses to unwrap with another key-encryption key', async () => {
      const s = subject();
      await store.getOrCreate(s);
      const wrong = new WrappingKeyStore(await makeTable(), 'x'.repeat(40));
      try {
        await expect(wrong.get(s)).rejects.toBeInstanceOf(KeyUnwrapError);
      } finally {
        await wrong.close();
      }
    });

    it('gives concurrent creators the same key', async () => {
      const s = subject();
      const other = new WrappingKeyStore(await makeTable(), KEK);
      try {
        const [a, b] = await Promise.all([store.getOrCreate(s), other.getOrCreate(s)]);
        expect(a).toEqual(b);
      } finally {
        await other.close();
      }
    });
  });
}
