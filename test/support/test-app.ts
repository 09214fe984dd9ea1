// Boots the real application (Fastify, both embedded stores in a temporary DATA_DIR) for HTTP tests,
// and sends requests through Fastify's injector: no sockets, same pipeline.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, hs256Secret, loadConfig } from '@mentoring/config';
import { createApp } from '../../apps/api/src/bootstrap';
import { signToken, TokenRole } from '../../apps/api/src/http/auth';
import { InfrastructureOverrides } from '../../apps/api/src/infrastructure.module';
import { EVENT_STORE } from '../../apps/api/src/shared/tokens';
import type { EventStore } from '@mentoring/event-store';
import { ContractViolation, OpenApiValidator, validatorFor } from './openapi-validator';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  raw: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataDir: string;
  eventStore: EventStore;
  token(role: TokenRole, sub: string): Promise<string>;
  request(method: string, url: string, options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Answer>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-test-'));
}

export async function startTestApp(env: Record<string, string> = {}, overrides: InfrastructureOverrides = {}): Promise<TestApp> {
  const dataDir = env.DATA_DIR ?? tempDataDir();
  // The reactors' scheduler has no timer in tests: time is the test's clock, and tests call tick().
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SQLITE_SYNCHRONOUS: 'NORMAL', REACTOR_TICK_SECONDS: '0', ...env, DATA_DIR: dataDir });
  const app = await createApp(config, overrides);
  const fastify = app.getHttpAdapter().getInstance();
  // Every exchange of the suite is checked against the served document (openapi-validator.ts). With
  // OPENAPI_CONTRACT_REPORT=<file> the violations are appended to the file instead of failing the test
  // (to survey a drift across the whole suite at once). With DOCS_ENABLED=false (production) there is no
  // served document to check against.
  let contract: OpenApiValidator | null | undefined;
  const contractOf = async () => {
    if (contract === undefined) {
      const docs = await fastify.inject({ method: 'GET', url: '/docs-json' });
      contract = docs.statusCode === 200 ? validatorFor(docs.body) : null;
    }
    return contract;
  };
  return {
    app,
    config,
    dataDir,
    eventStore: app.get<EventStore>(EVENT_STORE),
    token: (role, sub) => signToken(hs256Secret(config), sub, role, '12h', { issuer: config.jwtIssuer, audience: config.jwtAudience }),
    async request(method, url, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let payload: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        payload = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fastify.inject({ method: method as 'GET', url, headers, payload });
      const exchange = { method, url, requestHeaders: headers, requestBody: payload, status: response.statusCode, responseHeaders: response.headers, responseBody: response.body };
      const { operationId, problems } = (await contractOf())?.check(exchange) ?? { problems: [] };
      if (problems.length > 0) {
        const violation = new ContractViolation(exchange, operationId ?? '?', problems);
        if (!process.env.OPENAPI_CONTRACT_REPORT) throw violation;
        fs.appendFileSync(process.env.OPENAPI_CONTRACT_REPORT, JSON.stringify({ test: expect.getState().currentTestName, operationId, status: response.statusCode, problems }) + '\n');
      }
      let body: unknown = response.body;
      try {
        body = response.body ? JSON.parse(response.body) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: response.statusCode, headers: response.headers as Answer['headers'], body, raw: response.body };
    },
    async close({ keepData = false } = {}) {
      await app.close();
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A valid enrolment body per funding profile. */
export function enrolment(kind: 'apprenticeship' | 'employee' | 'social_programme' | 'self_funded', overrides: Record<string, unknown> = {}) {
  const funding = {
    apprenticeship: {
      kind,
      company: { id: 'acme', name: 'ACME Corp' },
      employer: { id: 'acme', name: 'ACME Corp' },
      tutor: { id: 'tutor-1', name: 'Tess Tutor', email: 'tess@acme.example' },
      rhythm: { studyWeeks: 2, workWeeks: 3 },
      endDate: '2028-06-30',
    },
    employee: { kind, employer: { id: 'globex', name: 'Globex' }, schedule: 'Tuesdays 9:00-12:00', purpose: 'development_plan', endDate: '2027-12-31' },
    social_programme: {
      kind,
      publicFunder: { id: 'pub-employment', name: 'Public Employment Service' },
      cohort: '2027-spring',
      attendanceContractRef: 'CONTRACT-0042',
      endDate: '2027-09-30',
    },
    self_funded: { kind },
  }[kind];
  return {
    name: 'Sam Lee',
    email: 'sam@students.example',
    trainingPath: 'web-development',
    registeredDisability: false,
    startDate: '2027-01-04',
    funding,
    ...overrides,
  };
}

export function mentorBody(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Joy Adams',
    email: 'joy@mentors.example',
    trainingPaths: ['web-development'],
    capacity: 5,
    disabilityFriendly: false,
    ...overrides,
  };
}

/** Every event in the store, in $all order. */
export async function allEvents(store: EventStore) {
  const out = [];
  for (let after = undefined as any; ; ) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.length === 0) return out;
    out.push(...page);
    after = page[page.length - 1].position;
  }
}
