// Every rule of DOMAIN.md has a test that accepts and a test that refuses, named with the rule id.
// R10 (the assignment e-mail) has nothing to refuse in the domain: its test checks what the events carry.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function specFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return specFiles(path);
    return name.endsWith('.spec.ts') && name !== 'rule-coverage.spec.ts' ? [path] : [];
  });
}

describe('rule coverage', () => {
  const titles = specFiles(__dirname).flatMap((path) =>
    [...readFileSync(path, 'utf8').matchAll(/\bit\(\s*'([^']+)'/g)].map((m) => m[1]),
  );
  const rules = Array.from({ length: 15 }, (_, i) => `R${i + 1}`);
  const titlesOf = (rule: string) => titles.filter((t) => new RegExp(`\\b${rule}(?:/R\\d+)?:|/${rule}:`).test(t));

  it.each(rules)('%s has an accepting test', (rule) => {
    expect(titlesOf(rule).filter((t) => !/refuses/.test(t))).not.toHaveLength(0);
  });

  it.each(rules.filter((r) => r !== 'R10'))('%s has a refusing test', (rule) => {
    expect(titlesOf(rule).filter((t) => /refuses/.test(t))).not.toHaveLength(0);
  });
});
