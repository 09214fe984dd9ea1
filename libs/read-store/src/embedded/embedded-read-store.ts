// Embedded read store: MongoDB's query, update and aggregation semantics (fast paths and mingo) over
// documents kept on disk in SQLite, one table per collection (`id`, `doc` JSON, and one column per indexed
// path, computed in JavaScript at each write), with SQLite indexes on those columns for the indexes the
// projections declare (files of the earlier layout, expression indexes on the JSON text, are converted at
// open). A commit rewrites only the key columns that changed, so an update that leaves the indexed values
// alone does not touch the SQLite indexes. SQLite is the source for reads: a query's filter is
// translated into a SQL condition that selects a superset of the matches (sql-query.ts), the rows are
// streamed and finished in JavaScript, and a sort that SQL orders as MongoDB does is streamed in SQL order
// and stops at skip + limit. A bounded LRU cache (doc-cache.ts) keeps the hot documents parsed. Memory
// therefore grows with the results and the cache, not with the number of documents.
import { existsSync, renameSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Aggregator, Query, update as mingoUpdate } from 'mingo';
import * as updateOperators from 'mingo/operators/update';
import {
  DuplicateKeyError,
  ReadStoreUnavailableError,
  WriteConflictError,
  assertDistinctSwitches,
  type Checkpoint,
  type CollectionSwitch,
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
  type Sort,
  type Update,
  type UpdateOptions,
  type UpdateResult,
} from '../read-store.port';
import { cloneJson, idFromFilter, indexName, newId, sameJson, seedFromFilter, withIdFirst } from './documents';
import { DocCache } from './doc-cache';
import { applyFast, applyFastCopy, compileFast, type FastOp } from './fast-update';
import { compileFastFilter, sortFast } from './fast-query';
import { arrayOnPath, columnName, fieldExpr, jsonPath, keyValue, sameKey, sortValueResolver, translateFilter, uniqueKeyOf, type ScalarPaths } from './sql-query';

/** SQLite's codes for a damaged file (not for a file locked by another process: that one is left alone). */
const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

/**
 * At open: the existing file is checked. A damaged one (read models are disposable: they are rebuilt from the event
 * log) is renamed `<file>.corrupt-<timestamp>` with its -wal and -shm, and one line says so; the store then opens a
 * new file and every subscriber starts from the first event. A file locked by another process is not checked here
 * (opening fails as before).
 *
 * `PRAGMA quick_check` reads every page: 3 s for a 4 GB file in the page cache, 24 s from disk (a 100,000-student
 * school), on every start. It runs when the previous process did not close the file: SQLite deletes the WAL when the
 * last connection closes cleanly, so a WAL with frames left beside the file means a crash, a kill or a power loss. After a clean
 * close only the header and the schema are read (a file that is not a database, or whose first pages are damaged,
 * is still set aside); damage deeper in a cleanly closed file shows as SQLITE_CORRUPT on the reads that meet it.
 */
function setAsideIfCorrupt(file: string, timeoutMs: number): void {
  if (!existsSync(file)) return;
  // Held by a store of this process: never check (let alone move) a live file; opening it fails as "already open".
  const { dev, ino } = statSync(file);
  if (openFiles.has(`${dev}:${ino}`)) return;
  let problem: string | null = null;
  let db: Database.Database | null = null;
  try {
    // An empty WAL (left by a read-only connection, or truncated) holds nothing to recover.
    const closedCleanly = !existsSync(`${file}-wal`) || statSync(`${file}-wal`).size === 0;
    db = new Database(file, { timeout: timeoutMs, fileMustExist: true });
    if (closedCleanly) {
      db.pragma('schema_version');
      db.prepare("SELECT count(*) FROM sqlite_master").get();
    } else {
      const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
      if (rows.length !== 1 || rows[0].quick_check !== 'ok') problem = rows.map((r) => r.quick_check).slice(0, 3).join('; ');
    }
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
  /**
   * Parsed documents kept in memory (LRU), counted in characters of their JSON text. Default 16 MiB
   * (`READ_STORE_CACHE_MB` in the configuration); 0 turns the cache off.
   */
  cacheBytes?: number;
  /** SQLite's page cache in KiB. Default 16384 (16 MiB). */
  pageCacheKiB?: number;
  /**
   * WAL pages after which a commit copies the WAL into the file (`wal_autocheckpoint`). Default 3000 (about 12 MiB of
   * WAL). The commit that crosses it pays for the copy and its fsync on the request thread: at 10000 that was a
   * 100–200 ms commit every ~0.65 s while `dashboards` was rebuilt at 100,000 students (CPU profile of the API),
   * and bench (l)'s p99 116 / 100 ms; at 3000, 89 / 74 ms with the rebuild as fast (8,708 against 8,293 events/s).
   * SQLite's own 1000 made nearly every commit of a catch-up's 1000 scattered updates a checkpoint. Durability is the
   * same whatever the figure (synchronous NORMAL in WAL mode).
   */
  walAutocheckpointPages?: number;
  /**
   * The rest between two slices of emptying the tables of dropped or replaced collections, when nobody waits for it
   * (see {@link EmbeddedReadStore.trashEmptied}). Default 16 ms.
   */
  trashRestMs?: number;
}

// A write outside a unit of work touching what the open unit changed fails with WriteConflictError (the port's).
export { WriteConflictError };

interface IndexSpec {
  name: string;
  key: Record<string, 1 | -1>;
  unique: boolean;
  /** The SQLite index's name (unique within the file; it moves with the table on a rename). */
  sqlName?: string;
  /** Indexed paths on which a document has held an array (MongoDB's multikey paths): SQL does not compare them. */
  multikey?: string[];
}

/** A column holding an indexed path's values, computed in JavaScript at every write (sql-query.ts). */
interface KeyColumn {
  /** The quoted column name ({@link columnName}). */
  name: string;
  path: string;
  /** `u_` column of a unique index (the value's JSON text), else the `k_` key column. */
  unique: boolean;
}

interface CollectionState {
  name: string;
  /** The quoted table name. */
  table: string;
  readonly indexes: IndexSpec[];
  /** The key columns of the indexes that have a SQLite index, in the table's order (derived from `indexes`). */
  columns: KeyColumn[];
  /** Prepared statements by SQL text (cleared when the table is renamed or dropped). */
  readonly statements: Map<string, Database.Statement>;
}

/** The open unit of work: its staged documents (null: deleted), collections and checkpoints. */
interface Unit {
  open: boolean;
  docs: Map<string, Map<string, Doc | null>>;
  /**
   * Documents this unit found missing in SQLite (by `_id`), so that the insert which usually follows does not ask
   * again. A write from outside the unit to one of them forgets the mark (it may have created the document).
   */
  absent: Map<string, Set<string>>;
  /**
   * The committed version of each staged document when the unit first staged it (null: none), where known (from the
   * cache or an absent mark). The commit then rewrites only the key columns that changed, and leaves the SQLite
   * indexes alone when none did. No write from outside can change these documents while they are staged.
   */
  bases: Map<string, Map<string, Doc | null>>;
  created: Set<string>;
  checkpoints: Map<string, Checkpoint | null>;
}

/** One call's writes: outside a unit, written in one SQLite transaction at its end; inside, staged with an undo log. */
interface Call {
  unit: Unit | null;
  undo: Array<() => void>;
  writes: Array<{ collection: string; id: string; next: Doc | undefined }>;
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
// without copying them first (the output is copied in any case).
const READ_ONLY_STAGES = new Set(['$match', '$sort', '$limit', '$skip', '$group', '$project', '$count', '$sortByCount']);

const MATCH_ALL = new Query<Doc>({}, {});

/** Prepared statements kept per collection; the cache is emptied beyond this (filters of many shapes). */
const MAX_STATEMENTS = 256;
const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;
const ROWS_PER_STATEMENT = 50;

// Files (device:inode) open in this process. SQLite's lock keeps other processes out; within one
// process two connections share the process's POSIX locks, and SQLite's own bookkeeping of them was
// seen to let a second store through now and then under Jest, so the same process checks here first.
const openFiles = new Set<string>();

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS checkpoints (
    name       TEXT PRIMARY KEY,
    position   TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  -- One row per existing collection (also an empty one), with its index definitions; its documents are in
  -- the table "c_<name>".
  CREATE TABLE IF NOT EXISTS collections (
    name    TEXT PRIMARY KEY,
    indexes TEXT NOT NULL
  );`;

/** Set-aside tables of dropped or replaced collections (see discardTable): never a collection's `c_` name. */
const TRASH_PREFIX = 'trash_';
/** How long one turn of emptying a set-aside table may take. */
const TRASH_SLICE_MS = 4;
/**
 * The rest between two such turns when nothing waits for the emptying: it then takes about a fifth of the event loop.
 * The tables a `dashboards` switch replaces at 100,000 students hold 480,000–775,000 rows, 15–22 s of emptying flat
 * out; a slice at every turn, with the WAL checkpoints its zeroed pages bring, came between requests for minutes
 * (bench (l) run beside such an emptying: p99 130 / 110 ms, against 116 / 100 ms without). A 50 ms rest measured
 * no better than this one.
 */
const TRASH_REST_MS = 16;

/** The quoted name of a collection's table. */
function tableName(collection: string): string {
  return `"c_${collection.replace(/"/g, '""')}"`;
}

/** Whether SQL can address every path of `spec` (else it gets no SQLite index and queries on it scan). */
function addressable(spec: IndexSpec): boolean {
  return Object.keys(spec.key).every((field) => field === '_id' || jsonPath(field) !== undefined);
}

/** The key columns of the indexes in `specs` that have (or get) a SQLite index, without repeats. */
function columnsOf(specs: IndexSpec[]): KeyColumn[] {
  const out: KeyColumn[] = [];
  for (const spec of specs) {
    if (!addressable(spec)) continue;
    for (const path of Object.keys(spec.key)) {
      if (path === '_id') continue;
      const name = columnName(path, spec.unique);
      if (!out.some((column) => column.name === name)) out.push({ name, path, unique: spec.unique });
    }
  }
  return out;
}

/** A key column's value for `doc`. */
function columnValue(doc: Doc, column: KeyColumn): unknown {
  return column.unique ? uniqueKeyOf(doc, column.path) : keyValue(doc, column.path);
}

/** One document to write at a commit: `base` is its committed version when known (null: known not to exist). */
interface PutRow {
  id: string;
  json: string;
  doc: Doc;
  base: Doc | null | undefined;
}

function duplicateKey(collection: string, index: string, key: string): DuplicateKeyError {
  return new DuplicateKeyError(`E11000 duplicate key error collection: ${collection} index: ${index} dup key: ${key}`);
}

function assertStringId(id: unknown): asserts id is string {
  if (typeof id !== 'string') throw new TypeError(`Read-store documents need a string _id, got ${typeof id}`);
}

function isConstraint(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * {@link ReadStore} on SQLite with MongoDB semantics (fast paths and mingo).
 *
 * Documents live in SQLite; memory holds a bounded cache of parsed documents, the collections' index
 * definitions and the checkpoints. Writes outside {@link transaction} are committed at once, each call
 * in one SQLite transaction. Inside a unit of work, writes are staged in memory for that unit: its own
 * reads see them, reads from outside see the committed state; they are written to SQLite in one
 * transaction when `work` resolves, or dropped when it throws. A write from outside the unit that
 * touches what the unit changed fails with {@link WriteConflictError}. One process per file: the file is
 * locked. Never call `transaction()` from inside `work` (units run one at a time, so it would wait forever).
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
  private readonly cache: DocCache;
  private unit: Unit | null = null;
  // Promise-chain mutex: each unit of work starts when the previous one has settled.
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private fileKey: string | undefined;
  /**
   * Tables of collections dropped or replaced (a rebuild's switch), renamed aside in the switch's transaction and
   * emptied afterwards in slices of a few ms. A DROP TABLE inside the switch zeroed every page of the old collection
   * at once (secure_delete): 0.3 s for the dashboards of 10,000 students, and ten times the pages at 100,000 (the likely
   * cause of a 2.5 s request during a switch there).
   */
  private readonly trash: string[] = [];
  private trashDrain: Promise<void> | null = null;
  /** Callers of {@link trashEmptied} waiting: the drain then takes no rest. */
  private trashHurry = 0;
  private readonly trashRestMs: number;
  /** Ends the drain's current rest at once (someone waits, or the store closes). */
  private endTrashRest: (() => void) | null = null;

  private readonly stmt: {
    putCheckpoint: Database.Statement<[string, string, string]>;
    deleteCheckpoint: Database.Statement<[string]>;
    putCollection: Database.Statement<[string, string]>;
    deleteCollection: Database.Statement<[string]>;
    renameCollection: Database.Statement<[string, string]>;
  };

  constructor(options: EmbeddedReadStoreOptions) {
    if (options.file !== ':memory:') setAsideIfCorrupt(options.file, options.busyTimeoutMs ?? 5000);
    this.db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
    this.cache = new DocCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES);
    this.trashRestMs = options.trashRestMs ?? TRASH_REST_MS;
    try {
      if (options.file !== ':memory:') {
        const { dev, ino } = statSync(options.file);
        const key = `${dev}:${ino}`;
        if (openFiles.has(key)) throw new Error(`The read store file ${options.file} is already open in this process (locked)`);
        openFiles.add(key);
        this.fileKey = key;
        // Hold the file's lock for as long as the store is open: a second process writing the same file
        // would break the cache and the units of work. Set before WAL is entered: then SQLite keeps the WAL
        // index in heap memory and holds an exclusive lock on the file itself (set afterwards, only the WAL
        // locks are kept, and a second opener sometimes got through).
        this.db.pragma('locking_mode = EXCLUSIVE');
        this.db.pragma('journal_mode = WAL');
      }
      this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
      this.db.pragma(`cache_size = ${-(options.pageCacheKiB ?? 16384)}`);
      this.db.pragma(`wal_autocheckpoint = ${options.walAutocheckpointPages ?? 3000}`);
      // Erasure (issue 11): a page freed or overwritten is zeroed, so an erased person's old documents linger in no free page.
      this.db.pragma('secure_delete = ON');
      this.db.exec(SCHEMA);
      // Takes the exclusive lock now, so that a second opener fails at open, not at its first write.
      if (options.file !== ':memory:') this.db.exec('BEGIN EXCLUSIVE; COMMIT');
      this.stmt = {
        putCheckpoint: this.db.prepare(
          'INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
        ),
        deleteCheckpoint: this.db.prepare('DELETE FROM checkpoints WHERE name = ?'),
        putCollection: this.db.prepare(
          'INSERT INTO collections (name, indexes) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET indexes = excluded.indexes',
        ),
        deleteCollection: this.db.prepare('DELETE FROM collections WHERE name = ?'),
        renameCollection: this.db.prepare('UPDATE collections SET name = ? WHERE name = ?'),
      };
      this.load();
      this.trash.push(...this.trashTables());
      this.drainTrash();
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
      const unit: Unit = { open: true, docs: new Map(), absent: new Map(), bases: new Map(), created: new Set(), checkpoints: new Map() };
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
      } finally {
        // On failure the staged writes are simply dropped: nothing reached SQLite or the cache.
        unit.open = false;
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
    this.assertOpen();
    this.assertNoUnitCheckpoint(name);
    if (!this.checkpoints.has(name)) return;
    this.stmt.deleteCheckpoint.run(name);
    this.checkpoints.delete(name);
  }

  async dropCollection(name: string): Promise<void> {
    this.assertOpen();
    this.assertNoUnitCollection(name);
    const state = this.collections.get(name);
    if (!state) return;
    this.db.transaction(() => {
      this.discardTable(name);
      this.stmt.deleteCollection.run(name);
    })();
    this.collections.delete(name);
    state.statements.clear();
    this.cache.forgetCollection(name);
    this.drainTrash();
  }

  async renameCollection(from: string, to: string): Promise<void> {
    this.assertOpen();
    if (from === to) throw new Error(`Cannot rename collection '${from}' to itself`);
    this.assertNoUnitCollection(from);
    this.assertNoUnitCollection(to);
    this.unit?.absent.delete(to);
    const state = this.collections.get(from);
    if (!state) throw new Error(`Cannot rename '${from}': source collection does not exist`);
    const target = this.collections.get(to);
    // One SQLite transaction: readers see the old collection or the new one, never neither.
    this.db.transaction(() => {
      this.discardTable(to);
      this.stmt.deleteCollection.run(to);
      this.db.exec(`ALTER TABLE ${state.table} RENAME TO ${tableName(to)}`);
      this.stmt.renameCollection.run(to, from);
    })();
    this.drainTrash();
    target?.statements.clear();
    state.statements.clear();
    this.collections.delete(from);
    state.name = to;
    state.table = tableName(to);
    this.collections.set(to, state);
    this.cache.forgetCollection(from);
    this.cache.forgetCollection(to);
  }

  /**
   * One SQLite transaction for every collection and the checkpoint, run between units of work (queued like
   * one), so that neither a unit nor a single read sees a mix of old and new.
   */
  replaceCollections(pairs: ReadonlyArray<CollectionSwitch>, checkpoint?: CollectionSwitch): Promise<void> {
    const run = async (): Promise<void> => {
      this.assertOpen();
      assertDistinctSwitches(pairs);
      if (checkpoint && checkpoint.from === checkpoint.to) throw new Error(`Cannot move checkpoint '${checkpoint.to}' onto itself`);
      const moved = checkpoint ? this.checkpoints.get(checkpoint.from) : undefined;
      const now = new Date().toISOString();
      this.db.transaction(() => {
        for (const { from, to } of pairs) {
          const state = this.collections.get(from);
          this.discardTable(to);
          this.stmt.deleteCollection.run(to);
          if (state) {
            this.db.exec(`ALTER TABLE ${state.table} RENAME TO ${tableName(to)}`);
            this.stmt.renameCollection.run(to, from);
          }
        }
        if (checkpoint) {
          if (moved) this.stmt.putCheckpoint.run(checkpoint.to, moved.position, now);
          else this.stmt.deleteCheckpoint.run(checkpoint.to);
          this.stmt.deleteCheckpoint.run(checkpoint.from);
        }
      })();
      this.drainTrash();
      // Committed: now the in-memory state (definitions, statements, cached documents, checkpoints).
      const states = pairs.map(({ from, to }) => {
        this.collections.get(to)?.statements.clear();
        this.collections.delete(to);
        const state = this.collections.get(from);
        this.collections.delete(from);
        this.cache.forgetCollection(from);
        this.cache.forgetCollection(to);
        return { state, to };
      });
      for (const { state, to } of states) {
        if (!state) continue;
        state.statements.clear();
        state.name = to;
        state.table = tableName(to);
        this.collections.set(to, state);
      }
      if (checkpoint) {
        if (moved) this.checkpoints.set(checkpoint.to, { name: checkpoint.to, position: moved.position, updatedAt: now });
        else this.checkpoints.delete(checkpoint.to);
        this.checkpoints.delete(checkpoint.from);
      }
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
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
    // The tables of replaced collections may still hold the person's old documents: emptied (zeroed) first.
    await this.trashEmptied();
    await this.tail;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Resolves once every dropped or replaced collection's old table is gone (tests, erasure, a drain). */
  async trashEmptied(): Promise<void> {
    // Someone waits (an erasure's purge, a test): no rest between slices until it is done.
    this.trashHurry++;
    this.endTrashRest?.();
    try {
      while (this.trash.length > 0 && !this.closed) {
        this.drainTrash();
        await this.trashDrain;
      }
    } finally {
      this.trashHurry--;
    }
  }

  /** Old tables left to empty (health, benches): how many, whatever their size. */
  get trashTablesLeft(): number {
    return this.trash.length;
  }

  /**
   * Inside the caller's SQLite transaction: the collection's table, if any, is renamed aside (a change of the schema
   * only, whatever its size); its indexes go with it (their names are not derived from the collection's).
   */
  private discardTable(collection: string): void {
    const table = `c_${collection}`;
    if (!this.tableExists(table)) return;
    const aside = `${TRASH_PREFIX}${newId().replace(/-/g, '')}`;
    this.db.exec(`ALTER TABLE ${tableName(collection)} RENAME TO "${aside}"`);
    this.trash.push(aside);
  }

  private tableExists(table: string): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  }

  /** Tables set aside by an earlier process that stopped before emptying them. */
  private trashTables(): string[] {
    const rows = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?").all(TRASH_PREFIX.length, TRASH_PREFIX) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  }

  /**
   * Empties the set-aside tables in the background, one short SQLite transaction at a time, with a rest between two
   * (TRASH_REST_MS) unless {@link trashEmptied} is waited for.
   */
  private drainTrash(): void {
    if (this.trashDrain || this.trash.length === 0 || this.closed) return;
    this.trashDrain = (async () => {
      let rest = this.trashRestMs;
      while (this.trash.length > 0 && !this.closed) {
        await new Promise<void>((resolve) => {
          if (this.trashHurry > 0) {
            setImmediate(resolve);
            return;
          }
          const timer = setTimeout(() => {
            this.endTrashRest = null;
            resolve();
          }, rest);
          this.endTrashRest = () => {
            clearTimeout(timer);
            this.endTrashRest = null;
            resolve();
          };
        });
        if (this.closed) return;
        const started = performance.now();
        this.emptyTrashSlice();
        // The rest grows with the turn (the slice and its checkpoint), so that the emptying keeps the same share of
        // the event loop however long the checkpoint took.
        rest = this.trashRestMs * Math.max(1, (performance.now() - started) / TRASH_SLICE_MS);
      }
    })().finally(() => (this.trashDrain = null));
  }

  /**
   * Deletes rows of the first set-aside table for about TRASH_SLICE_MS (secure_delete zeroes them), then drops it
   * once empty. Set-aside tables are the store's own: no unit of work reads or writes them. A table gone (a
   * rolled-back switch named one that was never made) is skipped. A failure leaves the table for the next turn
   * or the next start.
   */
  private emptyTrashSlice(): void {
    const table = this.trash[0];
    try {
      if (!this.tableExists(table)) {
        this.trash.shift();
        return;
      }
      const deleteSome = this.db.prepare(`DELETE FROM "${table}" WHERE rowid IN (SELECT rowid FROM "${table}" LIMIT 100)`);
      const deadline = performance.now() + TRASH_SLICE_MS;
      const dropped = this.db.transaction(() => {
        let deleted: number;
        do deleted = deleteSome.run().changes;
        while (deleted > 0 && performance.now() < deadline);
        if (deleted === 0) this.db.exec(`DROP TABLE "${table}"`);
        return deleted === 0;
      })();
      if (dropped) this.trash.shift();
      // The zeroed pages are copied into the file now, a slice's worth at a time, beside the slice that wrote them:
      // left to `wal_autocheckpoint`, they came due in a request's commit, 3000 pages at once (~50–150 ms).
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      // Busy or failing disk: tried again at the next start (the table keeps its name); the store goes on.
      this.trash.shift();
      process.emitWarning(`read store: the old table ${table} could not be emptied now (${error instanceof Error ? error.message : String(error)}); it is emptied at the next start`);
    }
  }

  /** What the store holds in memory (for benches and health): cached documents and their JSON size. */
  memoryStats(): { cachedDocuments: number; cachedBytes: number; collections: number } {
    return { cachedDocuments: this.cache.size, cachedBytes: this.cache.usedBytes, collections: this.collections.size };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.tail;
    this.closed = true;
    this.endTrashRest?.();
    this.db.close();
    if (this.fileKey) openFiles.delete(this.fileKey);
  }

  // ---- operations used by EmbeddedCollection -------------------------------------------------------

  /** @internal */
  find(unit: Unit | null, name: string, filter: Filter, options: FindOptions): Record<string, unknown>[] {
    this.assertOpen();
    const { sort, skip, limit, projection } = options;
    const project = projection ? compileProjection(projection) : identity;
    // As in MongoDB, limit 0 means no limit and a negative limit is its absolute value.
    const take = limit ? Math.abs(limit) : 0;
    const plainSkip = skip === undefined || (Number.isInteger(skip) && skip >= 0);
    if (sort && project && plainSkip && Object.keys(sort).length > 0 && !unit?.docs.get(name)?.size && idList(filter?._id) === undefined) {
      const state = this.collections.get(name);
      if (!state) return [];
      // Streamed in SQL order, stopped at skip + limit matches: memory is the page, not the collection.
      const ordered = this.sortedBySql(state, filter, sort, take ? (skip ?? 0) + take : 0);
      if (ordered) return ordered.slice(skip ?? 0).map((doc) => cloneJson(project(doc)));
    }
    if (!sort && !skip && projection && !unit?.docs.get(name)?.size && idList(filter?._id) === undefined) {
      const fields = this.selectedBySql(name, filter, projection, take);
      if (fields) return fields;
    }
    // Without sort or skip, the first match is the answer to a limit of 1 (findOne): stop scanning there.
    const matched = this.match(unit, name, filter, !sort && !skip && take === 1);
    if (!sort && !skip && project) {
      return (take ? matched.slice(0, take) : matched).map((doc) => cloneJson(project(doc)));
    }
    // Sorts on top-level strings or numbers: ordered here, only the first skip + limit kept.
    const sorted = sort && project && plainSkip ? sortFast(matched, sort, take ? (skip ?? 0) + take : 0) : undefined;
    if (sorted && project) {
      const page = sorted.slice(skip ?? 0, take ? (skip ?? 0) + take : undefined);
      return page.map((doc) => cloneJson(project(doc)));
    }
    let cursor = MATCH_ALL.find<Doc>(matched, project ? undefined : projection);
    if (sort) cursor = cursor.sort(sort);
    if (skip) cursor = cursor.skip(skip);
    if (take) cursor = cursor.limit(take);
    return cursor.all().map((doc) => cloneJson(project ? project(doc) : doc));
  }

  /** @internal */
  count(unit: Unit | null, name: string, filter: Filter): number {
    this.assertOpen();
    const state = this.collections.get(name);
    if (!unit?.docs.get(name)?.size && idList(filter?._id) === undefined) {
      if (!state) return 0;
      const where = translateFilter(filter, this.scalarPaths(state));
      if (where.exact) return (this.statement(state, `SELECT count(*) AS n FROM ${state.table} WHERE ${where.sql}`).get(...where.params) as { n: number }).n;
    }
    return this.match(unit, name, filter, false).length;
  }

  /** @internal */
  insertOne(unit: Unit | null, name: string, doc: Doc): void {
    const stored = withIdFirst(cloneJson(doc), doc._id);
    assertStringId(stored._id);
    this.run(unit, (call) => {
      if (this.view(unit, name, stored._id)) throw duplicateKey(name, '_id_', JSON.stringify({ _id: stored._id }));
      this.write(call, name, stored._id, stored);
    });
  }

  /** @internal */
  replaceOne(unit: Unit | null, name: string, filter: Filter, replacement: Doc, options: UpdateOptions): UpdateResult {
    for (const key of Object.keys(replacement)) {
      if (key.startsWith('$')) throw new Error('Replacement document must not contain atomic operators');
    }
    const copy = cloneJson(replacement) as Record<string, unknown>;
    return this.run(unit, (call) => {
      const target = this.match(unit, name, filter, true)[0];
      if (target) {
        if (copy._id !== undefined && copy._id !== target._id) throw immutableId(target._id, copy._id);
        const next = withIdFirst(copy, target._id);
        if (sameJson(target, next)) return { matchedCount: 1, modifiedCount: 0, upsertedId: null };
        this.write(call, name, target._id, next);
        return { matchedCount: 1, modifiedCount: 1, upsertedId: null };
      }
      if (!options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedId: null };
      // A replacement-style upsert takes only `_id` from the filter (MongoDB does the same).
      const filterId = idFromFilter(filter);
      if (copy._id !== undefined && filterId !== undefined && copy._id !== filterId) throw immutableId(filterId, copy._id);
      const id = copy._id ?? filterId ?? newId();
      assertStringId(id);
      this.insertNew(call, name, withIdFirst(copy, id));
      return { matchedCount: 0, modifiedCount: 0, upsertedId: id };
    });
  }

  /** @internal */
  update(unit: Unit | null, name: string, filter: Filter, update: Update, options: UpdateOptions, many: boolean): UpdateResult {
    const parsed = parseUpdate(update);
    return this.run(unit, (call) => {
      const targets = this.match(unit, name, filter, !many);
      if (targets.length > 0) {
        let modifiedCount = 0;
        for (const target of targets) {
          const next = applyUpdate(target, parsed, filter);
          if (sameJson(target, next)) continue;
          this.write(call, name, target._id, next);
          modifiedCount++;
        }
        return { matchedCount: targets.length, modifiedCount, upsertedId: null };
      }
      if (!options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedId: null };
      const doc = buildUpsert(filter, parsed);
      this.insertNew(call, name, doc);
      return { matchedCount: 0, modifiedCount: 0, upsertedId: doc._id };
    });
  }

  /** @internal */
  delete(unit: Unit | null, name: string, filter: Filter, many: boolean): DeleteResult {
    return this.run(unit, (call) => {
      const targets = this.match(unit, name, filter, !many);
      for (const target of targets) this.write(call, name, target._id, undefined);
      return { deletedCount: targets.length };
    });
  }

  /** @internal */
  aggregate(unit: Unit | null, name: string, pipeline: PipelineStage[]): Record<string, unknown>[] {
    this.assertOpen();
    // Leading $match stages use the same SQL and fast paths as find().
    const leadingMatch = pipeline.length > 0 && isStage(pipeline[0], '$match');
    const docs = this.match(unit, name, leadingMatch ? (pipeline[0].$match as Filter) : {}, false);
    const rest = pipeline.slice(leadingMatch ? 1 : 0).flatMap(expandCount);
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
    // Index changes are not transactional (as in MongoDB): they are committed at once, and the open unit's
    // staged documents would not have been checked against the new index.
    if (this.unit?.docs.has(name)) {
      throw new WriteConflictError(`Cannot create an index on '${name}' while a unit of work has uncommitted writes to it`);
    }
    let created: CollectionState | undefined;
    let columns: KeyColumn[] = [];
    try {
      this.db.transaction(() => {
        const state = existing ?? (created = this.createTable(name));
        columns = this.createSqlIndexes(state, [spec]);
        this.stmt.putCollection.run(name, JSON.stringify([...state.indexes, spec]));
      })();
    } catch (error) {
      if (created) this.collections.delete(name);
      if (isConstraint(error)) throw duplicateKey(name, spec.name, String((error as Error).message));
      throw error;
    }
    const state = this.collections.get(name)!;
    state.indexes.push(spec);
    state.columns = columns;
    return spec.name;
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private setCheckpointIn(unit: Unit | null, name: string, position: string): Promise<void> {
    try {
      this.assertOpen();
      if (unit && !unit.open) throw new Error('This unit of work has already finished');
      const checkpoint = { name, position, updatedAt: new Date().toISOString() };
      if (unit) {
        unit.checkpoints.set(name, checkpoint);
      } else {
        this.assertNoUnitCheckpoint(name);
        this.stmt.putCheckpoint.run(name, position, checkpoint.updatedAt);
        this.checkpoints.set(name, checkpoint);
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private load(): void {
    this.migrateSingleTable();
    for (const row of this.db.prepare('SELECT name, indexes FROM collections').all() as Array<{ name: string; indexes: string }>) {
      const indexes = JSON.parse(row.indexes) as IndexSpec[];
      const state: CollectionState = { name: row.name, table: tableName(row.name), indexes, columns: [], statements: new Map() };
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${state.table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
      this.collections.set(row.name, state);
      const current = indexes.filter((spec) => !addressable(spec) || this.onColumns(spec));
      state.columns = columnsOf(current);
      // Definitions written before the key columns (SQLite expression indexes on the JSON text), or before indexes
      // were SQLite indexes at all: the old index is dropped, the columns added and filled, the index built on them.
      const stale = indexes.filter((spec) => !current.includes(spec));
      if (stale.length > 0) {
        this.db.transaction(() => {
          for (const spec of stale) if (spec.sqlName) this.db.exec(`DROP INDEX IF EXISTS "${spec.sqlName}"`);
          state.columns = this.createSqlIndexes(state, stale);
          this.stmt.putCollection.run(state.name, JSON.stringify(state.indexes));
        })();
      }
    }
    const checkpoints = this.db.prepare('SELECT name, position, updated_at AS updatedAt FROM checkpoints').iterate() as Iterable<Checkpoint>;
    for (const checkpoint of checkpoints) this.checkpoints.set(checkpoint.name, { ...checkpoint });
  }

  /** Files written before one table per collection kept every document in `documents`: moved once, in order. */
  private migrateSingleTable(): void {
    const legacy = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'documents'").get();
    if (!legacy) return;
    this.db.transaction(() => {
      const names = this.db.prepare('SELECT DISTINCT collection AS name FROM documents').all() as Array<{ name: string }>;
      for (const { name } of names) {
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${tableName(name)} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
        this.db.prepare(`INSERT INTO ${tableName(name)} (id, doc) SELECT id, doc FROM documents WHERE collection = ? ORDER BY rowid`).run(name);
        this.db.prepare("INSERT INTO collections (name, indexes) VALUES (?, '[]') ON CONFLICT (name) DO NOTHING").run(name);
      }
      this.db.exec('DROP TABLE documents');
    })();
  }

  /** Creates a collection's table and definition row (inside the caller's SQLite transaction). */
  private createTable(name: string): CollectionState {
    const state: CollectionState = { name, table: tableName(name), indexes: [], columns: [], statements: new Map() };
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${state.table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    this.stmt.putCollection.run(name, '[]');
    this.collections.set(name, state);
    return state;
  }

  /** Whether `spec`'s SQLite index exists and is on key columns (not an expression index of an earlier version). */
  private onColumns(spec: IndexSpec): boolean {
    if (spec.sqlName === undefined) return false;
    const row = this.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").get(spec.sqlName) as { sql: string | null } | undefined;
    return typeof row?.sql === 'string' && !/json_extract\(doc|coalesce\(doc|\(doc ->/.test(row.sql);
  }

  /**
   * The SQLite indexes of `specs`, inside the caller's SQLite transaction: the key columns they need are added to
   * the table and filled from the documents (one pass, which also finds the paths already holding arrays: MongoDB's
   * multikey flag), then each index is created on its columns. Returns the table's key columns afterwards (the
   * caller keeps them once the transaction has committed). A path SQL cannot address gets no index: the definition
   * is kept, and queries on it scan.
   */
  private createSqlIndexes(state: CollectionState, specs: IndexSpec[]): KeyColumn[] {
    for (const spec of specs) {
      if (spec.unique && !addressable(spec)) throw new Error(`Unsupported path in the unique index '${spec.name}'`);
    }
    const indexed = specs.filter(addressable);
    const columns = [...state.columns];
    const fill = columnsOf(indexed).filter((column) => !columns.some((c) => c.name === column.name));
    columns.push(...fill);
    const present = new Set(
      (this.db.prepare('SELECT name FROM pragma_table_info(?)').all(`c_${state.name}`) as Array<{ name: string }>).map((row) => `"${row.name}"`),
    );
    for (const column of fill) if (!present.has(column.name)) this.db.exec(`ALTER TABLE ${state.table} ADD COLUMN ${column.name}`);
    const paths = [...new Set(specs.flatMap((spec) => Object.keys(spec.key)))].filter((path) => path !== '_id' && jsonPath(path) !== undefined);
    const arrays = new Set<string>();
    if (paths.length > 0) {
      // In slices by rowid: better-sqlite3 runs no other statement while one iterates.
      const read = this.db.prepare(`SELECT rowid AS r, doc FROM ${state.table} WHERE rowid > ? ORDER BY rowid LIMIT 1000`);
      const write = fill.length > 0 ? this.db.prepare(`UPDATE ${state.table} SET ${fill.map((c) => `${c.name} = ?`).join(', ')} WHERE rowid = ?`) : undefined;
      for (let last = Number.MIN_SAFE_INTEGER; ; ) {
        const rows = read.all(last) as Array<{ r: number; doc: string }>;
        if (rows.length === 0) break;
        for (const row of rows) {
          const doc = JSON.parse(row.doc) as Doc;
          for (const path of paths) if (!arrays.has(path) && arrayOnPath(doc, path)) arrays.add(path);
          write?.run(...fill.map((column) => columnValue(doc, column)), row.r);
        }
        last = rows[rows.length - 1].r;
      }
    }
    for (const spec of specs) {
      const fields = Object.keys(spec.key);
      spec.multikey = fields.filter((field) => field !== '_id' && (jsonPath(field) === undefined || arrays.has(field)));
      if (!addressable(spec)) continue;
      spec.sqlName = `i_${newId().replace(/-/g, '')}`;
      const keys = fields.map((field) => `${field === '_id' ? 'id' : columnName(field, spec.unique)}${!spec.unique && spec.key[field] === -1 ? ' DESC' : ''}`);
      this.db.exec(`CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX "${spec.sqlName}" ON ${state.table} (${keys.join(', ')})`);
    }
    return columns;
  }

  private statement(state: CollectionState, sql: string): Database.Statement {
    let statement = state.statements.get(sql);
    if (!statement) {
      if (state.statements.size >= MAX_STATEMENTS) state.statements.clear();
      statement = this.db.prepare(sql);
      state.statements.set(sql, statement);
    }
    return statement;
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
   * Runs one call's writes atomically: outside a unit they are written in one SQLite transaction at the end
   * (a constraint failure writes nothing); inside a unit they are staged, and undone when the call fails.
   */
  private run<R>(unit: Unit | null, op: (call: Call) => R): R {
    this.assertOpen();
    if (unit && !unit.open) throw new Error('This unit of work has already finished');
    const call: Call = { unit, undo: [], writes: [] };
    try {
      const result = op(call);
      if (!unit && call.writes.length > 0) this.flush(call);
      return result;
    } catch (error) {
      for (let i = call.undo.length - 1; i >= 0; i--) call.undo[i]();
      if (unit) for (const [name, staged] of unit.docs) if (staged.size === 0) unit.docs.delete(name);
      throw error;
    }
  }

  /** Writes one call's changes (outside a unit) in one SQLite transaction, then the cache. */
  private flush(call: Call): void {
    const absent = this.unit?.absent;
    if (absent) for (const { collection, id } of call.writes) absent.get(collection)?.delete(id);
    const created: string[] = [];
    const cached: Array<[string, string, Doc | undefined, number]> = [];
    try {
      this.db.transaction(() => {
        for (const { collection, id, next } of call.writes) {
          let state = this.collections.get(collection);
          if (!state) {
            state = this.createTable(collection);
            created.push(collection);
          }
          if (next) {
            const json = JSON.stringify(next);
            // One call may write a document twice: no base, every column is written.
            this.putRows(state, [{ id, json, doc: next, base: undefined }]);
            cached.push([collection, id, next, json.length]);
          } else {
            this.statement(state, `DELETE FROM ${state.table} WHERE id = ?`).run(id);
            cached.push([collection, id, undefined, 0]);
          }
        }
      })();
    } catch (error) {
      for (const name of created) this.collections.delete(name);
      if (isConstraint(error)) throw duplicateKey(call.writes[0].collection, 'unique', (error as Error).message);
      throw error;
    }
    for (const [collection, id, doc, size] of cached) {
      if (doc) this.cache.set(collection, id, doc, size);
      else this.cache.delete(collection, id);
    }
  }

  private commitUnit(unit: Unit): void {
    if (unit.docs.size === 0 && unit.created.size === 0 && unit.checkpoints.size === 0) return;
    const created: string[] = [];
    const cached: Array<[string, string, Doc | null, number]> = [];
    const ensure = (name: string): CollectionState => {
      let state = this.collections.get(name);
      if (!state) {
        state = this.createTable(name);
        created.push(name);
      }
      return state;
    };
    try {
      this.db.transaction(() => {
        for (const name of unit.created) ensure(name);
        for (const [name, staged] of unit.docs) {
          const state = ensure(name);
          const remove = this.statement(state, `DELETE FROM ${state.table} WHERE id = ?`);
          // A unique value may move from one staged document to another: with unique indexes, the old rows go
          // first (the unit's writes were checked against each other, so the new rows never collide).
          const unique = state.indexes.some((spec) => spec.unique);
          const bases = unique ? undefined : unit.bases.get(name);
          const puts: PutRow[] = [];
          for (const [id, doc] of staged) {
            if (doc) {
              const json = JSON.stringify(doc);
              puts.push({ id, json, doc, base: bases?.get(id) });
              cached.push([name, id, doc, json.length]);
            } else {
              remove.run(id);
              cached.push([name, id, null, 0]);
            }
          }
          if (unique) for (const put of puts) remove.run(put.id);
          this.putRows(state, puts);
        }
        for (const [name, checkpoint] of unit.checkpoints) {
          if (checkpoint) this.stmt.putCheckpoint.run(name, checkpoint.position, checkpoint.updatedAt);
          else this.stmt.deleteCheckpoint.run(name);
        }
      })();
    } catch (error) {
      for (const name of created) this.collections.delete(name);
      if (isConstraint(error)) throw new DuplicateKeyError(`E11000 duplicate key error at commit: ${(error as Error).message}`);
      throw error;
    }
    for (const [name, id, doc, size] of cached) {
      if (doc) this.cache.set(name, id, doc, size);
      else this.cache.delete(name, id);
    }
    for (const [name, checkpoint] of unit.checkpoints) {
      if (checkpoint) this.checkpoints.set(name, checkpoint);
      else this.checkpoints.delete(name);
    }
  }

  /**
   * Writes documents with their key columns. One whose committed version is known is an UPDATE of its JSON text and
   * of the key columns that changed only: when none changed, SQLite leaves every index of the table alone (an
   * expression index on the JSON, as before, was rewritten at every update, both documents parsed for it). The
   * others are upserts of every column, many rows per statement (about 1.5× cheaper per row than one each).
   */
  private putRows(state: CollectionState, rows: PutRow[]): void {
    const columns = state.columns;
    const width = 2 + columns.length;
    const upserts: unknown[] = [];
    for (const row of rows) {
      const values = columns.map((column) => columnValue(row.doc, column));
      if (row.base) {
        let set = '';
        const params: unknown[] = [row.json];
        for (let i = 0; i < columns.length; i++) {
          if (sameKey(columnValue(row.base, columns[i]), values[i])) continue;
          set += `, ${columns[i].name} = ?`;
          params.push(values[i]);
        }
        params.push(row.id);
        if (this.statement(state, `UPDATE ${state.table} SET doc = ?${set} WHERE id = ?`).run(...params).changes > 0) continue;
      }
      upserts.push(row.id, row.json, ...values);
    }
    if (upserts.length === 0) return;
    const names = columns.map((column) => `, ${column.name}`).join('');
    const updates = columns.map((column) => `, ${column.name} = excluded.${column.name}`).join('');
    const placeholders = `(${new Array(width).fill('?').join(', ')})`;
    const upsert = (n: number) =>
      this.statement(
        state,
        `INSERT INTO ${state.table} (id, doc${names}) VALUES ${new Array(n).fill(placeholders).join(', ')} ON CONFLICT (id) DO UPDATE SET doc = excluded.doc${updates}`,
      );
    let i = 0;
    const chunk = ROWS_PER_STATEMENT * width;
    if (upserts.length >= chunk) {
      const many = upsert(ROWS_PER_STATEMENT);
      for (; i + chunk <= upserts.length; i += chunk) many.run(...upserts.slice(i, i + chunk));
    }
    const one = upsert(1);
    for (; i < upserts.length; i += width) one.run(...upserts.slice(i, i + width));
  }

  /** A committed document, from the cache or SQLite. */
  private committed(name: string, id: string): Doc | undefined {
    const state = this.collections.get(name);
    if (!state) return undefined;
    const cached = this.cache.get(name, id);
    if (cached) return cached;
    const row = this.statement(state, `SELECT doc FROM ${state.table} WHERE id = ?`).get(id) as { doc: string } | undefined;
    if (!row) return undefined;
    const doc = JSON.parse(row.doc) as Doc;
    this.cache.set(name, id, doc, row.doc.length);
    return doc;
  }

  /** A document as `unit` sees it: its staged version, else the committed one. */
  private view(unit: Unit | null, name: string, id: string): Doc | undefined {
    if (!unit) return this.committed(name, id);
    const staged = unit.docs.get(name);
    if (staged?.has(id)) return staged.get(id) ?? undefined;
    let absent = unit.absent.get(name);
    if (absent?.has(id)) return undefined;
    const doc = this.committed(name, id);
    if (doc === undefined) {
      if (!absent) unit.absent.set(name, (absent = new Set()));
      absent.add(id);
    }
    return doc;
  }

  /**
   * Paths SQL may compare: a key column (or a unique index's JSON-text column) holds them, and no document has
   * held an array on them.
   */
  private scalarPaths(state: CollectionState): ScalarPaths {
    return (path) => {
      for (const spec of state.indexes) {
        if (Object.prototype.hasOwnProperty.call(spec.key, path) && spec.multikey?.includes(path)) return undefined;
      }
      const column = state.columns.find((c) => c.path === path && !c.unique) ?? state.columns.find((c) => c.path === path);
      return column ? { column: column.name, json: column.unique } : undefined;
    };
  }

  /**
   * Documents matching `filter` as `unit` sees them, as stored (callers copy before handing them out): the
   * committed rows the SQL condition selects, in insertion order, finished in JavaScript, then the unit's
   * staged documents.
   */
  private match(unit: Unit | null, name: string, filter: Filter | undefined, first: boolean): Doc[] {
    const keys = filter ? Object.keys(filter) : [];
    const staged = unit?.docs.get(name);
    const out: Doc[] = [];
    // `_id` lookups: by key instead of a scan.
    const ids = idList(filter?._id);
    if (ids) {
      const test = keys.length > 1 ? compileFilter(filter!) : undefined;
      for (const id of ids) {
        const doc = this.view(unit, name, id);
        if (!doc || (test && !test(doc))) continue;
        out.push(doc);
        if (first) break;
      }
      return out;
    }
    const test = keys.length === 0 ? undefined : compileFilter(filter!);
    const state = this.collections.get(name);
    if (state) {
      const where = translateFilter(filter, this.scalarPaths(state));
      const exact = where.exact;
      const rows = this.statement(state, `SELECT id, doc FROM ${state.table} WHERE ${where.sql} ORDER BY rowid`).iterate(...where.params) as Iterable<{ id: string; doc: string }>;
      for (const row of rows) {
        if (staged?.has(row.id)) continue;
        const doc = this.cache.peek(name, row.id) ?? (JSON.parse(row.doc) as Doc);
        if (test && !exact && !test(doc)) continue;
        out.push(doc);
        if (first) return out;
      }
    }
    if (staged) {
      for (const doc of staged.values()) {
        if (!doc || (test && !test(doc))) continue;
        out.push(doc);
        if (first) break;
      }
    }
    return out;
  }

  /**
   * The first `k` matches (all when k is 0) in `sort` order, streamed in SQL order, when SQL orders them as
   * MongoDB does: sort keys that hold only null, numbers or strings in the matched documents (checked as they
   * come; else undefined and the caller sorts). Ties keep insertion order, as mingo's stable sort does.
   */
  private sortedBySql(state: CollectionState, filter: Filter, sort: Sort, k: number): Doc[] | undefined {
    const keys = Object.keys(sort);
    const checks: Array<(doc: Doc) => boolean> = [];
    const order: string[] = [];
    for (const key of keys) {
      const dir = sort[key];
      const check = sortValueResolver(key);
      const expr = key === '_id' ? 'id' : (state.columns.find((c) => c.path === key && !c.unique)?.name ?? fieldExpr(key));
      if ((dir !== 1 && dir !== -1) || !check || !expr) return undefined;
      // An indexed path that has held an array: MongoDB sorts such a document by one of its elements, which SQL
      // would place elsewhere (possibly past the page, unseen by the checks): sorted in JavaScript.
      if (state.indexes.some((spec) => spec.multikey?.includes(key))) return undefined;
      checks.push(check);
      order.push(`${expr}${dir === -1 ? ' DESC' : ''}`);
    }
    const where = translateFilter(filter, this.scalarPaths(state));
    const test = where.exact ? undefined : compileFilter(filter);
    // `_id` is unique: after it no tie is left, and without `rowid` an index on (fields…, _id) gives the whole order.
    const sql = `SELECT id, doc FROM ${state.table} WHERE ${where.sql} ORDER BY ${order.join(', ')}${keys.includes('_id') ? '' : ', rowid'}`;
    const out: Doc[] = [];
    for (const row of this.statement(state, sql).iterate(...where.params) as Iterable<{ id: string; doc: string }>) {
      const doc = this.cache.peek(state.name, row.id) ?? (JSON.parse(row.doc) as Doc);
      if (test && !test(doc)) continue;
      for (const check of checks) if (!check(doc)) return undefined;
      out.push(doc);
      if (k > 0 && out.length >= k) break;
    }
    return out;
  }

  /**
   * An inclusion of top-level fields over a filter SQL decides exactly (the analytics, the dashboards' key
   * lists): only those fields are read from SQLite (`doc -> '$.field'`), no document is parsed whole. The
   * fields come in the projection's order (MongoDB keeps the document's). Undefined when it does not apply.
   */
  private selectedBySql(name: string, filter: Filter, projection: Projection, take: number): Record<string, unknown>[] | undefined {
    const state = this.collections.get(name);
    if (!state) return [];
    let keepId = true;
    const fields: string[] = [];
    for (const key of Object.keys(projection)) {
      const value = projection[key] as unknown;
      if (key === '_id') {
        if (value !== 0 && value !== 1 && value !== true && value !== false) return undefined;
        keepId = value === 1 || value === true;
      } else if ((value === 1 || value === true) && !key.includes('.') && !key.startsWith('$') && key !== '__proto__' && jsonPath(key) !== undefined) {
        fields.push(key);
      } else {
        return undefined;
      }
    }
    if (fields.length === 0 && !keepId) return undefined; // `{ _id: 0 }` alone is an exclusion
    const where = translateFilter(filter, this.scalarPaths(state));
    if (!where.exact) return undefined;
    const columns = fields.map((field, i) => `, doc -> ${jsonPath(field)} AS f${i}`).join('');
    const sql = `SELECT id${columns} FROM ${state.table} WHERE ${where.sql} ORDER BY rowid${take > 0 ? ` LIMIT ${take}` : ''}`;
    const out: Record<string, unknown>[] = [];
    for (const row of this.statement(state, sql).all(...where.params) as Array<Record<string, string | null>>) {
      const doc: Record<string, unknown> = keepId ? { _id: row.id } : {};
      for (let i = 0; i < fields.length; i++) {
        const json = row[`f${i}`];
        if (json !== null) doc[fields[i]] = JSON.parse(json);
      }
      out.push(doc);
    }
    return out;
  }

  private insertNew(call: Call, name: string, doc: Doc): void {
    if (this.view(call.unit, name, doc._id)) throw duplicateKey(name, '_id_', JSON.stringify({ _id: doc._id }));
    this.write(call, name, doc._id, doc);
  }

  /** Replaces (or with `next` undefined, deletes) one document. */
  private write(call: Call, name: string, id: string, next: Doc | undefined): void {
    if (next) this.noteArrays(name, next);
    const unit = call.unit;
    if (!unit) {
      if (this.unit?.docs.get(name)?.has(id)) {
        throw new WriteConflictError(`Document '${id}' in '${name}' has uncommitted writes from the open unit of work`);
      }
      call.writes.push({ collection: name, id, next });
      return;
    }
    if (next) this.checkUnique(unit, name, id, next);
    let staged = unit.docs.get(name);
    if (!staged) unit.docs.set(name, (staged = new Map()));
    const docs = staged;
    const had = docs.has(id);
    const before = docs.get(id);
    if (!had) {
      const base = unit.absent.get(name)?.has(id) ? null : this.cache.peek(name, id);
      let bases = unit.bases.get(name);
      if (base !== undefined) {
        if (!bases) unit.bases.set(name, (bases = new Map()));
        bases.set(id, base);
      } else {
        bases?.delete(id);
      }
    }
    docs.set(id, next ?? null);
    call.undo.push(() => (had ? docs.set(id, before!) : docs.delete(id)));
    if (!this.collections.has(name) && !unit.created.has(name)) {
      unit.created.add(name);
      call.undo.push(() => unit.created.delete(name));
    }
  }

  /** Unique indexes inside a unit: against the unit's staged documents and the committed ones it has not changed. */
  private checkUnique(unit: Unit, name: string, id: string, next: Doc): void {
    const state = this.collections.get(name);
    if (!state) return;
    const staged = unit.docs.get(name);
    for (const spec of state.indexes) {
      if (!spec.unique) continue;
      const fields = Object.keys(spec.key);
      const key = fields.map((field) => uniqueKeyOf(next, field));
      const dup = () => duplicateKey(name, spec.name, `{ ${fields.map((f, i) => `${f}: ${key[i]}`).join(', ')} }`);
      if (staged) {
        for (const [other, doc] of staged) {
          if (other !== id && doc && fields.every((field, i) => uniqueKeyOf(doc, field) === key[i])) throw dup();
        }
      }
      const sql = `SELECT id FROM ${state.table} WHERE ${fields.map((field) => `${field === '_id' ? 'id' : columnName(field, true)} = ?`).join(' AND ')}`;
      const params = fields.map((field, i) => (field === '_id' ? next._id : key[i]));
      for (const row of this.statement(state, sql).all(...params) as Array<{ id: string }>) {
        if (row.id !== id && !staged?.has(row.id)) throw dup();
      }
    }
  }

  /** Marks indexed paths on which `doc` holds an array (MongoDB's multikey flag): SQL then leaves them to JavaScript. */
  private noteArrays(name: string, doc: Doc): void {
    const state = this.collections.get(name);
    if (!state) return;
    let changed = false;
    for (const spec of state.indexes) {
      for (const path of Object.keys(spec.key)) {
        if (spec.multikey?.includes(path) || !arrayOnPath(doc, path)) continue;
        (spec.multikey ??= []).push(path);
        changed = true;
      }
    }
    if (changed) this.stmt.putCollection.run(name, JSON.stringify(state.indexes));
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
    return this.store.find(this.unit, this.name, filter, options) as unknown as T[];
  }

  async findOne(filter: Filter = {}, options: Omit<FindOptions, 'limit'> = {}): Promise<T | null> {
    const [doc] = this.store.find(this.unit, this.name, filter, { ...options, limit: 1 });
    return (doc as unknown as T | undefined) ?? null;
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    return this.store.count(this.unit, this.name, filter);
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
    return this.store.aggregate(this.unit, this.name, pipeline) as R[];
  }

  async createIndex(keys: Record<string, 1 | -1>, options: IndexOptions = {}): Promise<string> {
    return this.store.createIndex(this.unit, this.name, keys, options);
  }
}

/** The `_id`s an `_id` condition names (a string, `$eq`, `$in` of strings), in order, without repeats; else undefined. */
function idList(condition: unknown): string[] | undefined {
  if (condition === undefined) return undefined;
  if (typeof condition === 'string') return [condition];
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return undefined;
  const keys = Object.keys(condition);
  if (keys.length !== 1) return undefined;
  const operand = (condition as Record<string, unknown>)[keys[0]];
  if (keys[0] === '$eq' && typeof operand === 'string') return [operand];
  if (keys[0] === '$in' && Array.isArray(operand) && operand.every((id) => typeof id === 'string')) return [...new Set(operand as string[])];
  return undefined;
}

function immutableId(current: unknown, next: unknown): Error {
  return new Error(
    `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(next)} (was ${JSON.stringify(current)})`,
  );
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
  // Compiled on the first document only: a filter whose indexed part selects nothing (a reactor cancelling the due
  // work of an event that scheduled none, at every event of a catch-up) never pays for it.
  let query: Query<Doc> | undefined;
  return (doc) => (query ??= new Query<Doc>(filter, {})).test(doc);
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

/**
 * A modified copy of `doc`: the stored object is never changed in place (it may be in an undo log, the cache, or
 * share subtrees with other stored versions).
 */
function applyUpdate(doc: Doc, parsed: ParsedUpdate, filter: Filter): Doc {
  if (parsed.fast) {
    // Copies only the paths it changes; the rest is shared with the stored document, which nobody changes.
    const next = applyFastCopy(doc, parsed.fast);
    if (next._id !== doc._id) throw immutableId(doc._id, next._id);
    return next as Doc;
  }
  const next = cloneJson(doc) as Record<string, unknown>;
  mutate(next, parsed, parsed.ops, filter);
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
