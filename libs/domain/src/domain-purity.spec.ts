// Architecture test: the domain stays pure (no framework, no I/O, no clock, no randomness).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('domain purity', () => {
  const files = sourceFiles(__dirname).map((path) => ({ path: relative(__dirname, path), text: readFileSync(path, 'utf8') }));

  it('imports only other domain files', () => {
    const offending = files.flatMap(({ path, text }) =>
      [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]).filter((spec) => !spec.startsWith('.')).map((spec) => `${path}: ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('reads no clock and draws no random numbers', () => {
    const offending = files
      .filter(({ text }) => /Date\.now\(|new Date\(\)|Math\.random\(|randomUUID|process\.env/.test(text))
      .map(({ path }) => path);
    expect(offending).toEqual([]);
  });
});
