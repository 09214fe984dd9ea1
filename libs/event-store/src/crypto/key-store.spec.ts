import { randomBytes } from 'node:crypto';
import { SqliteKeyTable } from './sqlite-key-table';
import { deriveKeyEncryptionKey, unpooled, unwrapKey, wrapKey, WrappingKeyStore } from './key-store';

// The key store caches up to 50,000 unwrapped keys. A small Buffer made by Buffer.concat is a slice of an 8 KiB slab
// shared with other small Buffers, and keeps the whole slab alive: bench (n) found 45,000 cached 32-byte keys holding
// 14,580 slabs (114 MB of RSS). Each key the store hands out must own its memory.
describe('unwrapped data keys own their memory', () => {
  const kek = deriveKeyEncryptionKey('k'.repeat(40));

  it('unwrapKey returns the key in a buffer of its own size, equal to the key wrapped', () => {
    const key = randomBytes(32);
    const unwrapped = unwrapKey(kek, 'student:s-1', 'k1', wrapKey(kek, 'student:s-1', 'k1', key));
    expect(unwrapped.equals(key)).toBe(true);
    expect(unwrapped.buffer.byteLength).toBe(32);
    expect(unwrapped.byteOffset).toBe(0);
  });

  it('unpooled copies a slice of a shared slab into memory of its own', () => {
    const pooled = Buffer.concat([Buffer.from('abc'), Buffer.from('def')]);
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length); // the premise: a slice of a shared slab
    const own = unpooled(pooled);
    expect(own.toString()).toBe('abcdef');
    expect(own.buffer.byteLength).toBe(6);
  });

  it('the keys the store caches, read back from the table, pin no shared slab', async () => {
    const table = new SqliteKeyTable(':memory:');
    const writer = new WrappingKeyStore(table, 'k'.repeat(40));
    const subjects = Array.from({ length: 200 }, (_, i) => `student:s-${i}`);
    for (const subject of subjects) await writer.getOrCreate(subject);
    const reader = new WrappingKeyStore(table, 'k'.repeat(40)); // an empty cache: every key is unwrapped
    const keys = await Promise.all(subjects.map((s) => reader.get(s)));
    expect(new Set(keys.map((k) => k!.key.buffer)).size).toBe(200);
    expect(keys.every((k) => k!.key.buffer.byteLength === 32)).toBe(true);
    await table.close();
  });
});
