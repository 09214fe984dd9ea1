// Section (i), issue 10: memory stays flat under many distinct Idempotency-Keys. 100,000 commands
// (BENCH_QUICK: 20,000), each with a new key, against the real application in this process (Fastify's
// injector: no sockets), answers stored in DATA_DIR/idempotency.sqlite. The heap after a full GC is
// measured every quarter; before issue 10 the answers lived in the read store's memory for ever.
// Alone: `node bench/dist/idempotency.bench.js`.
import { benchEnv } from './bench-env';
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { loadConfig } from '@mentoring/config';
import { createApp } from '@mentoring/api/dist/bootstrap';
import { signToken } from '@mentoring/api/dist/http/auth';

type Row = [string, string];

function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export async function benchIdempotency(quick = process.env.BENCH_QUICK === '1'): Promise<Row[]> {
  const total = quick ? 20_000 : 100_000;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-bench-idempotency-'));
  const config = loadConfig({ ...benchEnv(), NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, SQLITE_SYNCHRONOUS: 'NORMAL', REACTOR_TICK_SECONDS: '0' });
  const app = await createApp(config);
  const fastify = app.getHttpAdapter().getInstance();
  const authorization = `Bearer ${await signToken(benchEnv().JWT_SECRET, 'bench-staff', 'staff')}`;
  const post = (url: string, body: unknown, key?: string) =>
    fastify.inject({ method: 'POST', url, headers: { authorization, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, payload: JSON.stringify(body) });
  const registered = await post('/mentors', { name: 'Joy Adams', email: 'joy@mentors.example', trainingPaths: ['web'], capacity: 5, disabilityFriendly: false });
  const mentorId = JSON.parse(registered.body).mentorId as string;
  const rows: Row[] = [];
  const samples: string[] = [];
  const baseline = heapAfterGc();
  const started = performance.now();
  try {
    for (let i = 1; i <= total; i++) {
      // The same capacity: a no-op command (200), its answer stored under a new key each time.
      const answer = await post(`/mentors/${mentorId}/capacity`, { capacity: 5 }, `bench-key-${i}`);
      if (answer.statusCode !== 200) throw new Error(`command ${i}: ${answer.statusCode} ${answer.body}`);
      if (i % (total / 4) === 0) samples.push(`${i / 1000}k keys: heap ${mib(heapAfterGc())}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const file = fs.statSync(path.join(dataDir, 'idempotency.sqlite')).size + (fs.existsSync(path.join(dataDir, 'idempotency.sqlite-wal')) ? fs.statSync(path.join(dataDir, 'idempotency.sqlite-wal')).size : 0);
    rows.push([
      `(i) ${total / 1000}k no-op commands, each with a new Idempotency-Key (in process, injector)`,
      `${Math.round(total / seconds)} req/s; heap after GC ${mib(baseline)} before, ${samples.join(', ')}; answers on disk ${mib(file)} (idempotency.sqlite)`,
    ]);
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) {
  void benchIdempotency().then((rows) => {
    for (const [name, value] of rows) console.log(`${name}\n  ${value}`);
  });
}
