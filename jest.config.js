// Jest 30 + @swc/jest. NestJS 12 (and some of its transitive deps) are ESM-only; Jest's loader cannot
// require() ESM on Node 20, so every ESM package under node_modules is transformed to CommonJS too.
// The allowlist is built by walking node_modules, not typed by hand, so upgrades do not break it.
const fs = require('node:fs');
const path = require('node:path');

function esmPackages(root) {
  const found = new Set();
  const visit = (dir, depth) => {
    let entries;
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (!e.isDirectory() && !e.isSymbolicLink()) continue;
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (e.name.startsWith('@')) { visit(full, depth); continue; }
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(full, 'package.json'), 'utf8'));
        if (pkg.type === 'module') found.add(pkg.name || e.name);
      } catch { /* not a package */ }
      if (depth < 4) visit(path.join(full, 'node_modules'), depth + 1);
    }
  };
  visit(root, 0);
  return [...found];
}

const esm = esmPackages(path.join(__dirname, 'node_modules')).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/libs/*/src/**/*.spec.ts', '<rootDir>/apps/*/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j|mj|cj)sx?$': swc },
  // (?:.*/node_modules/)? lets nested copies (node_modules/a/node_modules/cookie) through as well.
  transformIgnorePatterns: [`/node_modules/(?!(?:.*/node_modules/)?(${esm.join('|')})/)`],
  moduleNameMapper: {
    '^@mentoring/(config|domain|event-store|read-store|projections|application|reactors)$': '<rootDir>/libs/$1/src',
    '^@mentoring/(api|projector)$': '<rootDir>/apps/$1/src',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  testTimeout: 30000,
};
