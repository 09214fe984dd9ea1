// The behaviour every IdempotencyStore adapter must show (run on SQLite always, on MongoDB when
// MONGODB_URI is set).
import type { IdempotencyStore, StoredAnswer } from './idempotency-store.port';

const T0 = new Date('2027-03-01T08:00:00.000Z');
const hours = (n: number) => new Date(T0.getTime() + n * 3_600_000);

function answer(id: string, overrides: Partial<StoredAnswer> = {}): StoredAnswer {
  return {
    id,
    fingerprint: `fp-${id}`,
    status: 201,
    headers: { etag: '"0"', location: `/students/${id}` },
    body: { studentId: id, revision: 0, position: '42', events: ['StudentEnrolled'], '$odd.key': [1, { nested: null }] },
    storedAt: T0,
    expiresAt: hours(24),
    ...overrides,
  };
}

export function idempotencyStoreContract(name: string, open: () => Promise<IdempotencyStore>): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    let store: IdempotencyStore;
    const prefix = `contract-${Date.now()}-${Math.random().toString(36).slice(2)}-`;
    beforeEach(async () => {
      store = await open();
      await store.prune(hours(10_000));
    });
    afterEach(() => store.close());

    it('gives back what was saved, whole', async () => {
      await store.save(answer(`${prefix}a`));
      expect(await store.find(`${prefix}a`, hours(1))).toEqual(answer(`${prefix}a`));
      expect(await store.find(`${prefix}missing`, hours(1))).toBeNull();
    });

    it('keeps an answer without a body (a 200 with nothing to say)', async () => {
      await store.save(answer(`${prefix}empty`, { status: 200, body: undefined, headers: {} }));
      expect(await store.find(`${prefix}empty`, hours(1))).toEqual(answer(`${prefix}empty`, { status: 200, body: undefined, headers: {} }));
    });

    it('replaces an answer saved again under the same id', async () => {
      await store.save(answer(`${prefix}b`));
      await store.save(answer(`${prefix}b`, { status: 200, fingerprint: 'other' }));
      expect(await store.find(`${prefix}b`, hours(1))).toEqual(answer(`${prefix}b`, { status: 200, fingerprint: 'other' }));
    });

    it('does not answer from an expired answer, and prunes the expired ones only', async () => {
      await store.save(answer(`${prefix}old`, { expiresAt: hours(1) }));
      await store.save(answer(`${prefix}new`, { expiresAt: hours(48) }));
      expect(await store.find(`${prefix}old`, hours(1))).toBeNull();
      expect(await store.find(`${prefix}old`, hours(0.5))).not.toBeNull();
      expect(await store.prune(hours(2))).toBe(1);
      expect(await store.count()).toBe(1);
      expect(await store.find(`${prefix}new`, hours(2))).not.toBeNull();
    });

    it('prunes a large backlog completely', async () => {
      for (let i = 0; i < 12_000; i++) await store.save(answer(`${prefix}bulk-${i}`, { expiresAt: hours(1) }));
      expect(await store.prune(hours(2))).toBe(12_000);
      expect(await store.count()).toBe(0);
    });
  });
}
