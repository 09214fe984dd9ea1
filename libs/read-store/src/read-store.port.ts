// The read store port: the part of MongoDB's collection API that projections and queries need.
// Adapters: embedded (mingo semantics, documents in SQLite) and MongoDB (official driver).
// Both pass one contract suite with the same expected documents.

/** Every read-model document has a string `_id`. */
export interface Doc {
  _id: string;
  [field: string]: unknown;
}

/** MongoDB query filter (`{ field: value }`, `$eq`, `$in`, `$gt`, `$and`, `$or`, dotted paths, …). */
export type Filter = Record<string, unknown>;
/** MongoDB update document with operators: `$set`, `$setOnInsert`, `$inc`, `$push`, `$addToSet`, `$pull`, `$unset`. */
export type Update = Record<string, unknown>;
/** `{ field: 1 | -1 }`, applied in key order. */
export type Sort = Record<string, 1 | -1>;
/** Inclusion (`{ a: 1 }`) or exclusion (`{ b: 0 }`) projection; `_id` is included unless excluded. */
export type Projection = Record<string, 0 | 1>;
/** Aggregation stages supported by both adapters: `$match`, `$group`, `$sort`, `$project`, `$limit`, `$count`. */
export type PipelineStage = Record<string, unknown>;

export interface FindOptions {
  sort?: Sort;
  skip?: number;
  limit?: number;
  projection?: Projection;
}

export interface UpdateOptions {
  upsert?: boolean;
}

export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  /** `_id` of the inserted document when an upsert inserted one, else null. */
  upsertedId: string | null;
}

export interface DeleteResult {
  deletedCount: number;
}

export interface IndexOptions {
  unique?: boolean;
  name?: string;
}

export interface Collection<T extends Doc = Doc> {
  find(filter?: Filter, options?: FindOptions): Promise<T[]>;
  findOne(filter?: Filter, options?: Omit<FindOptions, 'limit'>): Promise<T | null>;
  countDocuments(filter?: Filter): Promise<number>;
  insertOne(doc: T): Promise<void>;
  /** Replaces the whole document matched by `filter` (upsert inserts `doc`). */
  replaceOne(filter: Filter, doc: T, options?: UpdateOptions): Promise<UpdateResult>;
  updateOne(filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult>;
  updateMany(filter: Filter, update: Update, options?: UpdateOptions): Promise<UpdateResult>;
  deleteOne(filter: Filter): Promise<DeleteResult>;
  deleteMany(filter?: Filter): Promise<DeleteResult>;
  aggregate<R = Record<string, unknown>>(pipeline: PipelineStage[]): Promise<R[]>;
  /**
   * Creates the index if missing and returns its name (MongoDB's default: `field_1_other_-1`). A
   * unique index makes violating writes reject with {@link DuplicateKeyError}. Index changes are not
   * part of a unit of work: they take effect at once, also when made through a transaction's handle.
   */
  createIndex(keys: Record<string, 1 | -1>, options?: IndexOptions): Promise<string>;
}

/** Where a projection or reactor has got to in the event log: a serialised global position. */
export interface Checkpoint {
  name: string;
  /** Serialised event-store position (see `formatPosition` in the event-store lib). */
  position: string;
  updatedAt: string;
}

/** A unit of work: collection writes and the checkpoint commit together or not at all. */
export interface ReadStoreTransaction {
  collection<T extends Doc = Doc>(name: string): Collection<T>;
  setCheckpoint(name: string, position: string): Promise<void>;
}

/** A name that takes over what another holds (see {@link ReadStore.replaceCollections}). */
export interface CollectionSwitch {
  from: string;
  to: string;
}

export interface ReadStore {
  /**
   * True when no other process can open this store (the embedded store locks its file). Subscriber
   * leases use it: a lease whose owner is not alive in this process is then a previous process's.
   */
  readonly exclusive?: boolean;

  collection<T extends Doc = Doc>(name: string): Collection<T>;

  /**
   * Runs `work` as one atomic, isolated unit: either every write made through `tx` and every checkpoint
   * set through it are committed, or (when `work` throws) none is; its writes are invisible outside it
   * until it commits. No order between units is promised: the embedded store runs them one at a time,
   * MongoDB runs them concurrently, each in its own session and multi-document transaction (replica set
   * required). When two concurrent units write the same document, one commits and the other is tried
   * again or rejects with {@link WriteConflictError} (`write_conflict`, transient: retry the unit).
   * `work` may run more than once (on MongoDB), so it must not have effects outside `tx`.
   * Never call `transaction()` from inside `work` (the embedded store would wait forever): use `tx`.
   */
  transaction<R>(work: (tx: ReadStoreTransaction) => Promise<R>): Promise<R>;

  getCheckpoint(name: string): Promise<Checkpoint | null>;
  /** Sets a checkpoint outside a unit of work (e.g. a rebuild resetting to the start). */
  setCheckpoint(name: string, position: string): Promise<void>;
  deleteCheckpoint(name: string): Promise<void>;

  /** Drops a collection and its indexes (for rebuilds). Dropping a missing collection is not an error. */
  dropCollection(name: string): Promise<void>;
  /**
   * Renames `from` to `to`, replacing `to` atomically if it exists (blue/green rebuild switch). Indexes
   * move with the documents. Rejects when `from` does not exist, as MongoDB does.
   */
  renameCollection(from: string, to: string): Promise<void>;
  /**
   * The blue/green rebuild switch, atomic for readers: every `to` takes what its `from` holds (documents
   * and indexes; `to` is dropped when `from` does not exist) and every `from` is gone, and, with
   * `checkpoint`, the checkpoint `checkpoint.to` takes the position of `checkpoint.from` (it is deleted
   * when `checkpoint.from` has none) and `checkpoint.from` is deleted, all at once. A unit of work, or a
   * single operation, sees all collections and the checkpoint as before or all as after, never a mix and
   * never a `to` missing in between. The names must be distinct (no `to` repeated, no name both a `from`
   * and a `to`). Writers of these collections must be stopped first (the runner pauses the projection): a
   * write that started before the switch may land in the replaced collection. Never call it from inside
   * a unit's `work`.
   */
  replaceCollections(pairs: ReadonlyArray<CollectionSwitch>, checkpoint?: CollectionSwitch): Promise<void>;
  listCollections(): Promise<string[]>;

  close(): Promise<void>;
}

export class ReadStoreUnavailableError extends Error {
  readonly code = 'read_store_unavailable';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'ReadStoreUnavailableError';
  }
}

export class DuplicateKeyError extends Error {
  readonly code = 'duplicate_key';
  constructor(message: string) {
    super(message);
    this.name = 'DuplicateKeyError';
  }
}

/**
 * Transient: a write met an uncommitted or concurrently committed change to the same document,
 * checkpoint or collection (the embedded store: a write from outside the open unit of work; MongoDB: two
 * concurrent units of work whose retries ran out). Retry the write or the unit.
 */
export class WriteConflictError extends Error {
  readonly code = 'write_conflict';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'WriteConflictError';
  }
}

/** Validates the pairs of {@link ReadStore.replaceCollections} (both adapters). */
export function assertDistinctSwitches(pairs: ReadonlyArray<CollectionSwitch>): void {
  const froms = new Set(pairs.map((p) => p.from));
  const tos = new Set<string>();
  for (const { from, to } of pairs) {
    if (from === to) throw new Error(`Cannot replace collection '${to}' by itself`);
    if (tos.has(to)) throw new Error(`Collection '${to}' is replaced twice`);
    if (froms.has(to)) throw new Error(`Collection '${to}' is both replaced and a replacement`);
    tos.add(to);
  }
  if (froms.size !== pairs.length) throw new Error('A collection cannot replace two others');
}
