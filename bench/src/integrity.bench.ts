// Section (j), issue 11 part 2: tamper evidence. The verification rate (events/s) of `verifyAuditTrail` over
// 200,000 events (BENCH_QUICK: 50,000) in 20,000 streams with a checkpoint every 1,000 events, and the cost of
// hashing on appends: SQLite appends (synchronous=FULL, 64 concurrent, group commit) with and without the
// ChainedEventStore decorator. Alone: `node bench/dist/integrity.bench.js`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AuditCheckpointer, ChainedEventStore, EventStore, NewEvent, SqliteEventStore, verifyAuditTrail } from '@mentoring/event-store';

type Row = [string, string];

function event(i: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'SessionHeld',
    schemaVersion: 1,
    data: { studentId: `s-${i % 20_000}`, sessionId: randomUUID(), heldAt: '2027-01-05T09:00:00.000Z', durationMinutes: 60, note: 'a realistic small payload' },
    metadata: { correlationId: randomUUID(), causationId: randomUUID(), actor: { id: 'mentor-1', role: 'mentor' }, occurredAt: '2027-01-05T09:00:00.000Z' },
  };
}

/** Appends `total` events, `concurrency` single-event appends at a time over `streams` streams; events/s. */
async function appendRate(store: EventStore, total: number, concurrency: number, streams: number): Promise<number> {
  const revisions = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const streamId = `bench-${(i * 7919) % streams}`;
      const expected = revisions.get(streamId);
      // 'any' would make the decorator read the head; the application appends with its expected revision.
      revisions.set(streamId, (expected ?? -1) + 1);
      await store.append(streamId, [event(i)], expected === undefined ? 'no_stream' : expected);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / ((performance.now() - started) / 1000);
}

export async function benchIntegrity(quick = process.env.BENCH_QUICK === '1'): Promise<Row[]> {
  const rows: Row[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-bench-integrity-'));
  try {
    // Append overhead: the same workload on a raw and on a chained store (64 concurrent, 2,000 streams).
    const appends = quick ? 5_000 : 20_000;
    const rates: number[] = [];
    for (const chained of [false, true]) {
      const raw = new SqliteEventStore({ file: path.join(dir, `appends-${chained}.sqlite`), synchronous: 'FULL' });
      const store = chained ? new ChainedEventStore(raw) : raw;
      rates.push(await appendRate(store, appends, 64, 2_000));
      await store.close();
    }
    rows.push([
      `(j) SQLite appends, synchronous=FULL, 64 concurrent, ${appends / 1000}k events: without / with the hash chain`,
      `${Math.round(rates[0]).toLocaleString('en')} / ${Math.round(rates[1]).toLocaleString('en')} events/s (${Math.round((1 - rates[1] / rates[0]) * 100)} % overhead)`,
    ]);

    // Verification rate.
    const total = quick ? 50_000 : 200_000;
    const raw = new SqliteEventStore({ file: path.join(dir, 'verify.sqlite'), synchronous: 'NORMAL', tailCacheSize: 0 });
    const store = new ChainedEventStore(raw);
    const revisions = new Map<string, number>();
    for (let i = 0; i < total; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, total - i) }, (_, k) => {
          const n = i + k;
          const streamId = `student-${n % 20_000}`;
          const expected = revisions.get(streamId);
          revisions.set(streamId, (expected ?? -1) + 1);
          return store.append(streamId, [event(n)], expected === undefined ? 'no_stream' : expected);
        }),
      );
    }
    const checkpointer = new AuditCheckpointer(store, { every: 1000 });
    await checkpointer.run(new Date(), { force: true });
    const report = await verifyAuditTrail(store);
    if (!report.intact) throw new Error(`bench store not intact: ${report.firstProblem?.detail}`);
    rows.push([
      `(j) verification (\`npm run audit -- verify\`) of ${(report.eventsVerified / 1000).toFixed(0)}k events, ${report.streams.toLocaleString('en')} streams, ${report.checkpoints} checkpoints`,
      `${(report.durationMs / 1000).toFixed(2)} s, ${Math.round(report.eventsVerified / (report.durationMs / 1000)).toLocaleString('en')} events/s`,
    ]);
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) {
  void benchIntegrity().then((rows) => {
    for (const [name, value] of rows) console.log(`${name}\n  ${value}`);
  });
}
