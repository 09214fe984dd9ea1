// The real API (`npm start`'s entry, apps/api/dist/main.js) in a child process of a bench, on the embedded
// default in `dataDir`: the bench's key (bench-env.ts) and no rate limits, ready when /health answers.
import { execFileSync, spawn } from 'node:child_process';
import * as net from 'node:net';
import { benchEnv } from './bench-env';

export interface ApiProcess {
  base: string;
  pid: number;
  /** SIGTERM, then the child's exit. */
  stop(): Promise<void>;
}

export interface ApiProcessOptions {
  /** Variables beside the bench's defaults (e.g. a short reservation grace period). */
  env?: Record<string, string>;
  /** Node flags for the child (e.g. `--cpu-prof`). */
  nodeOptions?: string[];
  /** How long the API may take to answer /health (a first catch-up of a big log takes minutes). */
  readyWithinMs?: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startApiProcess(dataDir: string, options: ApiProcessOptions = {}): Promise<ApiProcess> {
  const port = await freePort();
  const main = require.resolve('@mentoring/api/dist/main.js');
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), main], {
    // One client sends thousands of requests a minute: the rate limits would measure themselves.
    env: { ...process.env, ...benchEnv(), NODE_ENV: 'test', LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, RATE_LIMIT_ENABLED: 'false', ...options.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const readyWithinMs = options.readyWithinMs ?? 120_000;
  for (const deadline = Date.now() + readyWithinMs; ; ) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`the API did not answer /health within ${readyWithinMs / 1000} s`);
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
    await sleep(200);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    base,
    pid: child.pid!,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** `npm run seed -- --students <n> --project` into `dataDir` with the bench's key; returns the seed's summary line. */
export function seedSchool(dataDir: string, students: number): string {
  const env = { ...process.env, ...benchEnv(), DATA_DIR: dataDir, LOG_LEVEL: 'error' };
  const out = execFileSync(process.execPath, [require.resolve('@mentoring/api/dist/cli/seed.js'), '--students', String(students), '--project'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return /seeded .*/.exec(out)?.[0] ?? 'seeded';
}
