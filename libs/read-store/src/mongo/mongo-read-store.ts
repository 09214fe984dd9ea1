// MongoDB read store over the official driver. This folder is the only place in the repository that
// imports `mongodb`; everything else sees the ReadStore port.
import { randomUUID } from 'node:crypto';
import { MongoClient, type ClientSession, type Collection as DriverCollection, type Db, type TransactionOptions } from 'mongodb';
import {
  DuplicateKeyError,
  ReadStoreUnavailableError,
  type Checkpoint,
  type Collection,
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
import { isDuplicateKey, mapMongoError } from './mongo-errors';
import { runInTransaction } from './mongo-transaction';

export interface MongoReadStoreOptions {
  /** Connection string; a replica set is needed for {@link MongoReadStore.transaction}. */
  uri: string;
  /** Database name; default: the one in the URI path, else `mentoring`. */
  dbName?: string;
  /** How long an operation waits for a reachable server before failing as unavailable. */
  serverSelectionTimeoutMS?: number;
}

/** Collection that holds checkpoints; hidden from {@link MongoReadStore.listCollections}. */
export const CHECKPOINTS_COLLECTION = '_checkpoints';

const DEFAULT_DB_NAME = 'mentoring';
const TRANSACTION_OPTIONS: TransactionOptions = { writeConcern: { w: 'majority' }, readConcern: { level: 'snapshot' }, readPreference: 'primary' };

interface CheckpointDoc {
  _id: string;
  position: string;
  updatedAt: string;
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
 * commits documents and checkpoint in one multi-document transaction (majority write concern).
 * Units of work run one at a time per instance, like the embedded store's.
 */
export class MongoReadStore implements ReadStore {
  private readonly client: MongoClient;
  private readonly db: Db;
  // Promise-chain mutex for units of work.
  private tail: Promise<unknown> = Promise.resolve();
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(options: MongoReadStoreOptions) {
    this.client = new MongoClient(options.uri, {
      ...(options.serverSelectionTimeoutMS !== undefined ? { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS } : {}),
    });
    this.db = this.client.db(options.dbName ?? dbNameFromUri(options.uri) ?? DEFAULT_DB_NAME);
  }

  /** Connects eagerly (operations connect on demand anyway); rejects with ReadStoreUnavailableError. */
  async connect(): Promise<void> {
    await this.guard(async () => undefined);
  }

  collection<T extends Doc = Doc>(name: string): Collection<T> {
    return new MongoCollection<T>(this.db.collection<Doc>(name), undefined, (op) => this.guard(op));
  }

  transaction<R>(work: (tx: ReadStoreTransaction) => Promise<R>): Promise<R> {
    const run = () =>
      this.guard(async () => {
        const session = this.client.startSession();
        try {
          const inTx = <V>(op: () => Promise<V>) => op().catch((error: unknown) => Promise.reject(mapErrorInTransaction(error)));
          const tx: ReadStoreTransaction = {
            collection: <T extends Doc = Doc>(name: string) => new MongoCollection<T>(this.db.collection<Doc>(name), session, inTx),
            setCheckpoint: (name, position) => inTx(() => this.writeCheckpoint(name, position, session)),
          };
          return await runInTransaction(session, () => work(tx), TRANSACTION_OPTIONS);
        } finally {
          await session.endSession();
        }
      });
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
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
    // The driver ignores NamespaceNotFound, so dropping a missing collection is not an error.
    return this.guard(async () => {
      await this.db.dropCollection(name);
    });
  }

  renameCollection(from: string, to: string): Promise<void> {
    return this.guard(async () => {
      await this.db.renameCollection(from, to, { dropTarget: true });
    });
  }

  listCollections(): Promise<string[]> {
    return this.guard(async () => {
      const infos = await this.db.listCollections({}, { nameOnly: true }).toArray();
      return infos
        .map((info) => info.name)
        .filter((name) => name !== CHECKPOINTS_COLLECTION && !name.startsWith('system.'))
        .sort();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.tail;
    this.closed = true;
    await this.client.close();
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
      () => undefined,
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
    private readonly collection: DriverCollection<Doc>,
    private readonly session: ClientSession | undefined,
    private readonly guard: Guard,
  ) {}

  find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    return this.guard(async () => {
      const docs = await this.collection
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
      const doc = await this.collection.findOne(filter, {
        sort: options.sort,
        skip: options.skip,
        projection: options.projection,
        session: this.session,
      });
      return (doc as unknown as T | null) ?? null;
    });
  }

  countDocuments(filter: Filter = {}): Promise<number> {
    return this.guard(() => this.collection.countDocuments(filter, { session: this.session }));
  }

  insertOne(doc: T): Promise<void> {
    return this.guard(async () => {
      // A copy: the driver would otherwise write into the caller's object.
      await this.collection.insertOne({ ...doc }, { session: this.session });
    });
  }

  replaceOne(filter: Filter, doc: T, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.guard(async () => {
      let replacement: Doc = { ...doc };
      // Mirrors withStringUpsertId for replacements: MongoDB takes `_id` only from the filter.
      if (options.upsert && replacement._id === undefined && !filterPinsId(filter)) replacement = { ...replacement, _id: randomUUID() };
      const result = await this.collection.replaceOne(filter, replacement, { upsert: options.upsert, session: this.session });
      return toUpdateResult(result);
    });
  }

  updateOne(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.guard(async () => {
      const result = await this.collection.updateOne(filter, withStringUpsertId(filter, update, options.upsert), {
        upsert: options.upsert,
        session: this.session,
      });
      return toUpdateResult(result);
    });
  }

  updateMany(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.guard(async () => {
      const result = await this.collection.updateMany(filter, withStringUpsertId(filter, update, options.upsert), {
        upsert: options.upsert,
        session: this.session,
      });
      return toUpdateResult(result);
    });
  }

  deleteOne(filter: Filter): Promise<DeleteResult> {
    return this.guard(async () => {
      const result = await this.collection.deleteOne(filter, { session: this.session });
      return { deletedCount: result.deletedCount };
    });
  }

  deleteMany(filter: Filter = {}): Promise<DeleteResult> {
    return this.guard(async () => {
      const result = await this.collection.deleteMany(filter, { session: this.session });
      return { deletedCount: result.deletedCount };
    });
  }

  aggregate<R = Record<string, unknown>>(pipeline: PipelineStage[]): Promise<R[]> {
    return this.guard(async () => (await this.collection.aggregate(pipeline, { session: this.session }).toArray()) as R[]);
  }

  createIndex(keys: Record<string, 1 | -1>, options: IndexOptions = {}): Promise<string> {
    // Not part of the unit of work (no session): MongoDB only builds indexes inside a transaction on
    // collections created by it, and the embedded store commits index changes at once as well.
    return this.guard(() =>
      this.collection.createIndex(keys, {
        ...(options.unique !== undefined ? { unique: options.unique } : {}),
        ...(options.name !== undefined ? { name: options.name } : {}),
      }),
    );
  }
}
