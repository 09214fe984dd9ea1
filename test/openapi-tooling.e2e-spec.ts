// What a frontend team does with the served document, in CI (issue 9): lint it with a maintained OpenAPI
// linter's recommended ruleset (Redocly CLI: 0 errors, 0 warnings), generate a TypeScript client from it
// (openapi-typescript), type-check a journey written against the generated types (TypeScript's compiler,
// strict), and run that journey against a listening server with openapi-fetch.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { startTestApp, TestApp } from './support/test-app';
import { TestClock } from './support/commands';
import { runJourney } from './client/journey';

const ROOT = path.resolve(__dirname, '..');
const REDOCLY = path.join(ROOT, 'node_modules/.bin/redocly');
// openapi-typescript needs TypeScript 5 beside it; the project builds with 6 (tools/openapi-client).
const OPENAPI_TYPESCRIPT = path.join(ROOT, 'tools/openapi-client/node_modules/.bin/openapi-typescript');
const GENERATED = path.join(__dirname, 'client/generated/api.d.ts');
const JOURNEY = path.join(__dirname, 'client/journey.ts');

describe('The served OpenAPI document, as a frontend team uses it', () => {
  const clock = new TestClock('2027-03-01T08:00:00.000Z');
  let t: TestApp;
  let specFile: string;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    const answer = await t.request('GET', '/docs-json');
    expect(answer.status).toBe(200);
    specFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-')), 'openapi.json');
    fs.writeFileSync(specFile, answer.raw);
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => t.close());

  it('is OpenAPI 3.1', () => {
    expect(JSON.parse(fs.readFileSync(specFile, 'utf8')).openapi).toBe('3.1.0');
  });

  it('passes Redocly’s recommended ruleset with 0 errors and 0 warnings', () => {
    let output: string;
    try {
      output = execFileSync(REDOCLY, ['lint', specFile, '--format=json'], {
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      // redocly exits 1 when there are errors; its JSON report is still on stdout.
      output = (error as { stdout: string }).stdout;
    }
    const report = JSON.parse(output.slice(output.indexOf('{')));
    const problems = (report.problems ?? []).map((p: { ruleId: string; severity: string; message: string; location?: Array<{ pointer?: string }> }) => ({
      rule: p.ruleId,
      severity: p.severity,
      message: p.message,
      at: p.location?.[0]?.pointer,
    }));
    expect(problems).toEqual([]);
    expect(report.totals).toEqual(expect.objectContaining({ errors: 0, warnings: 0 }));
  });

  it('generates a typed client whose journey type-checks, then runs it for the four funding profiles', async () => {
    fs.mkdirSync(path.dirname(GENERATED), { recursive: true });
    execFileSync(OPENAPI_TYPESCRIPT, [specFile, '-o', GENERATED], { stdio: ['ignore', 'pipe', 'pipe'] });

    const program = ts.createProgram([JOURNEY], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);

    const outcomes = await runJourney(
      baseUrl,
      {
        staff: await t.token('staff', 'staff-1'),
        mentorToken: (id) => t.token('mentor', id),
        studentToken: (id) => t.token('student', id),
      },
      '2027-03-03T10:00:00.000Z',
    );
    expect(outcomes.map((o) => ({ kind: o.kind, status: o.status, sessions: o.sessions, mentorName: o.mentorName }))).toEqual(
      ['apprenticeship', 'employee', 'social_programme', 'self_funded'].map((kind) => ({ kind, status: 'active', sessions: 1, mentorName: 'Joy Adams' })),
    );
  });
});
