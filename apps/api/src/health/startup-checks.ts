// Checks run before anything starts (issue 12, point 6): a port in use or a DATA_DIR held by another process
// ends the start with one line saying what and what to do, and exit code 1, before any store is opened or any
// projection or reactor subscribes.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { AppConfig } from '@mentoring/config';

/** A start that cannot go on: `message` is the one line to print. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export function portInUse(config: Pick<AppConfig, 'host' | 'port'>): StartupError {
  return new StartupError(
    `Port ${config.port} on ${config.host} is in use by another process (EADDRINUSE): stop it (ss -ltnp | grep :${config.port}) or set PORT to a free port.`,
  );
}

/** Binds the port and lets it go: EADDRINUSE (or EACCES) now, not after the projections started. */
export async function checkPortFree(config: Pick<AppConfig, 'host' | 'port'>): Promise<void> {
  if (config.port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(portInUse(config));
      else if (error.code === 'EACCES') reject(new StartupError(`Port ${config.port} on ${config.host} needs privileges this process lacks (EACCES): set PORT above 1023.`));
      else reject(error);
    });
    server.listen({ port: config.port, host: config.host, exclusive: true }, () => server.close(() => resolve()));
  });
}

export function dataDirInUse(dataDir: string): StartupError {
  return new StartupError(
    `DATA_DIR ${path.resolve(dataDir)} is in use by another process (an API, a projector, npm run seed or an offline rebuild holds its SQLite files): stop that process first, or set another DATA_DIR. One process per DATA_DIR.`,
  );
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || /already open in this process \(locked\)/.test(String((error as Error)?.message));
}

/**
 * The embedded read store's file is held exclusively by the process that runs with this DATA_DIR: a read of
 * it fails with SQLITE_BUSY at once (short timeout) while that process lives.
 */
export function checkDataDirFree(config: Pick<AppConfig, 'dataDir' | 'mongodbUri'>): void {
  if (config.mongodbUri) return;
  const file = path.join(config.dataDir, 'read-models.sqlite');
  if (!fs.existsSync(file)) return;
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { timeout: 300, fileMustExist: true });
    db.prepare('SELECT count(*) AS n FROM sqlite_master').get();
  } catch (error) {
    if (isBusy(error)) throw dataDirInUse(config.dataDir);
    // Anything else (a damaged file) is the read store's to handle at open.
  } finally {
    db?.close();
  }
}

/** One line for a failure of the start, when it is one we can name; null otherwise (the stack is printed). */
export function describeStartupError(error: unknown, config: Pick<AppConfig, 'host' | 'port' | 'dataDir' | 'esdbConnectionString' | 'mongodbUri'>): string | null {
  if (error instanceof StartupError) return error.message;
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (e?.code === 'EADDRINUSE') return portInUse(config).message;
  if (isBusy(error)) return dataDirInUse(config.dataDir).message;
  const text = `${String(e?.name)} ${String(e?.message)}`;
  if (e?.code === 'event_store_unavailable' || (config.esdbConnectionString && /ECONNREFUSED|UnavailableError|DeadlineExceeded|14 UNAVAILABLE/.test(text))) {
    return 'The event store (EventStoreDB) is unreachable: check ESDB_CONNECTION_STRING and that the server runs, then start again.';
  }
  if (e?.code === 'read_store_unavailable' || (config.mongodbUri && /MongoServerSelectionError|MongoNetworkError|ECONNREFUSED/.test(text))) {
    return 'The read store (MongoDB) is unreachable: check MONGODB_URI and that the replica set has a primary, then start again.';
  }
  return null;
}
