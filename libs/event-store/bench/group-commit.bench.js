// Single vs group-committed appends on the SQLite event store.
// Run after a build:  npx tsc -p libs/event-store && node libs/event-store/bench/group-commit.bench.js
'use strict';
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const { SqliteEventStore } = require('../dist/sqlite/sqlite-event-store');

const event = (n) => ({
  eventId: randomUUID(),
  type: 'BenchEventHappened',
  schemaVersion: 1,
  data: { n, text: 'x'.repeat(100) },
  metadata: {
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: { id: 'bench', role: 'system' },
    occurredAt: new Date().toISOString(),
  },
});

async function run(label, synchronous, total, concurrency) {
  const dir = mkdtempSync(join(tmpdir(), 'es-bench-'));
  const store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), synchronous });
  let next = 0;
  const started = process.hrtime.bigint();
  // `concurrency` callers, each awaiting its own append before the next: 1 = no grouping possible.
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const n = next++;
        await store.append(`bench-${n}`, [event(n)], 'no_stream');
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { transactions } = store.stats;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `${label.padEnd(34)} ${synchronous.padEnd(6)} ${String(total).padStart(6)} appends  ${Math.round(total / seconds)
      .toString()
      .padStart(6)} appends/s  ${transactions} transactions`,
  );
}

(async () => {
  for (const synchronous of ['FULL', 'NORMAL']) {
    await run('single (1 caller, sequential)', synchronous, 2000, 1);
    await run('grouped (10 concurrent callers)', synchronous, 10000, 10);
    await run('grouped (100 concurrent callers)', synchronous, 20000, 100);
    await run('grouped (1000 concurrent callers)', synchronous, 50000, 1000);
  }
})();
