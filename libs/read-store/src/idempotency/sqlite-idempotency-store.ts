// The embedded deployment's idempotency store: one SQLite table in its own file beside the event store
// (DATA_DIR/idempotency.sqlite), indexed by expiry so pruning never scans.
import Database from 'better-sqlite3';
import type { IdempotencyStore, StoredAnswer } from './idempotency-store.port';

const PRUNE_BATCH = 5_000;

interface Row {
  id: string;
  fingerprint: string;
  status: number;
  headers: string;
  body: string;
  stored_at: number;
  expires_at: number;
}

export class SqliteIdempotencyStore implements IdempotencyStore {
  private readonly db: Database.Database;
  private readonly stmt: {
    find: Database.Statement<[string, number], Row>;
    save: Database.Statement<[string, string, number, string, string, number, number]>;
    prune: Database.Statement<[number]>;
    count: Database.Statement<[], { n: number }>;
  };

  constructor(file: string) {
    this.db = new Database(file, { timeout: 5000 });
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    // A lost answer (power cut) only means a retry is decided again, and the event ids derived from the
    // key keep that retry from appending twice: NORMAL is enough.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS idempotency (
        id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        status INTEGER NOT NULL,
        headers TEXT NOT NULL,
        body TEXT NOT NULL,
        stored_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expires_at);
    `);
    this.stmt = {
      find: this.db.prepare('SELECT * FROM idempotency WHERE id = ? AND expires_at > ?'),
      save: this.db.prepare(
        `INSERT INTO idempotency (id, fingerprint, status, headers, body, stored_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status, headers = excluded.headers,
           body = excluded.body, stored_at = excluded.stored_at, expires_at = excluded.expires_at`,
      ),
      prune: this.db.prepare(`DELETE FROM idempotency WHERE id IN (SELECT id FROM idempotency WHERE expires_at <= ? LIMIT ${PRUNE_BATCH})`),
      count: this.db.prepare('SELECT count(*) AS n FROM idempotency'),
    };
  }

  async find(id: string, now: Date): Promise<StoredAnswer | null> {
    const row = this.stmt.find.get(id, now.getTime());
    if (!row) return null;
    return {
      id: row.id,
      fingerprint: row.fingerprint,
      status: row.status,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: row.body === '' ? undefined : JSON.parse(row.body),
      storedAt: new Date(row.stored_at),
      expiresAt: new Date(row.expires_at),
    };
  }

  async save(answer: StoredAnswer): Promise<void> {
    this.stmt.save.run(
      answer.id,
      answer.fingerprint,
      answer.status,
      JSON.stringify(answer.headers),
      answer.body === undefined ? '' : JSON.stringify(answer.body),
      answer.storedAt.getTime(),
      answer.expiresAt.getTime(),
    );
  }

  async prune(now: Date): Promise<number> {
    // In batches, yielding between them: a large backlog never holds the event loop for long.
    let total = 0;
    for (;;) {
      const { changes } = this.stmt.prune.run(now.getTime());
      total += changes;
      if (changes < PRUNE_BATCH) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async count(): Promise<number> {
    return this.stmt.count.get()!.n;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
