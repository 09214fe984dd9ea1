// Subscriber leases on a real (embedded, in-memory) read store, with a wall clock the test moves: one
// owner at a time, takeover only after expiry, fencing of the old owner's commits, release, and the
// embedded store's fast path for a previous process's leases.
import { EmbeddedReadStore, ReadStore } from '@mentoring/read-store';
import { LeaseLostError, SUBSCRIBER_LEASES, SubscriberLeaseDoc, SubscriberLeases, fencedReadStore } from './subscriber-leases';

const NAME = 'assignment-email';
const names = new Set([NAME]);

/** The same store, claiming that other processes may open it (as MongoDB): no fast path. */
function shared(store: ReadStore): ReadStore {
  return new Proxy(store, {
    get: (target, property) => {
      if (property === 'exclusive') return false;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('subscriber leases', () => {
  let store: EmbeddedReadStore;
  let now = Date.parse('2030-01-01T00:00:00.000Z');
  const clock = () => now;
  const make = (owner: string, s: ReadStore = shared(store)) => new SubscriberLeases(s, names, { ttlMs: 15_000, owner, now: clock });
  const lease = () => store.collection<SubscriberLeaseDoc>(SUBSCRIBER_LEASES).findOne({ _id: NAME });

  beforeEach(async () => {
    store = await EmbeddedReadStore.open({ file: ':memory:' });
    now = Date.parse('2030-01-01T00:00:00.000Z');
  });
  afterEach(() => store.close());

  it('a free lease is taken at once; the other runner stands by until it expires, then takes it over with the next fencing token', async () => {
    const a = make('a');
    const b = make('b');
    expect(a.renewEveryMs).toBe(5_000);
    expect(await a.acquire(NAME)).toBe(true);
    expect(await b.acquire(NAME)).toBe(false);
    expect(await lease()).toMatchObject({ owner: 'a', fencingToken: 1, expiresAt: '2030-01-01T00:00:15.000Z' });

    // Renewed every third of the TTL: b never gets it while a lives.
    for (let i = 0; i < 6; i++) {
      now += 5_000;
      expect(await a.renew(NAME)).toBe('renewed');
      expect(await b.acquire(NAME)).toBe(false);
    }
    expect(a.holds(NAME)).toBe(true);

    // a dies: its lease expires 15 s after its last renewal, not before.
    now += 14_999;
    expect(await b.acquire(NAME)).toBe(false);
    expect(a.holds(NAME)).toBe(false); // a itself stopped acting as the owner at 80 % of the TTL
    now += 1;
    expect(await b.acquire(NAME)).toBe(true);
    expect(await lease()).toMatchObject({ owner: 'b', fencingToken: 2, commits: 0 });
    expect(await a.renew(NAME)).toBe('lost');
    expect(a.claims(NAME)).toBe(false);
  });

  it('fencing: after a takeover, a unit of work of the old owner commits nothing (writes and checkpoint)', async () => {
    const a = make('a');
    const b = make('b');
    const viaA = fencedReadStore(store, a);
    const viaB = fencedReadStore(store, b);
    const unit = (via: ReadStore, id: string) =>
      via.transaction(async (tx) => {
        await tx.collection('read_model').insertOne({ _id: id });
        await tx.setCheckpoint(NAME, id);
      });
    expect(await a.acquire(NAME)).toBe(true);
    await unit(viaA, 'first');
    expect(await lease()).toMatchObject({ owner: 'a', commits: 1 });

    // a pauses (a long GC, a partition) beyond the TTL; b takes over and commits.
    now += 15_000;
    expect(await b.acquire(NAME)).toBe(true);
    await unit(viaB, 'second');
    // a wakes up and commits its batch: refused, nothing of it is written.
    await expect(unit(viaA, 'late')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(unit(viaA, 'later')).rejects.toThrow(/does not hold the lease/);
    expect((await store.getCheckpoint(NAME))?.position).toBe('second');
    expect(await store.collection('read_model').find({}, { sort: { _id: 1 } })).toEqual([{ _id: 'first' }, { _id: 'second' }]);
    expect(await lease()).toMatchObject({ owner: 'b', fencingToken: 2, commits: 1 });
    // A unit without a checkpoint is fenced only through a view named after the subscriber.
    await expect(fencedReadStore(store, a, NAME).transaction(async (tx) => tx.collection('read_model').insertOne({ _id: 'retry' }))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect(await store.collection('read_model').countDocuments()).toBe(2);
  });

  it('a renewal racing a takeover: exactly one of them wins', async () => {
    const a = make('a');
    const b = make('b');
    expect(await a.acquire(NAME)).toBe(true);
    now += 15_000; // expired: b may take it, a may still renew it
    const [renewed, acquired] = await Promise.all([a.renew(NAME), b.acquire(NAME)]);
    expect([renewed === 'renewed', acquired].filter(Boolean)).toHaveLength(1);
    expect((await lease())!.owner).toBe(renewed === 'renewed' ? 'a' : 'b');
  });

  it('released on a graceful stop: the standby takes it at once', async () => {
    const a = make('a');
    const b = make('b');
    expect(await a.acquire(NAME)).toBe(true);
    await a.release(NAME);
    expect(await lease()).toMatchObject({ owner: null, fencingToken: 1 });
    expect(await b.acquire(NAME)).toBe(true);
    expect(await lease()).toMatchObject({ owner: 'b', fencingToken: 2 });
  });

  it('the embedded store (one process per file): a lease of an owner not alive in this process is a previous process\'s, taken at once', async () => {
    // A previous process (killed) left its lease, unexpired.
    const previous = make('previous-process', store);
    expect(await previous.acquire(NAME)).toBe(true);
    const restarted = make('restarted', store);
    restarted.register();
    try {
      expect(await restarted.acquire(NAME)).toBe(true);
      expect(await lease()).toMatchObject({ owner: 'restarted', fencingToken: 2 });
      // A runner alive in this process is respected until its lease expires.
      const sibling = make('sibling', store);
      expect(await sibling.acquire(NAME)).toBe(false);
      now += 15_000;
      expect(await sibling.acquire(NAME)).toBe(true);
    } finally {
      restarted.unregister();
    }
  });

  it('an owner that lost its local view of the lease (store unreachable for a while) gets it back with the same token when nobody took it', async () => {
    const a = make('a');
    expect(await a.acquire(NAME)).toBe(true);
    now += 20_000; // no renewal got through; nobody else took it
    expect(a.holds(NAME)).toBe(false);
    expect(await a.renew(NAME)).toBe('renewed');
    expect(a.holds(NAME)).toBe(true);
    expect(await lease()).toMatchObject({ owner: 'a', fencingToken: 1 });
  });
});
