// Projection-rebuild throughput of the embedded read store: updateOne({ _id }, { $set, $inc, $push,
// $setOnInsert }, { upsert: true }) in units of work of 500 operations, file-backed, plus the
// findOne-with-projection-then-update pattern the projections use. Run after `npx tsc -p libs/read-store`:
//   node libs/read-store/bench/upserts.bench.js [operations=50000] [distinctDocuments=2000]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { EmbeddedReadStore } = require('../dist');

const ops = Number(process.argv[2] ?? 50_000);
const distinct = Number(process.argv[3] ?? 2_000);
const UNIT = 500;

async function measure(label, body) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-store-bench-'));
  const store = await EmbeddedReadStore.open({ file: path.join(dir, 'read-models.sqlite') });
  try {
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    for (let unit = 0; unit < ops / UNIT; unit++) {
      await store.transaction(async (tx) => {
        const collection = tx.collection('bench');
        for (let i = 0; i < UNIT; i++) await body(collection, unit * UNIT + i);
        await tx.setCheckpoint('bench', String(unit));
      });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    console.log(`${label.padEnd(34)} ${Math.round(ops / seconds)} ops/s (wall), ${Math.round(ops / cpuSeconds)} ops per CPU second`);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(async () => {
  console.log(`${ops} operations over ${distinct} documents, units of ${UNIT}, file-backed (synchronous=NORMAL)`);
  await measure('upsert $set/$inc/$push/$setOnInsert', (c, n) =>
    c.updateOne(
      { _id: `doc-${n % distinct}` },
      { $set: { lastEvent: n }, $inc: { events: 1 }, $push: { recent: n % 7 }, $setOnInsert: { since: n } },
      { upsert: true },
    ),
  );
  await measure('findOne(projection) + updateOne', async (c, n) => {
    const id = `doc-${n % distinct}`;
    const current = await c.findOne({ _id: id }, { projection: { revision: 1 } });
    await c.updateOne({ _id: id }, { $set: { status: 'active', revision: n, 'profile.at': n } }, { upsert: !current });
  });
})();
