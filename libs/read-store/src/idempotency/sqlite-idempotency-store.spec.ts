import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { idempotencyStoreContract } from './idempotency-store.contract';
import { SqliteIdempotencyStore } from './sqlite-idempotency-store';

const file = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'idempotency-')), 'idempotency.sqlite');

idempotencyStoreContract('SQLite (:memory:)', async () => new SqliteIdempotencyStore(':memory:'));
idempotencyStoreContract('SQLite (file)', async () => new SqliteIdempotencyStore(file()));
