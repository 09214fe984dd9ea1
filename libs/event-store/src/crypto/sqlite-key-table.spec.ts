import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keyStoreContract } from './key-store.contract';
import { SqliteKeyTable } from './sqlite-key-table';
import { WrappingKeyStore } from './key-store';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-'));
keyStoreContract('SQLite (file)', async () => new SqliteKeyTable(path.join(dir, 'keys.sqlite')));

describe('SqliteKeyTable files after a destroy', () => {
  it('keeps the wrapped key bytes neither in the database, nor its WAL, nor freed pages', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-bytes-'));
    const table = new SqliteKeyTable(path.join(folder, 'keys.sqlite'));
    const store = new WrappingKeyStore(table, 'k'.repeat(40));
    const subjects = Array.from({ length: 50 }, (_, i) => `student:s-${i}`);
    for (const s of subjects) await store.getOrCreate(s);
    const wrapped = (await table.find('student:s-7'))!.wrapped!;
    await store.destroy('student:s-7');
    const bytes = Buffer.concat(fs.readdirSync(folder).map((f) => fs.readFileSync(path.join(folder, f))));
    expect(bytes.includes(wrapped)).toBe(false);
    expect(bytes.includes(wrapped.subarray(28))).toBe(false);
    await store.close();
  });
});
