import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('createReadStore without a MongoDB URI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'read-store-factory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the embedded store at <dataDir>/read-models.sqlite without loading the MongoDB driver', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('mongodb', () => {
        throw new Error('the embedded deployment must not load the MongoDB driver');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createReadStore, EmbeddedReadStore } = require('./index') as typeof import('./index');
      const dataDir = join(dir, 'nested', 'data');
      const store = await createReadStore({ dataDir });
      expect(store).toBeInstanceOf(EmbeddedReadStore);
      expect(existsSync(join(dataDir, 'read-models.sqlite'))).toBe(true);
      await store.collection('c').insertOne({ _id: 'a' });
      await store.close();
    });
  });
});
