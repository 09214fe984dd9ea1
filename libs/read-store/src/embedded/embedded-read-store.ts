// Embedded read store: MongoDB's query, update and aggregation semantics (mingo) over documents held
// in memory, persisted in one SQLite file so read models and checkpoints survive a restart without a
// replay. Memory is the source for reads; SQLite is written at every commit (one SQLite transaction per
// call outside a unit of work, one per unit of work inside).
import { existsSync, renameSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Aggregator, Query, update as mingoUpdate } from 'mingo';
import * as updateOperators from 'mingo/operators/update';
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
  type Projection,
  type ReadStore,
  type ReadStoreTransaction,
  type Update,
  type UpdateOptions,
  type UpdateResult,
} from '../read-store.port';
import {
  cloneJson,
  idFromFilter,
  indexKeys,
  indexName,
  newId,
  sameJson,
  seedFromFilter,
  withIdFirst,
} from './documents';
import { applyFast, compileFast, type FastOp } from './fast-update';
import { compileFastFilter, sortFast } from './fast-query';

/** SQLite's codes for a damaged file (not for a file locked by another process: that one is left alone). */
const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

/**
 * At open: `PRAGMA quick_check` on the existing file. A damaged one (read models are disposable: they are
 * rebuilt from the event log) is renamed `<file>.corrupt-<timestamp>` with its -wal and -shm, and one line says
 * so; the store then opens a new file and every subscriber starts from the first event. A file locked by
 * another process is not checked here (opening fails as before).
 */
function setAsideIfCorrupt(file: string, timeoutMs: number): void {
  if (!existsSync(file)) return;
  // Held by a store of this process: never check (let alone move) a live file; opening it fails as "already open".
  const { dev, ino } = statSync(file);
  if (openFiles.has(`${dev}:${ino}`)) return;
  let problem: string | null = null;
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { timeout: timeoutMs, fileMustExist: true });
    const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
    if (rows.length !== 1 || rows[0].quick_check !== 'ok') problem = rows.map((r) => r.quick_check).slice(0, 3).join('; ');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !CORRUPT_CODES.has(code)) throw error;
    problem = (error as Error).message;
  } finally {
    db?.close();
  }
  if (problem === null) return;
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  process.stderr.write(
    `${JSON.stringify({
      level: 'warn',
      time: new Date().toISOString(),
      pid: process.pid,
      context: 'ReadStore',
      msg: `${file} is corrupted (${problem}): moved aside to ${aside}; the read models are rebuilt from the event log now (minutes for a large log)`,
    })}\n`,
  );
}

export interface EmbeddedReadStoreOptions {
  /** SQLite file (created if missing), or `':memory:'` for tests. */
  file: string | ':memory:';
  /**
   * `NORMAL` (default): in WAL mode a power loss may drop the last commits but never corrupts the
   * file. That is enough for read models: documents and their checkpoint commit together, so a lost
   * tail is simply replayed from the event store, which is the source of truth. `FULL` fsyncs at
   * every commit.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long opening waits for another connection holding the file before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/**
 * A write outside a unit of work touched a document, checkpoint or collection that the open unit of
 * work has changed but not committed yet. Retry once the unit has finished.
 */
export class WriteConflictError extends Error {
  readonly code = 'write_conflict';
  constructor(message: string) {
    super(message);
    this.name = 'WriteConflictError';
  }
}

interface IndexSpec {
  name: string;
  key: Record<string, 1 | -1>;
  unique: boolean;
}

interface UniqueIndex {
  spec: IndexSpec;
  fields: string[];
  /** Index key → `_id` of the document holding it. */
  owners: Map<string, string>;
}

interface CollectionState {
  readonly docs: Map<string, Doc>;
  /** Every index but `_id_` (which is the `docs` map itself). */
  readonly indexes: IndexSpec[];
  readonly unique: UniqueIndex[];
}

/** What one call changed, so that a failing call can be undone and a succeeding one written. */
interface Scope {
  changes: Array<{ collection: string; id: string; before: Doc | undefined }>;
  created: string[];
  /** Collections the open unit created that this write (outside the unit) commits for good. */
  adopted: string[];
  checkpoints: Array<{ name: string; before: Checkpoint | undefined }>;
}

/** The open unit of work: the first version of everything it touched (its undo log). */
interface Unit {
  open: boolean;
  docs: Map<string, Map<string, Doc | undefined>>;
  created: Set<string>;
  checkpoints: Map<string, Checkpoint | undefined>;
}

interface ParsedUpdate {
  /** Operators other than `$setOnInsert`, in the caller's order, values already copied. */
  ops: Array<[string, Record<string, unknown>]>;
  setOnInsert: Record<string, unknown> | undefined;
  /** Positional paths (`a.$.b`, `a.$[]`) need mingo's full updater, which knows the filter. */
  positional: boolean;
  /** `$currentDate` produces Date objects: normalise them to what JSON stores. */
  normalise: boolean;
  /** The same operators for the direct implementation, when they qualify. */
  fast: FastOp[] | undefined;
  fastSetOnInsert: FastOp[] | undefined;
}

type Mutator = (expr: Record<string, unknown>) => (doc: Record<string, unknown>) => string[];

// mingo's `update()` rebuilds its operator context on every call (about 5k updates/s); the operator
// functions themselves are an order of magnitude faster, so plain paths call them directly.
const OPERATORS: Record<string, Mutator> = {
  $set: updateOperators.$set as Mutator,
  $inc: updateOperators.$inc as Mutator,
  $push: updateOperators.$push as Mutator,
  $addToSet: updateOperators.$addToSet as Mutator,
  $pull: updateOperators.$pull as Mutator,
  $pullAll: updateOperators.$pullAll as Mutator,
  $unset: updateOperators.$unset as Mutator,
  $min: updateOperators.$min as Mutator,
  $max: updateOperators.$max as Mutator,
  $mul: updateOperators.$mul as Mutator,
  $pop: updateOperators.$pop as Mutator,
  $rename: updateOperators.$rename as Mutator,
  $currentDate: updateOperators.$currentDate as Mutator,
  $bit: updateOperators.$bit as Mutator,
};

// Pipeline stages that only read their input documents: they can run over the stored objects
// without copying the collection first (the output is copied in any case).
const READ_ONLY_STAGES = new Set(['$match', '$sort', '$limit', '$skip', '$group', '$project', '$count', '$sortByCount']);

const MATCH_ALL = new Query<Doc>({}, {});

const DOCS_PER_STATEMENT = 50;

// Files (device:inode) open in this process. SQLite's lock keeps other processes out; within one
// process two connections share the process's POSIX locks, and SQLite's own bookkeeping of them was
// seen to let a second store through now and then under Jest, so the same process checks here first.
const openFiles = new Set<string>();

const SCHEMA = `
  -- A rowid table rather than WITHOUT ROWID: documents can be kilobytes, and SQLite advises rowid
  -- tables for large rows (measured about as fast here for small ones).
  CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    id         TEXT NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  );
  CREATE TABLE IF NOT EXISTS checkpoints (
    name       TEXT PRIMARY KEY,
    position   TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  -- One row per existing collection (also an empty one), with its secondary index definitions,
  -- so that unique indexes are still enforced after a restart.
  CREATE TABLE IF NOT EXISTS collections (
    name    TEXT PRIMARY KEY,
    indexes TEXT NOT NULL
  );`;

function duplicateKey(collection: string, index: string, key: string): DuplicateKeyError {
  return new DuplicateKeyError(`E11000 duplicate key error collection: ${collection} index: ${index} dup key: ${key}`);
}

function assertStringId(id: unknown): asserts id is string {
  if (typeof id !== 'string') throw new TypeError(`Read-store documents need a string _id, got ${typeof id}`);
}

/**
 * {@link ReadStore} kept in memory with MongoDB semantics (mingo) and persisted in SQLite.
 *
 * Reads run against memory; `{ _id }` lookups are O(1). Writes outside {@link transaction} are
 * committed at once, each call atomically. Inside a unit of work, writes reach memory at once (reads,
 * also from outside the unit, see them) and are written to SQLite in one transaction when `work`
 * resolves, or undone in memory when it throws. A write from outside the unit that touches what the
 * unit changed fails with {@link WriteConflictError}. One process per file: the file is locked.
 * Never call `transaction()` from inside `work` (units run one at a time, so it would wait forever).
 */
export class EmbeddedReadStore implements ReadStore {
  /** Opens (and creates if needed) the store. Same as the constructor; async like the MongoDB adapter. */
  static async open(options: EmbeddedReadStoreOptions): Promise<EmbeddedReadStore> {
    return new EmbeddedReadStore(options);
  }

  /** One process per file (the file is locked; `:memory:` is private to the process). */
  readonly exclusive = true;
  private readonly db: Database.Database;
  private readonly collections = new Map<string, CollectionState>();
  private readonly checkpoints = new Map<string, Checkpoint>();
  private unit: Unit | null = null;
  // Promise-chain mutex: each unit of work starts when the previous one has settled.
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private fileKey: string | undefined;

  private readonly stmt: {
    putDoc: Database.Statement<[string, string, string]>;
    putDocs: Database.Statement<string[]>;
    deleteDoc: Database.Statement<[string, string]>;
    putCheckpoint: Database.Statement<[string, string, string]>;
    deleteCheckpoint: Database.Statement<[string]>;
    putCollection: Database.Statement<[string, string]>;
    deleteCollection: Database.Statement<[string]>;
    deleteCollectionDocs: Database.Statement<[string]>;
    moveCollectionDocs: Database.Statement<[string, string]>;
    renameCollection: Database.Statement<[string, string]>;
  };

  constructor(options: EmbeddedReadStoreOptions) {
    if (options.file !== ':memory:') setAsideIfCorrupt(options.file, options.busyTimeoutMs ?? 5000);
    this.db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      if (options.file !== ':memory:') {
        const { dev, ino } = statSync(options.file);
        const key = `${dev}:${ino}`;
        if (openFiles.has(key)) throw new Error(`The read store file ${options.file} is already open in this process (locked)`);
        openFiles.add(key);
        this.fileKey = key;
        // Memory is the source for reads, so a second process writing the same file would be silently
        // overwritten: hold the file's lock for as long as the store is open. Set before WAL is entered:
        // then SQLite keeps the WAL index in heap memory and holds an exclusive lock on the file itself
        // (set afterwards, only the WAL locks are kept, and a second opener sometimes got through).
        this.db.pragma('locking_mode = EXCLUSIVE');
        this.db.pragma('journal_mode = WAL');
      }
      this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
      // Erasure (issue 11): a page freed or overwritten is zeroed, so an erased person's old documents linger in no free page.
      this.db.pragma('secure_delete = ON');
      this.db.exec(SCHEMA);
      // Takes the exclusive lock now, so that a second opener fails at open, not at its first write.
      if (options.file !== ':memory:') this.db.exec('BEGIN EXCLUSIVE; COMMIT');
      this.stmt = {
        putDoc: this.db.prepare(
          'INSERT INTO documents (collection, id, doc) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc',
        ),
        // Many rows per statement: about 1.5× cheaper per row than one statement per row.
        putDocs: this.db.prepare(
          `INSERT INTO documents (collection, id, doc) VALUES ${new Array(DOCS_PER_STATEMENT).fill('(?, ?, ?)').join(', ')} ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc`,
        ),
        deleteDoc: this.db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?'),
        putCheckpoint: this.db.prepare(
          'INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
        ),
        deleteCheckpoint: this.db.prepare('DELETE FROM checkpoints WHERE name = ?'),
        putCollection: this.db.prepare(
          'INSERT INTO collections (name, indexes) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET indexes = excluded.indexes',
        ),
        deleteCollection: this.db.prepare('DELETE FROM collections WHERE name = ?'),
        deleteCollectionDocs: this.db.prepare('DELETE FROM documents WHERE collection = ?'),
        moveCollectionDocs: this.db.prepare('UPDATE documents SET collection = ? WHERE collection = ?'),
        renameCollection: this.db.prepare('UPDATE collections SET name = ? WHERE name = ?'),
      };
      this.load();
    } catch (error) {
      this.db.close();
      if (this.fileKey) openFiles.delete(this.fileKey);
      throw error;
    }
  }

  collection<T extends Doc = Doc>(name: string): Collection<T> {
    return new EmbeddedCollection<T>(this, name, null);
  }

  transaction<R>(work: (tx: ReadStoreTransaction) => Promise<R>): Promise<R> {
    const run = async (): Promise<R> => {
      this.assertOpen();
      const unit: Unit = { open: true, docs: new Map(), created: new Set(), checkpoints: new Map() };
      this.unit = unit;
      try {
        const result = await work({
          collection: <T extends Doc = Doc>(name: string) => new EmbeddedCollection<T>(this, name, unit),
          setCheckpoint: (name, position) => this.setCheckpointIn(unit, name, position),
        });
        // Closed before writing: a write the work forgot to await must fail, not slip in half-committed.
        unit.open = false;
        this.commitUnit(unit);
        return result;
      } catch (error) {
        unit.open = false;
        this.rollbackUnit(unit);
        throw error;
      } finally {
        this.unit = null;
      }
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    this.assertOpen();
    const checkpoint = this.checkpoints.get(name);
    return checkpoint ? { ...checkpoint } : null;
  }

  async setCheckpoint(name: string, position: string): Promise<void> {
    return this.setCheckpointIn(null, name, position);
  }

  async deleteCheckpoint(name: string): Promise<void> {
    this.run(null, (scope) => {
      this.assertNoUnitCheckpoint(name);
      if (!this.checkpoints.has(name)) return;
      scope.checkpoints.push({ name, before: this.checkpoints.get(name) });
      this.checkpoints.delete(name);
    });
  }

  async dropCollection(name: string): Promise<void> {
    this.assertOpen();
    this.assertNoUnitCollection(name);
    if (!this.collections.has(name)) return;
    this.db.transaction(() => {
      this.stmt.deleteCollectionDocs.run(name);
      this.stmt.deleteCollection.run(name);
    })();
    this.collections.delete(name);
  }

  async renameCollection(from: string, to: string): Promise<void> {
    this.assertOpen();
    if (from === to) throw new Error(`Cannot rename collection '${from}' to itself`);
    this.assertNoUnitCollection(from);
    this.assertNoUnitCollection(to);
    const state = this.collections.get(from);
    if (!state) throw new Error(`Cannot rename '${from}': source collection does not exist`);
    // SQLite first: if it fails, memory is untouched.
    this.db.transaction(() => {
      this.stmt.deleteCollectionDocs.run(to);
      this.stmt.deleteCollection.run(to);
      this.stmt.moveCollectionDocs.run(to, from);
      this.stmt.renameCollection.run(to, from);
    })();
    this.collections.delete(from);
    this.collections.set(to, state);
  }

  async listCollections(): Promise<string[]> {
    this.assertOpen();
    return [...this.collections.keys()].sort();
  }

  /**
   * After an erasure: copies the WAL into the file and truncates it, so the page images written before the erasure
   * (with the person's old documents) are gone from disk too.
   */
  async purgeFreedPages(): Promise<void> {
    this.assertOpen();
    await this.tail;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.tail;
    this.closed = true;
    this.db.close();
    if (this.fileKey) openFiles.delete(this.fileKey);
  }

  // ---- operations used by EmbeddedCollection -------------------------------------------------------

  /** @internal */
  find(name: string, filter: Filter, options: FindOptions): Record<string, unknown>[] {
    this.assertOpen();
    const state = this.collections.get(name);
    if (!state) return [];
    const { sort, skip, limit, projection } = options;
    // Without sort or skip, the first match is the answer to a limit of 1 (findOne): stop scanning there.
    const matched = this.match(state, filter, !sort && !skip && (limit === 1 || limit === -1));
    const project = projection ? compileProjection(projection) : identity;
    if (!sort && !skip && project) {
      // As in MongoDB, limit 0 means no limit and a negative limit is its absolute value.
      return (limit ? matched.slice(0, Math.abs(limit)) : matched).map((doc) => cloneJson(project(doc)));
    }
    // Sorts on top-level strings or numbers (the lists): ordered here, only the first skip + limit kept.
    const sorted = sort && project && (skip === undefined || (Number.isInteger(skip) && skip >= 0)) ? sortFast(matched, sort, limit ? (skip ?? 0) + Math.abs(limit) : 0) : undefined;
    if (sorted && project) {
      const page = sorted.slice(skip ?? 0, limit ? (skip ?? 0) + Math.abs(limit) : undefined);
      return page.map((doc) => cloneJson(project(doc)));
    }
    let cursor = MATCH_ALL.find<Doc>(matched, project ? undefined : projection);
    if (sort) cursor = cursor.sort(sort);
    if (skip) cursor = cursor.skip(skip);
    if (limit) cursor = cursor.limit(Math.abs(limit));
    return cursor.all().map((doc) => cloneJson(project ? project(doc) : doc));
  }

  /** @internal */
  count(name: string, filter: Filter): number {
    this.assertOpen();
    const state = this.collections.get(name);
    return state ? this.match(state, filter, false).length : 0;
  }

  /** @internal */
  insertOne(unit: Unit | null, name: string, doc: Doc): void {
    const stored = withIdFirst(cloneJson(doc), doc._id);
    assertStringId(stored._id);
    this.run(unit, (scope) => {
      const state = this.ensureCollection(unit, name, scope);
      if (state.docs.has(stored._id)) throw duplicateKey(name, '_id_', JSON.stringify({ _id: stored._id }));
      this.write(unit, scope, name, state, stored._id, stored);
    });
  }

  /** @internal */
  replaceOne(unit: Unit | null, name: string, filter: Filter, replacement: Doc, options: UpdateOptions): UpdateResult {
    for (const key of Object.keys(replacement)) {
      if (key.startsWith('$')) throw new Error('Replacement document must not contain atomic operators');
    }
    const copy = cloneJson(replacement) as Record<string, unknown>;
    return this.run(unit, (scope) => {
      const state = this.collections.get(name);
      const target = state ? this.match(state, filter, true)[0] : undefined;
      if (state && target) {
        if (copy._id !== undefined && copy._id !== target._id) throw immutableId(target._id, copy._id);
        const next = withIdFirst(copy, target._id);
        if (sameJson(target, next)) return { matchedCount: 1, modifiedCount: 0, upsertedId: null };
        this.write(unit, scope, name, state, target._id, next);
        return { matchedCount: 1, modifiedCount: 1, upsertedId: null };
      }
      if (!options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedId: null };
      // A replacement-style upsert takes only `_id` from the filter (MongoDB does the same).
      const filterId = idFromFilter(filter);
      if (copy._id !== undefined && filterId !== undefined && copy._id !== filterId) throw immutableId(filterId, copy._id);
      const id = copy._id ?? filterId ?? newId();
      assertStringId(id);
      this.insertNew(unit, scope, name, withIdFirst(copy, id));
      return { matchedCount: 0, modifiedCount: 0, upsertedId: id };
    });
  }

  /** @internal */
  update(unit: Unit | null, name: string, filter: Filter, update: Update, options: UpdateOptions, many: boolean): UpdateResult {
    const parsed = parseUpdate(update);
    return this.run(unit, (scope) => {
      const state = this.collections.get(name);
      const targets = state ? this.match(state, filter, !many) : [];
      if (state && targets.length > 0) {
        let modifiedCount = 0;
        for (const target of targets) {
          const next = applyUpdate(target, parsed, filter);
          if (sameJson(target, next)) continue;
          this.write(unit, scope, name, state, target._id, next);
          modifiedCount++;
        }
        return { matchedCount: targets.length, modifiedCount, upsertedId: null };
      }
      if (!options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedId: null };
      const doc = buildUpsert(filter, parsed);
      this.insertNew(unit, scope, name, doc);
      return { matchedCount: 0, modifiedCount: 0, upsertedId: doc._id };
    });
  }

  /** @internal */
  delete(unit: Unit | null, name: string, filter: Filter, many: boolean): DeleteResult {
    return this.run(unit, (scope) => {
      const state = this.collections.get(name);
      if (!state) return { deletedCount: 0 };
      const targets = this.match(state, filter, !many);
      for (const target of targets) this.write(unit, scope, name, state, target._id, undefined);
      return { deletedCount: targets.length };
    });
  }

  /** @internal */
  aggregate(name: string, pipeline: PipelineStage[]): Record<string, unknown>[] {
    this.assertOpen();
    const state = this.collections.get(name);
    let docs: Doc[] = [];
    let stage = 0;
    if (state) {
      // Leading $match stages use the same fast paths as find().
      if (pipeline.length > 0 && isStage(pipeline[0], '$match')) {
        docs = this.match(state, pipeline[0].$match as Filter, false);
        stage = 1;
      } else {
        docs = [...state.docs.values()];
      }
    }
    const rest = pipeline.slice(stage).flatMap(expandCount);
    if (rest.length === 0) return docs.map(cloneJson);
    const readOnly = rest.every((s) => READ_ONLY_STAGES.has(Object.keys(s)[0]));
    const input = readOnly ? docs : docs.map(cloneJson);
    return new Aggregator(rest, {}).run(input).map(cloneJson);
  }

  /** @internal */
  createIndex(unit: Unit | null, name: string, keys: Record<string, 1 | -1>, options: IndexOptions): string {
    this.assertOpen();
    if (unit && !unit.open) throw new Error('This unit of work has already finished');
    const fields = Object.keys(keys);
    if (fields.length === 0) throw new Error('Index keys must not be empty');
    for (const field of fields) {
      if (keys[field] !== 1 && keys[field] !== -1) throw new Error(`Unsupported index direction for '${field}'`);
    }
    const spec: IndexSpec = { name: options.name ?? indexName(keys), key: { ...keys }, unique: options.unique === true };
    const existing = this.collections.get(name);
    const same = (existing?.indexes ?? []).find((index) => index.name === spec.name || sameJson(index.key, spec.key));
    if (same) {
      if (same.name === spec.name && sameJson(same.key, spec.key) && same.unique === spec.unique) return spec.name;
      throw new Error(`An index conflicting with '${spec.name}' already exists on '${name}': '${same.name}'`);
    }
    if (spec.name === '_id_' || (fields.length === 1 && fields[0] === '_id')) return '_id_';
    // Index changes are not transactional (as in MongoDB): they are committed at once. The undo log of
    // an open unit could otherwise restore documents that break the new index.
    if (this.unit?.docs.has(name)) {
      throw new WriteConflictError(`Cannot create an index on '${name}' while a unit of work has uncommitted writes to it`);
    }
    const state = existing ?? newCollectionState();
    let unique: UniqueIndex | undefined;
    if (spec.unique) {
      unique = { spec, fields, owners: new Map() };
      for (const doc of state.docs.values()) {
        for (const key of indexKeys(doc, fields)) {
          if (unique.owners.has(key)) throw duplicateKey(name, spec.name, key);
          unique.owners.set(key, doc._id);
        }
      }
    }
    this.stmt.putCollection.run(name, JSON.stringify([...state.indexes, spec]));
    state.indexes.push(spec);
    if (unique) state.unique.push(unique);
    if (!existing) this.collections.set(name, state);
    // The collection is committed now, so the open unit must not remove it on rollback.
    this.unit?.created.delete(name);
    return spec.name;
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private setCheckpointIn(unit: Unit | null, name: string, position: string): Promise<void> {
    try {
      this.run(unit, (scope) => {
        if (!unit) this.assertNoUnitCheckpoint(name);
        scope.checkpoints.push({ name, before: this.checkpoints.get(name) });
        this.checkpoints.set(name, { name, position, updatedAt: new Date().toISOString() });
      });
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private load(): void {
    for (const row of this.db.prepare('SELECT name, indexes FROM collections').iterate() as Iterable<{ name: string; indexes: string }>) {
      const state = newCollectionState();
      for (const spec of JSON.parse(row.indexes) as IndexSpec[]) {
        state.indexes.push(spec);
        if (spec.unique) state.unique.push({ spec, fields: Object.keys(spec.key), owners: new Map() });
      }
      this.collections.set(row.name, state);
    }
    const docs = this.db.prepare('SELECT collection, id, doc FROM documents').iterate() as Iterable<{ collection: string; id: string; doc: string }>;
    for (const row of docs) {
      let state = this.collections.get(row.collection);
      if (!state) {
        // Written by a version that had no `collections` table: the collection exists since it has documents.
        state = newCollectionState();
        this.collections.set(row.collection, state);
      }
      const doc = JSON.parse(row.doc) as Doc;
      state.docs.set(row.id, doc);
      for (const index of state.unique) for (const key of indexKeys(doc, index.fields)) index.owners.set(key, row.id);
    }
    const checkpoints = this.db.prepare('SELECT name, position, updated_at AS updatedAt FROM checkpoints').iterate() as Iterable<Checkpoint>;
    for (const checkpoint of checkpoints) this.checkpoints.set(checkpoint.name, { ...checkpoint });
  }

  private assertOpen(): void {
    if (this.closed) throw new ReadStoreUnavailableError('The embedded read store is closed');
  }

  private assertNoUnitCollection(name: string): void {
    if (this.unit && (this.unit.docs.has(name) || this.unit.created.has(name))) {
      throw new WriteConflictError(`Collection '${name}' has uncommitted writes from the open unit of work`);
    }
  }

  private assertNoUnitCheckpoint(name: string): void {
    if (this.unit?.checkpoints.has(name)) {
      throw new WriteConflictError(`Checkpoint '${name}' has an uncommitted change from the open unit of work`);
    }
  }

  /**
   * Runs one call's writes atomically: on failure everything it changed is undone in memory; on
   * success the changes join the unit's undo log, or (outside a unit) are written to SQLite at once.
   */
  private run<R>(unit: Unit | null, op: (scope: Scope) => R): R {
    this.assertOpen();
    if (unit && !unit.open) throw new Error('This unit of work has already finished');
    const scope: Scope = { changes: [], created: [], adopted: [], checkpoints: [] };
    try {
      const result = op(scope);
      if (unit) {
        this.mergeIntoUnit(unit, scope);
      } else if (scope.changes.length > 0 || scope.created.length > 0 || scope.checkpoints.length > 0) {
        this.persistScope(scope);
        // Committed now, so the open unit's rollback must keep these collections.
        for (const name of scope.adopted) this.unit?.created.delete(name);
      }
      return result;
    } catch (error) {
      this.revert(scope);
      throw error;
    }
  }

  /** Documents matching `filter`, as stored (callers copy before handing them out). */
  private match(state: CollectionState, filter: Filter | undefined, first: boolean): Doc[] {
    const keys = filter ? Object.keys(filter) : [];
    if (!filter || keys.length === 0) {
      if (!first) return [...state.docs.values()];
      const doc = state.docs.values().next().value;
      return doc ? [doc] : [];
    }
    // `_id` lookups: O(1) instead of a scan.
    let candidates: Iterable<Doc> = state.docs.values();
    const byId = idCandidates(state, filter._id);
    if (byId) {
      if (keys.length === 1) return first ? byId.slice(0, 1) : byId;
      candidates = byId;
    }
    const test = compileFilter(filter);
    const out: Doc[] = [];
    for (const doc of candidates) {
      if (!test(doc)) continue;
      out.push(doc);
      if (first) break;
    }
    return out;
  }

  private ensureCollection(unit: Unit | null, name: string, scope: Scope): CollectionState {
    let state = this.collections.get(name);
    if (!state) {
      state = newCollectionState();
      this.collections.set(name, state);
      scope.created.push(name);
    } else if (!unit && this.unit?.created.has(name)) {
      scope.adopted.push(name);
    }
    return state;
  }

  private insertNew(unit: Unit | null, scope: Scope, name: string, doc: Doc): void {
    const state = this.ensureCollection(unit, name, scope);
    if (state.docs.has(doc._id)) throw duplicateKey(name, '_id_', JSON.stringify({ _id: doc._id }));
    this.write(unit, scope, name, state, doc._id, doc);
  }

  /** Replaces (or with `next` undefined, deletes) one document, enforcing unique indexes. */
  private write(unit: Unit | null, scope: Scope, name: string, state: CollectionState, id: string, next: Doc | undefined): void {
    if (!unit && this.unit?.docs.get(name)?.has(id)) {
      throw new WriteConflictError(`Document '${id}' in '${name}' has uncommitted writes from the open unit of work`);
    }
    if (next) {
      for (const index of state.unique) {
        for (const key of indexKeys(next, index.fields)) {
          const owner = index.owners.get(key);
          if (owner !== undefined && owner !== id) throw duplicateKey(name, index.spec.name, key);
        }
      }
    }
    scope.changes.push({ collection: name, id, before: state.docs.get(id) });
    place(state, id, next);
  }

  private mergeIntoUnit(unit: Unit, scope: Scope): void {
    for (const change of scope.changes) {
      let docs = unit.docs.get(change.collection);
      if (!docs) unit.docs.set(change.collection, (docs = new Map()));
      if (!docs.has(change.id)) docs.set(change.id, change.before);
    }
    for (const name of scope.created) unit.created.add(name);
    for (const change of scope.checkpoints) {
      if (!unit.checkpoints.has(change.name)) unit.checkpoints.set(change.name, change.before);
    }
  }

  /** Undoes one call's changes, newest first. */
  private revert(scope: Scope): void {
    for (let i = scope.changes.length - 1; i >= 0; i--) {
      const change = scope.changes[i];
      const state = this.collections.get(change.collection);
      if (state) place(state, change.id, change.before);
    }
    for (const name of scope.created) {
      const state = this.collections.get(name);
      if (state && state.docs.size === 0 && state.indexes.length === 0) this.collections.delete(name);
    }
    for (let i = scope.checkpoints.length - 1; i >= 0; i--) restoreCheckpoint(this.checkpoints, scope.checkpoints[i]);
  }

  private persistScope(scope: Scope): void {
    this.persist(
      [...scope.created, ...scope.adopted],
      scope.changes.map((change) => [change.collection, change.id] as const),
      scope.checkpoints.map((change) => change.name),
    );
  }

  /** Writes the current in-memory version of everything listed, in one SQLite transaction. */
  private persist(created: Iterable<string>, docs: Iterable<readonly [string, string]>, checkpoints: Iterable<string>): void {
    this.db.transaction(() => {
      for (const name of created) {
        const state = this.collections.get(name);
        if (state) this.stmt.putCollection.run(name, JSON.stringify(state.indexes));
      }
      const batch: string[] = [];
      for (const [collection, id] of docs) {
        const doc = this.collections.get(collection)?.docs.get(id);
        if (!doc) {
          this.stmt.deleteDoc.run(collection, id);
          continue;
        }
        batch.push(collection, id, JSON.stringify(doc));
        if (batch.length === DOCS_PER_STATEMENT * 3) {
          this.stmt.putDocs.run(...batch);
          batch.length = 0;
        }
      }
      for (let i = 0; i < batch.length; i += 3) this.stmt.putDoc.run(batch[i], batch[i + 1], batch[i + 2]);
      for (const name of checkpoints) {
        const checkpoint = this.checkpoints.get(name);
        if (checkpoint) this.stmt.putCheckpoint.run(name, checkpoint.position, checkpoint.updatedAt);
        else this.stmt.deleteCheckpoint.run(name);
      }
    })();
  }

  private commitUnit(unit: Unit): void {
    if (unit.docs.size === 0 && unit.created.size === 0 && unit.checkpoints.size === 0) return;
    const docs: Array<readonly [string, string]> = [];
    for (const [collection, ids] of unit.docs) for (const id of ids.keys()) docs.push([collection, id]);
    this.persist(unit.created, docs, unit.checkpoints.keys());
  }

  private rollbackUnit(unit: Unit): void {
    for (const [collection, ids] of unit.docs) {
      const state = this.collections.get(collection);
      if (!state) continue;
      for (const [id, before] of ids) place(state, id, before);
    }
    for (const name of unit.created) this.collections.delete(name);
    for (const [name, before] of unit.checkpoints) restoreCheckpoint(this.checkpoints, { name, before });
  }
}

/** A collection handle: the store's own, or one bound to a unit of work. */
class EmbeddedCollection<T extends Doc> implements Collection<T> {
  constructor(
    private readonly store: EmbeddedReadStore,
    private readonly name: string,
    private readonly unit: Unit | null,
  ) {}

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    return this.store.find(this.name, filter, options) as unknown as T[];
  }

  async findOne(filter: Filter = {}, options: Omit<FindOptions, 'limit'> = {}): Promise<T | null> {
    const [doc] = this.store.find(this.name, filter, { ...options, limit: 1 });
    return (doc as unknown as T | undefined) ?? null;
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    return this.store.count(this.name, filter);
  }

  async insertOne(doc: T): Promise<void> {
    this.store.insertOne(this.unit, this.name, doc);
  }

  async replaceOne(filter: Filter, doc: T, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.store.replaceOne(this.unit, this.name, filter, doc, options);
  }

  async updateOne(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.store.update(this.unit, this.name, filter, update, options, false);
  }

  async updateMany(filter: Filter, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.store.update(this.unit, this.name, filter, update, options, true);
  }

  async deleteOne(filter: Filter): Promise<DeleteResult> {
    return this.store.delete(this.unit, this.name, filter, false);
  }

  async deleteMany(filter: Filter = {}): Promise<DeleteResult> {
    return this.store.delete(this.unit, this.name, filter, true);
  }

  async aggregate<R = Record<string, unknown>>(pipeline: PipelineStage[]): Promise<R[]> {
    return this.store.aggregate(this.name, pipeline) as R[];
  }

  async createIndex(keys: Record<string, 1 | -1>, options: IndexOptions = {}): Promise<string> {
    return this.store.createIndex(this.unit, this.name, keys, options);
  }
}

function newCollectionState(): CollectionState {
  return { docs: new Map(), indexes: [], unique: [] };
}

/** Puts `next` (or removes the document) and keeps the unique-index maps in step. No checks. */
function place(state: CollectionState, id: string, next: Doc | undefined): void {
  const previous = state.docs.get(id);
  for (const index of state.unique) {
    if (previous) {
      for (const key of indexKeys(previous, index.fields)) if (index.owners.get(key) === id) index.owners.delete(key);
    }
    if (next) for (const key of indexKeys(next, index.fields)) index.owners.set(key, id);
  }
  if (next) state.docs.set(id, next);
  else state.docs.delete(id);
}

function restoreCheckpoint(checkpoints: Map<string, Checkpoint>, change: { name: string; before: Checkpoint | undefined }): void {
  if (change.before) checkpoints.set(change.name, change.before);
  else checkpoints.delete(change.name);
}

function immutableId(current: unknown, next: unknown): Error {
  return new Error(
    `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(next)} (was ${JSON.stringify(current)})`,
  );
}

/** Documents selected by an `_id` condition that an index lookup can answer, else undefined. */
function idCandidates(state: CollectionState, condition: unknown): Doc[] | undefined {
  if (condition === undefined) return undefined;
  if (typeof condition === 'string') {
    const doc = state.docs.get(condition);
    return doc ? [doc] : [];
  }
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return undefined;
  const keys = Object.keys(condition);
  if (keys.length !== 1) return undefined;
  const operand = (condition as Record<string, unknown>)[keys[0]];
  if (keys[0] === '$eq' && typeof operand === 'string') {
    const doc = state.docs.get(operand);
    return doc ? [doc] : [];
  }
  if (keys[0] === '$in' && Array.isArray(operand) && operand.every((id) => typeof id === 'string')) {
    const out: Doc[] = [];
    for (const id of new Set(operand as string[])) {
      const doc = state.docs.get(id);
      if (doc) out.push(doc);
    }
    return out;
  }
  return undefined;
}

/**
 * A predicate for `filter`. Top-level equality on scalars (`{ mentorId: 'm1', active: true }`) is
 * tested directly, with MongoDB's rule that an array field matches when it contains the value; the
 * shapes of fast-query.ts are decided directly where they can be; anything else is compiled by mingo
 * (which costs tens of microseconds per filter and microseconds per document).
 */
function compileFilter(filter: Filter): (doc: Doc) => boolean {
  const entries = Object.entries(filter);
  const simple = entries.every(
    ([key, value]) =>
      !key.startsWith('$') &&
      !key.includes('.') &&
      (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value))),
  );
  if (simple) {
    return (doc) => {
      for (const [key, value] of entries) {
        const field = doc[key];
        if (field !== value && !(Array.isArray(field) && field.includes(value))) return false;
      }
      return true;
    };
  }
  // `$and`, `$or`, dotted paths, comparisons and `$regex` on scalars: decided here, mingo for the rest.
  const fast = compileFastFilter(filter);
  if (fast) {
    let query: Query<Doc> | undefined;
    return (doc) => fast(doc) ?? (query ??= new Query<Doc>(filter, {})).test(doc);
  }
  const query = new Query<Doc>(filter, {});
  return (doc) => query.test(doc);
}

const identity = (doc: Doc): Record<string, unknown> => doc;

/**
 * A direct implementation of the common projections (top-level fields, all included or all excluded,
 * `_id` either way), which mingo's cursor costs about 30 µs to apply even to one document; projections
 * call `findOne({ _id }, { projection })` per event. Dotted paths, operators and computed fields get
 * undefined here and go to mingo.
 */
function compileProjection(projection: Projection): ((doc: Doc) => Record<string, unknown>) | undefined {
  const fields = new Set<string>();
  let include: boolean | undefined;
  let keepId = true;
  for (const key of Object.keys(projection)) {
    const value = projection[key] as unknown;
    if (key.includes('.') || key.startsWith('$') || (value !== 0 && value !== 1 && value !== true && value !== false)) return undefined;
    const on = value === 1 || value === true;
    if (key === '_id') {
      keepId = on;
      continue;
    }
    if (include !== undefined && include !== on) return undefined; // mixed: mingo reports the error
    include = on;
    fields.add(key);
  }
  // `{ _id: 1 }` alone is an inclusion of nothing else; `{ _id: 0 }` alone an exclusion of `_id`.
  if (include === undefined) include = keepId && Object.keys(projection).length > 0;
  const inclusion = include;
  return (doc) => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(doc)) {
      if (key === '_id') {
        if (keepId) out._id = doc._id;
      } else if (fields.has(key) === inclusion) {
        out[key] = doc[key];
      }
    }
    return out;
  };
}

function isStage(stage: PipelineStage, name: string): boolean {
  const keys = Object.keys(stage);
  return keys.length === 1 && keys[0] === name;
}

/**
 * `$count` as MongoDB defines it (a `$group` plus a `$project`): unlike mingo's own `$count`, this
 * yields no document at all when nothing reaches the stage, which is what MongoDB returns.
 */
function expandCount(stage: PipelineStage): PipelineStage[] {
  if (!isStage(stage, '$count')) return [stage];
  const field = stage.$count;
  if (typeof field !== 'string' || field.length === 0 || field.startsWith('$') || field.includes('.')) {
    throw new Error('$count needs a non-empty field name that neither starts with $ nor contains a dot');
  }
  return [{ $group: { _id: null, [field]: { $sum: 1 } } }, { $project: { _id: 0 } }];
}

function parseUpdate(update: Update): ParsedUpdate {
  const names = Object.keys(update ?? {});
  if (names.length === 0) throw new Error('Update document requires atomic operators');
  const parsed: ParsedUpdate = {
    ops: [],
    setOnInsert: undefined,
    positional: false,
    normalise: false,
    fast: undefined,
    fastSetOnInsert: undefined,
  };
  const paths: string[] = [];
  for (const name of names) {
    const expr = update[name];
    if (name !== '$setOnInsert' && !OPERATORS[name]) {
      throw new Error(name.startsWith('$') ? `Unknown update operator: ${name}` : 'Update document requires atomic operators');
    }
    if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) {
      throw new Error(`Modifiers operate on fields but we found type ${Array.isArray(expr) ? 'array' : typeof expr} instead: ${name}`);
    }
    // Copied once here so that later changes to the caller's objects cannot reach the store. $pull keeps
    // its conditions as given (a RegExp would not survive a JSON copy) and stores nothing from them.
    const value = name === '$pull' ? (expr as Record<string, unknown>) : cloneJson(expr as Record<string, unknown>);
    for (const path of Object.keys(value)) {
      if (path.includes('$')) parsed.positional = true;
      paths.push(path);
    }
    if (name === '$setOnInsert') parsed.setOnInsert = value;
    else parsed.ops.push([name, value]);
    if (name === '$currentDate') parsed.normalise = true;
  }
  assertNoPathConflict(paths);
  if (!parsed.positional) {
    parsed.fast = compileFast(parsed.ops);
    const setOnInsert = parsed.setOnInsert;
    if (!setOnInsert) {
      parsed.fastSetOnInsert = [];
    } else if (!('_id' in setOnInsert)) {
      parsed.fastSetOnInsert = compileFast([['$set', setOnInsert]]);
    } else {
      const { _id: _ignored, ...rest } = setOnInsert;
      parsed.fastSetOnInsert = compileFast([['$set', rest]]);
    }
  }
  return parsed;
}

function assertNoPathConflict(paths: string[]): void {
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const a = paths[i];
      const b = paths[j];
      if (a === b || isPrefixPath(a, b) || isPrefixPath(b, a)) {
        throw new Error(`Updating the path '${b}' would create a conflict at '${a}'`);
      }
    }
  }
}

/** Whether `path` lies below `prefix` (`a` and `a.b`), without building `a.` strings in a hot loop. */
function isPrefixPath(prefix: string, path: string): boolean {
  return path.length > prefix.length && path.charCodeAt(prefix.length) === 46 && path.startsWith(prefix);
}

/** A modified copy of `doc`: the stored object is never changed in place (it may be in an undo log). */
function applyUpdate(doc: Doc, parsed: ParsedUpdate, filter: Filter): Doc {
  const next = cloneJson(doc) as Record<string, unknown>;
  if (parsed.fast) applyFast(next, parsed.fast);
  else mutate(next, parsed, parsed.ops, filter);
  if (next._id !== doc._id) throw immutableId(doc._id, next._id);
  return (parsed.normalise ? cloneJson(next) : next) as Doc;
}

function mutate(doc: Record<string, unknown>, parsed: ParsedUpdate, ops: ParsedUpdate['ops'], filter: Filter): void {
  if (ops.length === 0) return;
  if (parsed.positional) {
    // `a.$` needs the filter to find the array element: mingo's full updater resolves it.
    mingoUpdate(doc, Object.fromEntries(ops), undefined, filter, { cloneMode: 'deep' });
    return;
  }
  for (const [name, expr] of ops) OPERATORS[name](expr)(doc);
}

/** The document an upsert inserts: filter equalities, then `$setOnInsert`, then the update. */
function buildUpsert(filter: Filter, parsed: ParsedUpdate): Doc {
  const seed = seedFromFilter(filter);
  const { _id: insertId, ...setOnInsert } = parsed.setOnInsert ?? {};
  if (seed._id === undefined && insertId !== undefined) seed._id = insertId;
  if (seed._id === undefined) seed._id = newId();
  assertStringId(seed._id);
  const id = seed._id;
  if (parsed.fastSetOnInsert) applyFast(seed, parsed.fastSetOnInsert);
  else if (Object.keys(setOnInsert).length > 0) OPERATORS.$set(setOnInsert)(seed);
  if (parsed.fast) {
    applyFast(seed, parsed.fast);
    return withIdFirst(seed, id);
  }
  // Positional paths cannot apply to a new document (MongoDB refuses them too); mingo will say so.
  mutate(seed, parsed, parsed.ops, {});
  if (seed._id !== id) throw immutableId(id, seed._id);
  return withIdFirst(parsed.normalise ? cloneJson(seed) : seed, id);
}
