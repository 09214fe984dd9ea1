// The embedded deployment's key table: its own SQLite file (DATA_DIR/keys.sqlite), so that a copy of the event log
// alone holds no key. secure_delete zeroes freed and overwritten pages, and a TRUNCATE checkpoint after each
// erasure empties the write-ahead log: a destroyed key's bytes linger nowhere in the files.
import Database from 'better-sqlite3';
import type { KeyTable, StoredKey } from './key-store';

interface Row {
  subject: string;
  key_id: string;
  wrapped: Buffer | null;
  erased_at: string | null;
}

export class SqliteKeyTable implements KeyTable {
  private readonly db: Database.Database;
  private readonly stmt: {
    find: Database.Statement<[string], Row>;
    insert: Database.Statement<[string, string, Buffer | null, string | null]>;
    erase: Database.Statement<[string, string, string]>;
  };

  constructor(file: string) {
    this.db = new Database(file, { timeout: 5000 });
    this.db.pragma('secure_delete = ON');
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    // A key lost to a power cut would make acknowledged events unreadable: every commit is durable.
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS data_keys (
      subject TEXT PRIMARY KEY,
      key_id TEXT NOT NULL,
      wrapped BLOB,
      erased_at TEXT
    ) WITHOUT ROWID`);
    this.stmt = {
      find: this.db.prepare('SELECT subject, key_id, wrapped, erased_at FROM data_keys WHERE subject = ?'),
      insert: this.db.prepare('INSERT OR IGNORE INTO data_keys (subject, key_id, wrapped, erased_at) VALUES (?, ?, ?, ?)'),
      erase: this.db.prepare(
        `INSERT INTO data_keys (subject, key_id, wrapped, erased_at) VALUES (?, '-', NULL, ?)
         ON CONFLICT(subject) DO UPDATE SET wrapped = NULL, erased_at = COALESCE(erased_at, ?)`,
      ),
    };
  }

  private static toStored(row: Row): StoredKey {
    return { subject: row.subject, keyId: row.key_id, wrapped: row.wrapped, erasedAt: row.erased_at };
  }

  async find(subject: string): Promise<StoredKey | null> {
    const row = this.stmt.find.get(subject);
    return row ? SqliteKeyTable.toStored(row) : null;
  }

  /** Keys waiting for the next group commit, with whoever waits for them. */
  private pending: Array<{ row: StoredKey; resolve: (stored: StoredKey) => void; reject: (error: unknown) => void }> = [];

  /**
   * Group commit: the keys asked for while the event loop turns are inserted in one durable transaction
   * (one fsync for all of them, as the event store does for events). A new student's enrolment waits for its
   * key to be on disk before its event is appended, so this is on the command path.
   */
  insertIfAbsent(row: StoredKey): Promise<StoredKey> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    let stored: StoredKey[];
    try {
      stored = this.db.transaction(() =>
        batch.map(({ row }) => {
          this.stmt.insert.run(row.subject, row.keyId, row.wrapped, row.erasedAt);
          return SqliteKeyTable.toStored(this.stmt.find.get(row.subject)!);
        }),
      )();
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
      return;
    }
    batch.forEach((waiter, i) => waiter.resolve(stored[i]));
  }

  async erase(subject: string, erasedAt: string): Promise<void> {
    this.stmt.erase.run(subject, erasedAt, erasedAt);
    // The old page image (with the wrapped key) is in the WAL until a checkpoint copies the new one over it
    // (zeroed by secure_delete) and the WAL is truncated.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    if (this.pending.length > 0 && this.db.open) this.flush();
    if (this.db.open) this.db.close();
  }
}
