// `npm run backup`: SQLite's online backup API copies each file of DATA_DIR while a writer holds it open (commits
// still in the WAL included), skips the read-model file a running API locks, and refuses to overwrite a backup.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { backupDataDir, backupSucceeded } from './backup';

describe('npm run backup', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function walDb(file: string): Database.Database {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS t (n INTEGER)');
    return db;
  }

  it('copies the event log and the keys while a writer holds them open (WAL commits included), skipping a locked read-model file', async () => {
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    const events = walDb(path.join(data, 'events.sqlite'));
    const keys = walDb(path.join(data, 'keys.sqlite'));
    const insert = events.prepare('INSERT INTO t (n) VALUES (?)');
    events.transaction(() => { for (let i = 0; i < 1000; i++) insert.run(i); })();
    keys.prepare('INSERT INTO t (n) VALUES (42)').run();
    // A running API holds the embedded read store in exclusive locking mode (as EmbeddedReadStore opens it), in
    // another process: a plain backup would copy a stale file without a word.
    const holder = spawn(process.execPath, ['-e', `const D = require('better-sqlite3'); const r = new D(${JSON.stringify(path.join(data, 'read-models.sqlite'))});
      r.pragma('locking_mode = EXCLUSIVE'); r.pragma('journal_mode = WAL'); r.exec('CREATE TABLE documents (id TEXT); BEGIN EXCLUSIVE; COMMIT');
      r.exec("INSERT INTO documents VALUES ('d-1')"); console.log('ready'); process.stdin.on('end', () => { r.close(); process.exit(0); }); process.stdin.resume();`], { cwd: path.join(__dirname, '..', '..', '..', '..'), stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise((resolve, reject) => { holder.stdout!.once('data', resolve); holder.once('exit', reject); });
    const readModels = { open: true, close: () => new Promise<void>((resolve) => { readModels.open = false; holder.once('exit', () => resolve()); holder.stdin!.end(); }) };
    try {
      const target = path.join(dir, 'backup');
      const results = await backupDataDir(data, target, 100);
      expect(results.map((r) => [r.file, r.status])).toEqual([
        ['read-models.sqlite', 'locked'],
        ['idempotency.sqlite', 'absent'],
        ['events.sqlite', 'copied'],
        ['keys.sqlite', 'copied'],
      ]);
      expect(backupSucceeded(results)).toBe(true);
      // A self-contained copy: no -wal beside it, every committed row in it.
      expect(fs.readdirSync(target).sort()).toEqual(['events.sqlite', 'keys.sqlite']);
      const copy = new Database(path.join(target, 'events.sqlite'), { readonly: true });
      expect(copy.prepare('SELECT count(*) AS c FROM t').get()).toEqual({ c: 1000 });
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      copy.close();
      // The writer went on meanwhile.
      insert.run(1000);

      // A second backup into the same directory is refused rather than overwriting the first.
      await readModels.close();
      const again = await backupDataDir(data, target, 100);
      expect(again.find((r) => r.file === 'events.sqlite')).toMatchObject({ status: 'failed' });
      expect(backupSucceeded(again)).toBe(false);
      const fresh = await backupDataDir(data, path.join(dir, 'backup-2'), 100);
      expect(fresh.map((r) => r.status)).toEqual(['copied', 'absent', 'copied', 'copied']);
      const documents = new Database(path.join(dir, 'backup-2', 'read-models.sqlite'), { readonly: true });
      expect(documents.prepare('SELECT id FROM documents').all()).toEqual([{ id: 'd-1' }]);
      documents.close();
    } finally {
      events.close();
      keys.close();
      if (readModels.open) await readModels.close();
    }
  });

  it('fails without an event log', async () => {
    const results = await backupDataDir(path.join(dir, 'empty'), path.join(dir, 'backup'));
    expect(results.every((r) => r.status === 'absent')).toBe(true);
    expect(backupSucceeded(results)).toBe(false);
  });
});
