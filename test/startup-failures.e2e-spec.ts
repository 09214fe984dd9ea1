// Issue 12, point 6: common mistakes end with one line saying what and what to do, and a non-zero exit, before
// any subscriber starts; SIGTERM drains the requests in flight and exits 0. Runs the built API (npm run build).
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort, kill, startApiProcess } from './support/process';
import { tempDataDir } from './support/test-app';

const MAIN = path.resolve(__dirname, '../apps/api/dist/main.js');

/** Runs the API until it exits (or 20 s): its exit code and everything it printed. */
function runToExit(env: Record<string, string>, main = MAIN): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(process.execPath, [main], { env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'log', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('startup failures and clean stops (issue 12)', () => {
  jest.setTimeout(60_000);

  it('a port in use: one line naming the port and what to do, exit 1, no projection started', async () => {
    const port = await freePort();
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', () => r()));
    try {
      const { code, output } = await runToExit({ PORT: String(port), DATA_DIR: tempDataDir() });
      expect(code).toBe(1);
      const lines = output.trim().split('\n').filter((l) => /in use/.test(l));
      expect(lines).toEqual([`Port ${port} on 127.0.0.1 is in use by another process (EADDRINUSE): stop it (ss -ltnp | grep :${port}) or set PORT to a free port.`]);
      expect(output).not.toMatch(/projections running|at .*\.js:\d+/);
    } finally {
      squatter.close();
    }
  });

  it('a second API on the same DATA_DIR: one line naming the directory and what to do, exit 1', async () => {
    const dataDir = tempDataDir();
    const first = await startApiProcess({ DATA_DIR: dataDir });
    try {
      const { code, output } = await runToExit({ PORT: String(await freePort()), DATA_DIR: dataDir });
      expect(code).toBe(1);
      const lines = output.trim().split('\n').filter((l) => /in use/.test(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`DATA_DIR ${dataDir} is in use by another process`);
      expect(lines[0]).toMatch(/stop that process first, or set another DATA_DIR/);
      expect(output).not.toMatch(/SQLITE_BUSY|projections running|at .*\.js:\d+/);
    } finally {
      await kill(first);
    }
  });

  it('the projector on a port in use: one line, exit 1, before any subscriber starts', async () => {
    const port = await freePort();
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', () => r()));
    try {
      const { code, output } = await runToExit({ PORT: String(port), DATA_DIR: tempDataDir() }, path.resolve(__dirname, '../apps/projector/dist/main.js'));
      expect(code).toBe(1);
      expect(output.trim().split('\n').filter((l) => /in use/.test(l))).toEqual([
        `Port ${port} on 127.0.0.1 is in use by another process (EADDRINUSE): stop it (ss -ltnp | grep :${port}) or set PORT to a free port.`,
      ]);
      expect(output).not.toMatch(/projections |reactors /);
    } finally {
      squatter.close();
    }
  });

  it('an unreachable MongoDB: one line naming MONGODB_URI and what to do, exit 1', async () => {
    const { code, output } = await runToExit({
      PORT: String(await freePort()),
      DATA_DIR: tempDataDir(),
      MONGODB_URI: 'mongodb://127.0.0.1:1/mentoring?directConnection=true&serverSelectionTimeoutMS=500',
      RUN_PROJECTIONS: 'false',
      RUN_REACTORS: 'false',
    });
    expect(code).toBe(1);
    expect(output.trim().split('\n').filter((l) => /unreachable/.test(l))).toEqual([
      'The read store (MongoDB) is unreachable: check MONGODB_URI and that the replica set has a primary, then start again.',
    ]);
  });

  it('SIGTERM during load: every request sent before it gets an answer, then exit 0', async () => {
    const api = await startApiProcess({ DATA_DIR: tempDataDir(), LOG_LEVEL: 'log' });
    const exited = new Promise<number | null>((resolve) => api.child.once('exit', (code) => resolve(code)));
    const inFlight = Array.from({ length: 40 }, () =>
      fetch(`${api.baseUrl}/health`).then(
        (res) => res.status,
        (error: Error & { cause?: { code?: string } }) => `error ${error.cause?.code ?? error.message}`,
      ),
    );
    await new Promise((r) => setTimeout(r, 5));
    api.child.kill('SIGTERM');
    const statuses = await Promise.all(inFlight);
    expect(statuses.filter((s) => typeof s === 'string')).toEqual([]);
    expect(await exited).toBe(0);
    expect(api.output()).toMatch(/stopped cleanly/);
  });
});
