// One owner per subscriber. Several runners may run the same projections, reactors and process managers
// on the same stores (`docker compose up --scale projector=2`); each subscriber is run by the one runner
// that holds its lease, a document in the read store (`_subscriber_leases`):
//
//   { _id: <subscriber name>, owner, fencingToken, expiresAt, acquiredAt, renewedAt, host, pid, commits }
//
// - Acquired when there is no document, when it was released (owner null) or when it has expired, by a
//   conditional update on the exact values read (a compare-and-set: of two runners racing, one matches),
//   or an insert that the unique `_id` refuses to the second. Each acquisition by a new owner increments
//   the fencing token.
// - Renewed by its owner every third of the TTL (`renewEveryMs`); a renewal that matches nothing means the
//   lease was taken over. The owner treats the lease as its own only until `SELF_EXPIRY` of the TTL after
//   the last successful renewal was sent, so that it stops before a standby may take over.
// - Released on a graceful stop: another runner takes it at its next attempt, without waiting.
// - Fencing: every unit of work of a subscriber (documents + checkpoint) also updates its lease document,
//   conditioned on the owner and fencing token. After a takeover the old owner's commit matches nothing
//   and the whole unit fails with LeaseLostError; on MongoDB the two writes to the lease document
//   conflict, so the unit and the takeover are serialised.
// - A store that no other process can open (the embedded read store locks its file) knows that a lease
//   whose owner is not alive in this process is a leftover of a previous process: it is taken at once,
//   so a restart after kill -9 does not wait for the TTL.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { DuplicateKeyError, type Doc, type ReadStore, type ReadStoreTransaction } from '@mentoring/read-store';

export const SUBSCRIBER_LEASES = '_subscriber_leases';

export const DEFAULT_LEASE_TTL_MS = 15_000;

/** The owner stops treating a lease as its own after this fraction of the TTL without a renewal. */
const SELF_EXPIRY = 0.8;

export interface SubscriberLeaseDoc extends Doc {
  /** The subscriber's name. */
  _id: string;
  /** Who runs the subscriber; null once released. */
  owner: string | null;
  /** Incremented at every acquisition by a new owner; commits are checked against it. */
  fencingToken: number;
  /** ISO instant after which another runner may take the lease over. */
  expiresAt: string;
  acquiredAt: string;
  renewedAt: string;
  /** Host and process of the owner, for operators. */
  host: string;
  pid: number;
  /** Units of work committed under this fencing token. */
  commits: number;
}

/** The lease of a subscriber is no longer this runner's: stop, stand by, and never commit its work. */
export class LeaseLostError extends Error {
  readonly code = 'lease_lost';
  /** Not the event's fault: the subscriber stops without parking anything (see isTransientError). */
  readonly transient = true;
  constructor(readonly subscriber: string, detail: string) {
    super(`${subscriber}: ${detail}`);
    this.name = 'LeaseLostError';
  }
}

export interface SubscriberLeaseOptions {
  /** How long a lease lasts without renewal. Default 15 s (SUBSCRIBER_LEASE_SECONDS). */
  ttlMs?: number;
  /** How often the owner renews and a standby tries to take over. Default a third of the TTL. */
  renewEveryMs?: number;
  /** This runner's name in the lease documents. Default `<hostname>/<pid>/<random>`. */
  owner?: string;
  /** Wall clock in ms (leases use real time, not the domain's clock). */
  now?: () => number;
}

/** Owners of the runners started in this process and not stopped gracefully. */
const liveOwners = new Set<string>();

interface Held {
  token: number;
  /** Local instant (ms) until which this runner may act as the owner without a new renewal. */
  until: number;
}

export interface LeaseState {
  owner: string | null;
  expiresAt: string | null;
  fencingToken: number | null;
  /** True when this runner holds the lease (and runs the subscriber). */
  held: boolean;
}

export class SubscriberLeases {
  readonly owner: string;
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  private readonly now: () => number;
  private readonly held = new Map<string, Held>();
  private readonly host = os.hostname();

  constructor(
    private readonly store: ReadStore,
    private readonly names: ReadonlySet<string>,
    options: SubscriberLeaseOptions = {},
  ) {
    this.ttlMs = Math.max(100, options.ttlMs ?? DEFAULT_LEASE_TTL_MS);
    this.renewEveryMs = Math.max(10, Math.min(options.renewEveryMs ?? Math.floor(this.ttlMs / 3), Math.floor(this.ttlMs / 2)));
    this.owner = options.owner ?? `${this.host}/${process.pid}/${randomUUID().slice(0, 8)}`;
    this.now = options.now ?? Date.now;
  }

  private get leases() {
    return this.store.collection<SubscriberLeaseDoc>(SUBSCRIBER_LEASES);
  }

  /** Marks this runner alive in this process (a store no other process opens uses it to tell leftovers). */
  register(): void {
    liveOwners.add(this.owner);
  }

  unregister(): void {
    liveOwners.delete(this.owner);
  }

  manages(name: string): boolean {
    return this.names.has(name);
  }

  /** This runner may act as the subscriber's owner now (held, and renewed recently enough). */
  holds(name: string): boolean {
    const held = this.held.get(name);
    return !!held && this.now() < held.until;
  }

  /** This runner acquired the lease and has not seen it lost (it may need a renewal to act again). */
  claims(name: string): boolean {
    return this.held.has(name);
  }

  tokenOf(name: string): number | null {
    return this.held.get(name)?.token ?? null;
  }

  /** Names of the subscribers whose lease this runner holds. */
  heldNames(): string[] {
    return [...this.names].filter((name) => this.holds(name));
  }

  private fields(at: number): Pick<SubscriberLeaseDoc, 'owner' | 'expiresAt' | 'renewedAt' | 'host' | 'pid'> {
    return { owner: this.owner, expiresAt: new Date(at + this.ttlMs).toISOString(), renewedAt: new Date(at).toISOString(), host: this.host, pid: process.pid };
  }

  /** Whether another runner may take `doc` over now. */
  private isFree(doc: SubscriberLeaseDoc, at: number): boolean {
    if (doc.owner === null || Date.parse(doc.expiresAt) <= at) return true;
    // No other process can open this store: an owner that is not alive here was a previous process.
    return this.store.exclusive === true && !liveOwners.has(doc.owner);
  }

  /**
   * Takes the lease when it is free (none, released, expired, or a previous process's on a store no
   * other process opens), or confirms it when it is already this runner's. True when held afterwards.
   */
  async acquire(name: string): Promise<boolean> {
    const at = this.now();
    const doc = await this.leases.findOne({ _id: name });
    if (!doc) {
      try {
        await this.leases.insertOne({ _id: name, ...this.fields(at), fencingToken: 1, acquiredAt: new Date(at).toISOString(), commits: 0 });
      } catch (error) {
        if (error instanceof DuplicateKeyError) return false; // another runner was first
        throw error;
      }
      this.held.set(name, { token: 1, until: at + this.ttlMs * SELF_EXPIRY });
      return true;
    }
    const mine = doc.owner === this.owner;
    if (!mine && !this.isFree(doc, at)) return false;
    // Compare-and-set on the values read: a renewal or another takeover in between makes it match nothing.
    const token = mine ? doc.fencingToken : doc.fencingToken + 1;
    const result = await this.leases.updateOne(
      { _id: name, owner: doc.owner, fencingToken: doc.fencingToken, expiresAt: doc.expiresAt },
      { $set: { ...this.fields(at), fencingToken: token, ...(mine ? {} : { acquiredAt: new Date(at).toISOString(), commits: 0 }) } },
    );
    if (result.matchedCount !== 1) return false;
    this.held.set(name, { token, until: at + this.ttlMs * SELF_EXPIRY });
    return true;
  }

  /** Extends a held lease. `lost` when another runner has taken it over (or it is gone). */
  async renew(name: string): Promise<'renewed' | 'lost' | 'not_held'> {
    const held = this.held.get(name);
    if (!held) return 'not_held';
    const at = this.now();
    const result = await this.leases.updateOne({ _id: name, owner: this.owner, fencingToken: held.token }, { $set: this.fields(at) });
    if (result.matchedCount !== 1) {
      this.held.delete(name);
      return 'lost';
    }
    held.until = at + this.ttlMs * SELF_EXPIRY;
    return 'renewed';
  }

  /** Gives a held lease up at once (graceful stop): a standby takes it at its next attempt. */
  async release(name: string): Promise<void> {
    const held = this.held.get(name);
    if (!held) return;
    this.held.delete(name);
    const at = new Date(this.now()).toISOString();
    await this.leases.updateOne({ _id: name, owner: this.owner, fencingToken: held.token }, { $set: { owner: null, expiresAt: at, renewedAt: at } });
  }

  /** Forgets a lease without touching the store (it was lost, or the subscriber stopped as after a crash). */
  forget(name: string): void {
    this.held.delete(name);
  }

  /**
   * Inside a unit of work: fails it with LeaseLostError unless the lease is still this runner's with the
   * same fencing token. Writes the lease document, so that on MongoDB a concurrent takeover conflicts.
   */
  async fence(tx: ReadStoreTransaction, name: string): Promise<void> {
    const held = this.held.get(name);
    if (!held) throw new LeaseLostError(name, 'this runner does not hold the lease; the unit of work is not committed');
    const result = await tx
      .collection<SubscriberLeaseDoc>(SUBSCRIBER_LEASES)
      .updateOne({ _id: name, owner: this.owner, fencingToken: held.token }, { $inc: { commits: 1 } });
    if (result.matchedCount !== 1) {
      if (this.held.get(name) === held) this.held.delete(name);
      throw new LeaseLostError(name, `the lease (fencing token ${held.token}) was taken over; the unit of work is not committed`);
    }
  }

  /** Every managed subscriber's lease as stored, and whether this runner holds it. */
  async states(): Promise<Map<string, LeaseState>> {
    const docs = await this.leases.find({ _id: { $in: [...this.names] } });
    const out = new Map<string, LeaseState>();
    for (const name of this.names) {
      const doc = docs.find((d) => d._id === name);
      out.set(name, { owner: doc?.owner ?? null, expiresAt: doc?.expiresAt ?? null, fencingToken: doc?.fencingToken ?? null, held: this.holds(name) });
    }
    return out;
  }
}

/**
 * A view of `store` whose units of work are fenced: a unit that sets the checkpoint of a subscriber under
 * lease (or any unit, when `subscriber` is named) commits only while that lease is this runner's.
 */
export function fencedReadStore(store: ReadStore, leases: SubscriberLeases, subscriber?: string): ReadStore {
  return {
    get exclusive() {
      return store.exclusive;
    },
    collection<T extends Doc = Doc>(name: string) {
      return store.collection<T>(name);
    },
    transaction: (work) =>
      store.transaction(async (tx) => {
        // Per attempt: the MongoDB driver may run `work` again after a transient transaction error.
        const names = new Set<string>(subscriber ? [subscriber] : []);
        const result = await work({
          collection<T extends Doc = Doc>(name: string) {
            return tx.collection<T>(name);
          },
          setCheckpoint: async (name, position) => {
            if (leases.manages(name)) names.add(name);
            await tx.setCheckpoint(name, position);
          },
        });
        // Last, so that the lease document is held by the unit for as short a time as possible.
        for (const name of names) await leases.fence(tx, name);
        return result;
      }),
    getCheckpoint: (name) => store.getCheckpoint(name),
    setCheckpoint: (name, position) => store.setCheckpoint(name, position),
    deleteCheckpoint: (name) => store.deleteCheckpoint(name),
    dropCollection: (name) => store.dropCollection(name),
    renameCollection: (from, to) => store.renameCollection(from, to),
    replaceCollections: (pairs, checkpoint) => store.replaceCollections(pairs, checkpoint),
    listCollections: () => store.listCollections(),
    close: () => store.close(),
  };
}
