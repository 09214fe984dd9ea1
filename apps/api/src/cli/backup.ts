// `npm run backup -- <dir>`: a consistent copy of every SQLite file of DATA_DIR, taken with SQLite's online
// backup API (better-sqlite3's `db.backup()`), safe while the API and the CLIs run: readers and writers go on,
// each copy is a snapshot of one committed state of its file (WAL included), checked with `quick_check`.
// Order matters between files: the read models and Idempotency-Key answers first, then the event log, then the
// per-person keys, so that a restored read model's checkpoint never points past the restored log's end, and every
// event in the copy finds its key. Files the embedded read store holds locked (a running API keeps
// `read-models.sqlite` open exclusively) are skipped with a note: read models are rebuilt from the log at start.
// Secrets (DATA_DIR/secrets) are not copied: keep keys apart from the data they protect (docs/operations.md).
// Exit code: 0 when the event log (and every other file present and not locked) is copied, 1 otherwise.
import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Files their owner opens in SQLite's exclusive locking mode (the embedded read store): while it runs, the WAL index
 * lives in its memory and another process reading the file sees a stale state (a backup would be silently old), so
 * such a file is copied only when an exclusive lock can be taken, that is when nothing holds it.
 */
const EXCLUSIVE_WHEN_OPEN = new Set(['read-models.sqlite']);

/** In backup order (see above). */
export const SQLITE_FILES = ['read-models.sqlite', 'idempotency.sqlite', 'events.sqlite', 'keys.sqlite'] as const;

export interface BackupResult {
  file: string;
  status: 'copied' | 'absent' | 'locked' | 'failed';
  bytes?: number;
  detail?: string;
}

function isLocked(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || /database is locked/i.test((error as Error).message);
}

/** Copies each SQLite file of `dataDir` into `targetDir` (created; existing copies are refused). */
export async function backupDataDir(dataDir: string, targetDir: string, busyTimeoutMs = 2000): Promise<BackupResult[]> {
  fs.mkdirSync(targetDir, { recursive: true });
  const results: BackupResult[] = [];
  for (const file of SQLITE_FILES) {
    const source = path.join(dataDir, file);
    const target = path.join(targetDir, file);
    if (!fs.existsSync(source)) {
      results.push({ file, status: 'absent' });
      continue;
    }
    if (fs.existsSync(target)) {
      results.push({ file, status: 'failed', detail: `${target} exists: back up into an empty directory` });
      continue;
    }
    const partial = `${target}.partial`;
    fs.rmSync(partial, { force: true });
    let db: Database.Database | undefined;
    try {
      // Read-write (a read-only connection cannot recover a WAL left by a crash); nothing is written.
      db = new Database(source, { fileMustExist: true, timeout: busyTimeoutMs });
      if (EXCLUSIVE_WHEN_OPEN.has(file)) {
        db.exec('BEGIN EXCLUSIVE');
        db.exec('ROLLBACK');
      }
      await db.backup(partial);
      const copy = new Database(partial, { fileMustExist: true });
      try {
        const check = copy.pragma('quick_check', { simple: true });
        if (check !== 'ok') throw new Error(`quick_check of the copy: ${String(check)}`);
        // A self-contained file: no -wal beside it is needed to read it.
        copy.pragma('journal_mode = DELETE');
      } finally {
        copy.close();
      }
      fs.renameSync(partial, target);
      results.push({ file, status: 'copied', bytes: fs.statSync(target).size });
    } catch (error) {
      fs.rmSync(partial, { force: true });
      results.push(isLocked(error)
        ? { file, status: 'locked', detail: 'held by a running process (the API locks the embedded read store)' }
        : { file, status: 'failed', detail: (error as Error).message });
    } finally {
      db?.close();
    }
  }
  return results;
}

/** Succeeded when the event log was copied and no file present failed (a locked read-model file is only noted). */
export function backupSucceeded(results: BackupResult[]): boolean {
  const events = results.find((r) => r.file === 'events.sqlite');
  return events?.status === 'copied' && results.every((r) => r.status !== 'failed' && (r.status !== 'locked' || r.file === 'read-models.sqlite'));
}

async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target || target.startsWith('-')) {
    console.error('usage: npm run backup -- <directory>   (copies the SQLite files of DATA_DIR into it)');
    process.exit(2);
  }
  // DATA_DIR only: the rest of the configuration (and its production secrets) is not needed to copy files.
  const dataDir = path.resolve(process.env.DATA_DIR?.trim() || './data');
  const targetDir = path.resolve(target);
  const results = await backupDataDir(dataDir, targetDir);
  for (const r of results) {
    const what = r.status === 'copied' ? `copied (${r.bytes} bytes)` : r.status === 'absent' ? 'absent (nothing to copy)' : `${r.status}: ${r.detail}`;
    console.log(`${r.file.padEnd(20)} ${what}`);
  }
  const ok = backupSucceeded(results);
  if (results.some((r) => r.file === 'read-models.sqlite' && r.status === 'locked')) {
    console.log('note: read-models.sqlite is rebuilt from the event log at start when absent; stop the API for a copy of it too');
  }
  if (!results.some((r) => r.file === 'events.sqlite' && r.status !== 'absent')) console.error(`no event log at ${path.join(dataDir, 'events.sqlite')} (DATA_DIR=${dataDir})`);
  console.log(ok ? `backup of ${dataDir} in ${targetDir}; secrets (${path.join(dataDir, 'secrets')}) are not copied: back them up apart` : 'backup failed');
  process.exit(ok ? 0 : 1);
}

if (require.main === module) void main();
