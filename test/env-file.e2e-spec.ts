// `.env` support (issue 12, point 5): every entry point loads `./.env` with Node's own loader, real environment
// variables winning; `.env.example` lists every variable config.ts reads, is valid for the configuration, and
// reads the same in sh (`set -a; . ./.env`) as with `node --env-file` (the parser loadEnvFile uses).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { CONFIG_VARIABLES, loadConfig } from '@mentoring/config';

const ROOT = path.join(__dirname, '..');
const EXAMPLE = path.join(ROOT, '.env.example');
const PRINT_ENV = 'process.stdout.write(JSON.stringify(process.env))';

/** The environment a child sees after sourcing `file` in sh with `set -a`, from a nearly empty one. */
function viaSh(file: string): Record<string, string> {
  const out = execFileSync('sh', ['-c', 'set -a; . "$1"; exec "$2" -e "$3"', 'sh', file, process.execPath, PRINT_ENV], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, encoding: 'utf8' });
  return JSON.parse(out);
}

function viaNodeEnvFile(file: string): Record<string, string> {
  const out = execFileSync(process.execPath, [`--env-file=${file}`, '-e', PRINT_ENV], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, encoding: 'utf8' });
  return JSON.parse(out);
}

const text = fs.readFileSync(EXAMPLE, 'utf8');
const assigned = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({ name: m[1], value: m[2] }));
const mentioned = new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

/** Every variable config.ts reads: the keys of its zod schema, which reads them all (no `env.NAME`, `env['NAME']` besides). */
function configVariables(): string[] {
  const source = fs.readFileSync(path.join(ROOT, 'libs/config/src/config.ts'), 'utf8');
  expect(source.match(/\benv(\.[A-Z_]|\[)/g)).toBeNull();
  return [...CONFIG_VARIABLES].sort();
}

describe('.env and .env.example', () => {
  it('names every variable that libs/config/src/config.ts reads (set or commented out)', () => {
    const variables = configVariables();
    // A rewrite of config.ts that no longer lists its variables must fail here, not pass on nothing.
    expect(variables.length).toBeGreaterThan(30);
    expect(variables.filter((v) => !mentioned.has(v))).toEqual([]);
    // And nothing that config.ts does not read (a typo there would be silently ignored).
    expect([...mentioned].filter((v) => !variables.includes(v))).toEqual([]);
  });

  it('sets values in double quotes without $, backquote or backslash, so sh and node read them alike', () => {
    expect(assigned.length).toBeGreaterThan(10);
    for (const { name, value } of assigned) expect(`${name}=${value}`).toMatch(/^[A-Z0-9_]+="[^"$`\\]*"$/);
  });

  it('reads the same with `set -a; . ./.env` in sh and with `node --env-file`', () => {
    const sh = viaSh(EXAMPLE);
    const node = viaNodeEnvFile(EXAMPLE);
    const pick = (env: Record<string, string>) => Object.fromEntries([...mentioned].map((n) => [n, env[n]]));
    expect(pick(sh)).toEqual(pick(node));
    for (const { name, value } of assigned) expect(node[name]).toBe(value.slice(1, -1));
    expect(node.MAIL_FROM).toBe('Mentoring platform <no-reply@mentoring.localhost>');
    // Commented-out variables stay unset both ways.
    expect(sh.JWT_SECRET).toBeUndefined();
    expect(node.JWT_SECRET).toBeUndefined();
  });

  it('is a valid configuration as it stands (development), and with the secrets a production needs', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-example-'));
    try {
      const env = viaNodeEnvFile(EXAMPLE);
      const config = loadConfig({ ...env, DATA_DIR: dataDir });
      expect(config.port).toBe(3000);
      expect(config.host).toBe('127.0.0.1');
      const secret = 'x'.repeat(16) + 'y'.repeat(16);
      expect(() => loadConfig({ ...env, DATA_DIR: dataDir, NODE_ENV: 'production', JWT_SECRET: secret, ANALYTICS_PSEUDONYM_KEY: secret, KEY_ENCRYPTION_KEY: secret })).not.toThrow();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('loadDotEnv loads ./.env when present, and a variable already in the environment wins', () => {
    // In a child process: Jest gives each test file its own copy of process.env, which loadEnvFile does not write.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dotenv-'));
    try {
      const source = fs.readFileSync(path.join(ROOT, 'libs/config/src/env-file.ts'), 'utf8');
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
      fs.writeFileSync(path.join(dir, 'env-file.js'), js);
      const run = (cwd: string) => JSON.parse(execFileSync(process.execPath, ['-e', `const loaded = require(${JSON.stringify(path.join(dir, 'env-file.js'))}).loadDotEnv(process.cwd()); process.stdout.write(JSON.stringify({ loaded: loaded ?? null, real: process.env.DOTENV_TEST_REAL ?? null, file: process.env.DOTENV_TEST_FILE ?? null, commented: process.env.DOTENV_TEST_COMMENTED ?? null }))`], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DOTENV_TEST_REAL: 'from the environment' }, encoding: 'utf8' }));
      expect(run(dir)).toEqual({ loaded: null, real: 'from the environment', file: null, commented: null });
      fs.writeFileSync(path.join(dir, '.env'), 'DOTENV_TEST_REAL="from the file"\nDOTENV_TEST_FILE="from the file"\n# DOTENV_TEST_COMMENTED="commented"\n');
      expect(run(dir)).toEqual({ loaded: path.join(dir, '.env'), real: 'from the environment', file: 'from the file', commented: null });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every entry point (the API, the projector, each CLI) loads .env before its other imports', () => {
    const entries = ['apps/api/src/main.ts', 'apps/projector/src/main.ts', ...['apps/api/src/cli', 'apps/projector/src/cli'].flatMap((d) => fs.readdirSync(path.join(ROOT, d)).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts')).map((f) => `${d}/${f}`))];
    expect(entries.length).toBeGreaterThanOrEqual(8);
    for (const entry of entries) {
      const firstImport = fs.readFileSync(path.join(ROOT, entry), 'utf8').split('\n').find((l) => l.startsWith('import '));
      expect(`${entry}: ${firstImport}`).toBe(`${entry}: import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment`);
    }
  });
});
