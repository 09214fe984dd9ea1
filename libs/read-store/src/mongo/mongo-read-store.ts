// MongoDB read store over the official driver. This folder is the only place in the repository that
// imports `mongodb`; everything else sees the ReadStore port.
import { randomUUID } from 'node:crypto';
import { MongoClient, type ClientSession, type Collection as DriverCollection, type Db, type TransactionOptions } from 'mongodb';
import {
  DuplicateKeyError,
  ReadStoreUnavailableError,
  assertDistinctSwitches,
  type Checkpoint,
  type Collection,
  type CollectionSwitch,
  type DeleteResult,
  type Doc,
  type Filter,
  type FindOptions,
  type IndexOptions,
  type PipelineStage,
  type ReadStore,
  type ReadStoreTransaction,
  type Update,
  type UpdateOptions,
  type UpdateResult,
} from '../read-store.port';
import { assertLogicalName, logicalNames, physicalOf, switchAliases, type Aliases, type Retired } from './collection-aliases';
import { isDuplicateKey, mapMongoError } from './mongo-errors';
import { runInTransaction } from './mongo-transaction';

export interface MongoReadStoreOptions {
  /** Connection string; a replica set is needed for {@link MongoReadStore.transaction}. */
  uri: string;
  /** Database name; default: the one in the URI path, else `mentoring`. */
  dbName?: string;
  /** How long an operation waits for a reachable server before failing as unavailable. */
  serverSelectionTimeoutMS?: number;
  /**
   * How long a collection replaced by {@link MongoReadStore.replaceCollections} is kept before it is
   * dropped, for the operations that resolved its name just before the switch. Default 60 s.
   */
  retireAfterMs?: number;
}

/** Collection that holds checkpoints; hidden from {@link MongoReadStore.listCollections}. */
export const CHECKPOINTS_COLLECTION = '_checkpoints';
/** Collection that holds the one alias document; hidden from {@link MongoReadStore.listCollections}. */
export const ALIASES_COLLECTION = '_aliases';
const ALIASES_ID = 'aliases';
const DEFAULT_RETIRE_AFTER_MS = 60_000;

const DEFAULT_DB_NAME = 'mentoring';
const TRANSACTION_OPTIONS: TransactionOptions = { writeConcern: { w: 'majority' }, readConcern: { level: 'snapshot' }, readPreference: 'primary' };

interface CheckpointDoc {
  _id: string;
  position: string;
  updatedAt: string;
}

/**
 * Logical (port) collection names → physical MongoDB collections, in one document so that a switch of
 * several collections is one atomic write and a reader gets one consistent map in one read. A name
 * without an entry is its own physical collection (every collection until its first switch).
 */
interface AliasDoc {
  _id: string;
  entries: Array<{ name: string; physical: string }>;
  /** Physical collections replaced by a switch, dropped once `at` is older than `retireAfterMs`. */
  retired: Retired[];
}

/**
 * The database named in a MongoDB connection string (`mongodb://host:27017/name?…`), or undefined.
 * Parsed by hand: multi-host and `mongodb+srv` strings are not valid WHATWG URLs.
 */
export function dbNameFromUri(uri: string): string | undefined {
  const afterScheme = uri.replace(/^mongodb(\+srv)?:\/\//, '');
  const slash = afterScheme.indexOf('/');
  if (slash === -1) return undefined;
  const path = afterScheme.slice(slash + 1).split('?')[0];
  return path ? decodeURIComponent(path) : undefined;
}

/**
 * Inside a transaction, only duplicate keys are translated: connection and write-conflict errors must
 * keep their driver type and labels (`TransientTransactionError`) so that {@link runInTransaction} can
 * retry the unit; {@link MongoReadStore.transaction} maps what finally escapes.
 */
function mapErrorInTransaction(error: unknown): unknown {
  return isDuplicateKey(error) ? new DuplicateKeyError(error.message) : error;
}

/**
 * Upserts that do not pin `_id` would get an ObjectId from the server; the port promises string ids,
 * so such upserts get a UUID through `$setOnInsert` (the embedded store does the same).
 */
function withStringUpsertId(filter: Filter, update: Update, upsert: boolean | undefined): Update {
  if (!upsert || filterPinsId(filter)) return update;
  for (const fields of Object.values(update)) {
    if (fields && typeof fields === 'object' && '_id' in fields) return update;
  }
  const setOnInsert = (update.$setOnInsert ?? {}) as Record<string, unknown>;
  return { ...update, $setOnInsert: { ...setOnInsert, _id: randomUUID() } };
}

function filterPinsId(filter: Filter): boolean {
  if (!('_id' in filter)) return false;
  const condition = filter._id;
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return true;
  return '$eq' in condition;
}

function toUpdateResult(result: { matchedCount: number; modifiedCount: number; upsertedId: unknown }): UpdateResult {
  return {
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    upsertedId: result.upsertedId === null || result.upsertedId === undefined ? null : String(result.upsertedId),
  };
}

/**
 * {@link ReadStore} on MongoDB. Checkpoints live in the `_checkpoints` collection, so a unit of work
 * commits documents and checkpoint in one multi-document transaction (majority write concern). Units of
 * work run concurrently, each in its own session. Port collection names resolve to physical collections
 * through the alias document (`_aliases`, see ADR 0006): once per operation outside a unit, once per
 * attempt of a unit (inside its transaction, so from the same snapshot as its reads).
 */
export class MongoReadStore implements ReadStore {
  private readonly client: MongoClient;
  private readonly db: Db;
  private readonly retireAfterMs: number;
  /** Units of work and switches in progress (close() waits for them). */
  private readonly running = new Set<Promise<unknown>>();
  private retireTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(options: MongoReadStoreOptions) {
    this.client = new MongoClient(options.uri, {
      ...(options.serverSelectionTimeoutMS !== undefined ? { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS } : {}),
    });
    this.db = this.client.db(options.dbName ?? dbNameFromUri(options.uri) ?? DEFAULT_DB_NAME);
    this.retireAfterMs = options.retireAfterMs ?? DEFAULT_RETIRE_AFTER_MS;
  }

  /** Connects eagerly (operations connect on demand anyway); rejects with ReadStoreUnavailableError. */
  async connect(): Promise<void> {
    await this.guard(async () => undefined);
  }

  collection<T extends Doc = Doc>(name: string): Collection<T> {
    assertLogicalName(name);
    // Resolved at every operation: a switch between two operations is seen by the second.
    const resolve = async () => this.db.collection<Doc>(physicalOf(await this.readAliases(undefined), name));
    return new MongoCollection<T>(resolve, undefined, (op) => this.guard(op));
  }

  /**
   * Concurrent units of work: each has its own session and transaction. A write conflict with another
   * unit aborts this one, which {@link runInTransaction} runs again a few times; what still conflicts
   * rejects with WriteConflictError (transient, see {@link mapMongoError}).
   */
  transaction<R>(work: (tx: ReadStoreTransaction) => Promise<R>): Promise<R> {
    return this.track(
      this.guard(async () => {
        const session = this.client.startSession();
        try {
          const inTx = <V>(op: () => Promise<V>) => op().catch((error: unknown) => Promise.reject(mapErrorInTransaction(error)));
          const attempt = () => {
            // Per attempt: the aliases are read inside the transaction, from the snapshot of its other reads.
            let aliases: Promise<Aliases> | undefined;
            const resolve = (name: string) => async () => {
              aliases ??= this.readAliases(session);
              return this.db.collection<Doc>(physicalOf(await aliases, name));
            };
            const tx: ReadStoreTransaction = {
              collection: <T extends Doc = Doc>(name: string) => {
                assertLogicalName(name);
                return new MongoCollection<T>(resolve(name), session, inTx);
              },
              setCheckpoint: (name, position) => inTx(() => this.writeCheckpoint(name, position, session)),
            };
            return work(tx);
          };
          return await runInTransaction(session, attempt, TRANSACTION_OPTIONS);
        } finally {
          await session.endSession();
        }
      }),
    );
  }

  getCheckpoint(name: string): Promise<Checkpoint | null> {
    return this.guard(async () => {
      const doc = await this.checkpoints().findOne({ _id: name });
      return doc ? { name, position: doc.position, updatedAt: doc.updatedAt } : null;
    });
  }

  setCheckpoint(name: string, position: string): Promise<void> {
    return this.guard(() => this.writeCheckpoint(name, position, undefined));
  }

  deleteCheckpoint(name: string): Promise<void> {
    return this.guard(async () => {
      await this.checkpoints().deleteOne({ _id: name });
    });
  }

  dropCollection(name: string): Promise<void> {
    assertLogicalName(name);
    // The driver ignores NamespaceNotFound, so dropping a missing collection is not an error. An aliased
    // name keeps its alias: its physical collection is dropped, and a later write creates it again.
    return this.guard(async () => {
      await this.db.dropCollection(physicalOf(await this.readAliases(undefined), name));
    });
  }

  /** A one-pair {@link replaceCollections} that rejects when `from` does not exist, as MongoDB does. */
  async renameCollection(from: string, to: string): Promise<void> {
    if (from === to) throw new Error(`Cannot rename collection '${from}' to itself`);
    if (!(await this.listCollections()).includes(from)) throw new Error(`Cannot rename '${from}': source collection does not exist`);
    await this.replaceCollections([{ from, to }]);
  }

  /**
   * One transaction writes the alias document (every `to` now names the physical collection of its
   * `from`; every `from` a new, not yet existing one) and moves the checkpoint: readers resolve names
   * through that document, so they see all before or all after. No collection is renamed or copied. The
   * physical collections of the replaced `to`s are dropped `retireAfterMs` later, when no operation that
   * resolved them before the switch can still be reading them.
   */
  replaceCollections(pairs: ReadonlyArray<CollectionSwitch>, checkpoint?: CollectionSwitch): Promise<void> {
    return this.track(
      this.guard(async () => {
        assertDistinctSwitches(pairs);
        for (const { from, to } of pairs) {
          assertLogicalName(from);
          assertLogicalName(to);
        }
        if (checkpoint && checkpoint.from === checkpoint.to) throw new Error(`Cannot move checkpoint '${checkpoint.to}' onto itself`);
        const session = this.client.startSession();
        try {
          await runInTransaction(
            session,
            async () => {
              const doc = await this.aliasDocs().findOne({ _id: ALIASES_ID }, { session });
              const current = new Map((doc?.entries ?? []).map((e) => [e.name, e.physical]));
              const { aliases, retired } = switchAliases(current, pairs, new Date().toISOString());
              const entries = [...aliases].map(([name, physical]) => ({ name, physical }));
              await this.aliasDocs().replaceOne(
                { _id: ALIASES_ID },
                { entries, retired: [...(doc?.retired ?? []), ...retired] },
                { upsert: true, session },
              );
              if (checkpoint) {
                const moved = await this.checkpoints().findOne({ _id: checkpoint.from }, { session });
                if (moved) await this.writeCheckpoint(checkpoint.to, moved.position, session);
                else await this.checkpoints().deleteOne({ _id: checkpoint.to }, { session });
                await this.checkpoints().deleteOne({ _id: checkpoint.from }, { session });
              }
            },
            TRANSACTION_OPTIONS,
          );
        } finally {
          await session.endSession();
        }
        this.scheduleRetirement();
      }),
    );
  }

  listCollections(): Promise<string[]> {
    return this.guard(async () => {
      const internal = (name: string) => name === CHECKPOINTS_COLLECTION || name === ALIASES_COLLECTION || name.startsWith('system.');
      return logicalNames(await this.readAliases(undefined), await this.physicalNames(), internal);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.allSettled([...this.running]);
    this.closed = true;
    if (this.retireTimer) clearTimeout(this.retireTimer);
    await this.client.close();
  }

  /**
   * Drops the physical collections replaced more than `retireAfterMs` ago (also those of a switch made by
   * another process, or before a restart: a sweep is scheduled at every switch and every connect). Returns how
   * many remain to be dropped.
   */
  async dropRetired(): Promise<number> {
    return this.guard(async () => {
      const doc = await this.aliasDocs().findOne({ _id: ALIASES_ID });
      const cutoff = new Date(Date.now() - this.retireAfterMs).toISOString();
      const due = (doc?.retired ?? []).filter((r) => r.at <= cutoff);
      for (const { physical } of due) {
        // Dropped before it leaves the list: a crash in between leaves it to the next sweep.
        await this.db.dropCollection(physical);
        await this.aliasDocs().updateOne({ _id: ALIASES_ID }, { $pull: { retired: { physical } } });
      }
      return (doc?.retired.length ?? 0) - due.length;
    });
  }

  private scheduleRetirement(): void {
    if (this.retireTimer || this.closed) return;
    this.retireTimer = setTimeout(() => {
      this.retireTimer = undefined;
      if (this.closed) return;
      this.dropRetired().then(
        (remaining) => {
          if (remaining > 0) this.scheduleRetirement();
        },
        () => this.scheduleRetirement(),
      );
    }, this.retireAfterMs + 1000);
    this.retireTimer.unref();
  }

  private track<V>(promise: Promise<V>): Promise<V> {
    this.running.add(promise);
    const forget = () => this.running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  private aliasDocs(): DriverCollection<AliasDoc> {
    return this.db.collection<AliasDoc>(ALIASES_COLLECTION);
  }

  /** The alias map (one indexed read by `_id`); inside a unit of work, from its snapshot. */
  private async readAliases(session: ClientSession | undefined): Promise<Aliases> {
    const doc = await this.aliasDocs().findOne({ _id: ALIASES_ID }, { session });
    return new Map((doc?.entries ?? []).map((e) => [e.name, e.physical]));
  }

  private async physicalNames(): Promise<Set<string>> {
    const infos = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return new Set(infos.map((info) => info.name));
  }

  private checkpoints(): DriverCollection<CheckpointDoc> {
    return this.db.collection<CheckpointDoc>(CHECKPOINTS_COLLECTION);
  }

  private async writeCheckpoint(name: string, position: string, session: ClientSession | undefined): Promise<void> {
    await this.checkpoints().updateOne(
      { _id: name },
      { $set: { position, updatedAt: new Date().toISOString() } },
      { upsert: true, session },
    );
  }

  /**
   * Connects explicitly before the first operation, and again after a failed attempt. The driver's own
   * auto-connect closes the client for good when the first attempt fails (every later call rejects
   * with "Topology is closed"), so a store opened while MongoDB was still starting would never recover.
   * Once connected, the driver rides out outages itself.
   */
  private ensureConnected(): Promise<void> {
    if (this.closed) return Promise.reject(new ReadStoreUnavailableError('The MongoDB read store is closed'));
    this.connecting ??= this.client.connect().then(
      // Collections replaced before a restart (or by a process that has gone) are dropped in time too.
      () => this.scheduleRetirement(),
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  private async guard<V>(op: () => Promise<V>): Promise<V> {
    try {
      await this.ensureConnected();
      return await op();
    } catch (error) {
      throw mapMongoError(error);
    }
  }
}

type Guard = <V>(op: () => Promise<V>) => Promise<V>;

/** A driver collection seen through the port; every call carries the unit's session, if any. */
class MongoCollection<T extends Doc> implements Collection<T> {
  constructor(
    /** The physical collection behind the port name, resolved per call (see MongoReadStore). */
    private readonly resolve: () => Promise<DriverCollection<Doc>>,
    private readonly session: ClientSession | undefined,
    private readonly guard: Guard,
  ) {}

  find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    return this.guard(async () => {
      const docs = await (await this.resolve())
        .find(filter, {
          sort: options.sort,
          skip: options.skip,
          limit: options.limit,
          projection: options.projection,
          session: this.session,
        })
        .toArray();
      return docs as unknown as T[];
    });
  }

  findOne(filter: Filter = {}, options: Omit<FindOptions, 'limit'> = {}): Promise<T | null> {
    return this.guard(async () => {
      const doc = await (await this.resolve()).findOne(filter, {
        sort: options.sort,
        skip: options.skip,
        projection: options.projection,
        session: this.session,
      });
      return (doc as unknown as T | null) ?? null;
    });
  }

  countDocuments(filter: Filter = {}): Promise<number> {
    return this.guard(async () => (await this.resolve()).countDocuments(filter, { session: this.session }));
  }

  insertOne(doc: T): Promise<void> {
    return this.guard(async () => {
      // A copy: the driver would otherwise write into the caller's object.
      await (await this.resolve()).insertOne({ ...doc }, { session: this.session });
    });
  }

  replaceOne(filter: Filter, doc: T, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.guard(async () => {
      let replacement: Doc = { ...doc };
      // Mirrors withStringUpsertId for replacements: MongoDB takes `_id` only from the filter.
      if (options.upsert && replacement._id === undefined && !filterPinsId(filter)) replacement = { ...replacement, _id: randomUUID() };
      const result = await (await this.resolve()).replaceOne(filter, replacement, { upsert: options.upsert, session: this.session });
      return toUpdateResult(result);
    });
  }

  updateOne(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.guard(async () => {
      const result = await (await this.resolve()).updateOne(filter, withStringUpsertId(filter, update, options.upsert), {
        upsert: options.upsert,
        session: this.session,
      });
      return toUpdateResult(result);
    });
  }

  updateMany(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.guard(async () => {
      const result = await (await this.resolve()).updateMany(filter, withStringUpsertId(filter, update, options.upsert), {
        upsert: options.upsert,
        session: this.session,
      });
      return toUpdateResult(result);
    });
  }

  deleteOne(filter: Filter): Promise<DeleteResult> {
    return this.guard(async () => {
      const result = await (await this.resolve()).deleteOne(filter, { session: this.session });
      return { deletedCount: result.deletedCount };
    });
  }

  deleteMany(filter: Filter = {}): Promise<DeleteResult> {
    return this.guard(async () => {
      const result = await (await this.resolve()).deleteMany(filter, { session: this.session });
      return { deletedCount: result.deletedCount };
    });
  }

  aggregate<R = Record<string, unknown>>(pipeline: PipelineStage[]): Promise<R[]> {
    return this.guard(async () => (await (await this.resolve()).aggregate(pipeline, { session: this.session }).toArray()) as R[]);
  }

  createIndex(keys: Record<string, 1 | -1>, options: IndexOptions = {}): Promise<string> {
    // Not part of the unit of work (no session): MongoDB only builds indexes inside a transaction on
    // collections created by it, and the embedded store commits index changes at once as well.
    return this.guard(async () =>
      (await this.resolve()).createIndex(keys, {
        ...(options.unique !== undefined ? { unique: options.unique } : {}),
        ...(options.name !== undefined ? { name: options.name } : {}),
      }),
    );
  }
}
