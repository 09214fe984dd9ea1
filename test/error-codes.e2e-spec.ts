// Every problem `code` the server can emit is in the README's error table, under the status it is answered
// with, and every code of the table is emitted somewhere: the table is checked against the source, both ways.
//
// How codes are extracted from the TypeScript under apps/ and libs/ (specs, dist and comments left out):
//  1. `new Problem(<status>, '<code>'` — the HTTP layer's problems (auth, validation, queries, admin);
//  2. `new DomainError('<code>', '<kind>'` — a domain error raised outside the deciders' helpers;
//  3. `forbidden|invalid|conflict|notFound('<code>'` — the deciders' refusal helpers (libs/domain/src/shared/
//     errors.ts), in files that import them from the domain (another `invalid(field, …)`, the read side's,
//     makes a Problem and is caught by 1);
//  4. the error-mapping table (apps/api/src/http/error-mapping.ts): the values of FASTIFY_CODES (status from
//     Fastify's own error classes) and the literals of `const code = …` (with `http_${status}` as `http_<status>`);
//  5. problem bodies written by hand (`status: <n>, code: '<code>'`, the projector's tiny HTTP server).
// The status comes with the code: literal (1, 5), from the kind as toProblem maps it (2, 3: validation 422,
// not_found 404, conflict 409, forbidden 403, precondition 412), or from Fastify (4). So that nothing escapes,
// a Problem or a refusal whose code is not a literal fails the test, unless it is one of the mapping's known forms.
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const KIND_STATUS: Record<string, number> = { validation: 422, not_found: 404, conflict: 409, forbidden: 403, precondition: 412 };
const HELPER_KIND: Record<string, string> = { forbidden: 'forbidden', invalid: 'validation', conflict: 'conflict', notFound: 'not_found' };

/** Codes the source names but no request can produce, each with why (an entry no longer needed fails too). */
const UNREACHABLE: Record<string, string> = {
  // FST_ERR_CTP_INVALID_TYPE is thrown by addContentTypeParser at startup (a 500 of Fastify), never for a request.
  invalid_content_type: 'FST_ERR_CTP_INVALID_TYPE',
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'dist', 'bench', 'templates'].includes(entry.name)) out.push(...sources(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts') && !/contract|scenario|fixtures|testing/.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

/** The text without comments (line comments starting a line, and block comments), strings left alone. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

interface Emitted {
  code: string;
  status: number | null;
  where: string;
}

function extract(): { emitted: Emitted[]; unextracted: string[] } {
  const emitted: Emitted[] = [];
  const unextracted: string[] = [];
  const files = [...sources(path.join(ROOT, 'apps')), ...sources(path.join(ROOT, 'libs'))];
  for (const file of files) {
    const where = path.relative(ROOT, file);
    const text = code(fs.readFileSync(file, 'utf8'));
    const add = (c: string, status: number | null) => emitted.push({ code: c, status, where });
    const isMapping = where.endsWith(path.join('http', 'error-mapping.ts'));

    // 1. new Problem(<status>, '<code>'
    for (const m of text.matchAll(/new Problem\(\s*(\d{3})\s*,\s*'([^']+)'/g)) add(m[2], Number(m[1]));
    for (const m of text.matchAll(/new Problem\(\s*(?!\d{3}\s*,\s*'[^']+')([^,)]*,[^,)]*)/g)) if (!isMapping) unextracted.push(`${where}: new Problem(${m[1]}`);

    // 2. new DomainError('<code>', '<kind>'
    for (const m of text.matchAll(/new DomainError\(\s*'([^']+)'\s*,\s*'([a-z_]+)'/g)) add(m[1], KIND_STATUS[m[2]]);
    for (const m of text.matchAll(/new DomainError\(\s*(?!'[^']+'\s*,\s*'[a-z_]+')([^,)]*)/g)) if (!where.endsWith(path.join('shared', 'errors.ts'))) unextracted.push(`${where}: new DomainError(${m[1]}`);

    // 3. the deciders' helpers, where imported from the domain (or defined there, in libs/domain)
    const domainHelpers = new Set<string>();
    for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@mentoring\/domain|(?:\.\.?\/)+(?:shared\/)?errors)'/g)) {
      for (const name of m[1].split(',').map((n) => n.trim().split(/\s+as\s+/).pop()!)) if (HELPER_KIND[name]) domainHelpers.add(name);
    }
    for (const helper of domainHelpers) {
      for (const m of text.matchAll(new RegExp(`\\b${helper}\\(\\s*'([^']+)'`, 'g'))) add(m[1], KIND_STATUS[HELPER_KIND[helper]]);
      for (const m of text.matchAll(new RegExp(`\\b${helper}\\(\\s*([^'\\s)][^,)]*)`, 'g'))) unextracted.push(`${where}: ${helper}(${m[1]}`);
    }

    // 4. the error-mapping table
    if (isMapping) {
      const errors = require('fastify/lib/errors') as Record<string, new () => { statusCode: number }>;
      const table = /FASTIFY_CODES[^=]*=\s*\{([\s\S]*?)\};/.exec(text)?.[1] ?? '';
      for (const m of table.matchAll(/(FST_[A-Z_]+)\s*:\s*'([^']+)'/g)) add(m[2], new errors[m[1]]().statusCode);
      for (const m of text.matchAll(/const code\s*=([^;]*);/g)) {
        for (const literal of m[1].matchAll(/'([a-z][a-z0-9_]*)'|`([a-z_]+)\$\{[^}]*\}`/g)) add(literal[1] ?? `${literal[2]}<status>`, null);
      }
      expect(table).not.toBe('');
    }

    // 5. problem bodies written by hand
    for (const m of text.matchAll(/status:\s*(\d{3})\s*,\s*code:\s*'([^']+)'/g)) add(m[2], Number(m[1]));
  }
  return { emitted, unextracted };
}

/** The README's error table: status → codes (backticked, `{a,b}` expanded). */
function documented(): Map<string, Set<string>> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The API'), readme.indexOf('\n## ', readme.indexOf('## The API') + 1));
  const table = section.slice(section.indexOf('| status | codes |'));
  const out = new Map<string, Set<string>>();
  for (const line of table.split('\n')) {
    const row = /^\|\s*([^|]+?)\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (!row) {
      if (out.size > 0) break;
      continue;
    }
    if (row[1] === 'status' || /^-+$/.test(row[1])) continue;
    for (const token of row[2].matchAll(/`([^`]+)`/g)) {
      const t = token[1];
      if (!/^(R\d+_)?[a-z][a-z0-9_]*(\{[a-z0-9_,]+\}[a-z0-9_]*)?$|^http_<status>$/.test(t)) continue; // headers, fields, media types
      const brace = /^(.*)\{([^}]+)\}(.*)$/.exec(t);
      for (const c of brace ? brace[2].split(',').map((part) => `${brace[1]}${part}${brace[3]}`) : [t]) {
        if (!out.has(c)) out.set(c, new Set());
        out.get(c)!.add(row[1]);
      }
    }
  }
  return out;
}

describe('error codes: the README table and the source agree', () => {
  const { emitted, unextracted } = extract();
  const table = documented();
  const reachable = emitted.filter((e) => !(e.code in UNREACHABLE));

  it('extracts the codes (a sanity check of the extraction itself)', () => {
    const codes = new Set(emitted.map((e) => e.code));
    for (const c of ['validation_failed', 'unauthenticated', 'role_not_allowed', 'R9_mentor_at_capacity', 'R2_apprenticeship_requires_tutor', 'mentor_changed_meanwhile', 'concurrency_conflict', 'body_too_large', 'route_not_found', 'http_<status>']) {
      expect({ c, found: codes.has(c) }).toEqual({ c, found: true });
    }
    expect(table.get('R2_apprenticeship_requires_rhythm')).toEqual(new Set(['422']));
  });

  it('finds no problem or refusal whose code it cannot read', () => {
    expect(unextracted).toEqual([]);
  });

  it('every code the source emits is in the README table, under its status', () => {
    const missing = reachable.filter((e) => !table.has(e.code)).map((e) => `${e.code} (${e.status ?? '?'}, ${e.where})`);
    expect([...new Set(missing)]).toEqual([]);
    const misplaced = reachable
      .filter((e) => e.status !== null && table.has(e.code) && !table.get(e.code)!.has(String(e.status)))
      .map((e) => `${e.code}: answered ${e.status} (${e.where}), README says ${[...table.get(e.code)!].join(', ')}`);
    expect([...new Set(misplaced)]).toEqual([]);
  });

  it('every code of the README table is emitted by the source', () => {
    const codes = new Set(reachable.map((e) => e.code));
    expect([...table.keys()].filter((c) => !codes.has(c))).toEqual([]);
  });

  it('every code listed as unreachable is still in the source, and is not documented', () => {
    for (const [c, because] of Object.entries(UNREACHABLE)) {
      expect({ c, inSource: emitted.some((e) => e.code === c), documented: table.has(c), because }).toEqual({ c, inSource: true, documented: false, because });
    }
  });
});
