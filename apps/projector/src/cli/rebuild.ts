// `npm run projections:rebuild -- <name>|--all [--resume]`: replays one projection (or all) from the
// first event with a progress bar. With the embedded stores, stop the API first: it holds the read
// models in memory.
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '@mentoring/config';
import { createEventStore } from '@mentoring/event-store';
import { createReadStore } from '@mentoring/read-store';
import { ALL_PROJECTIONS, rebuildProjection } from '@mentoring/projections';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { all: { type: 'boolean' }, resume: { type: 'boolean' } } });
  const names = values.all ? ALL_PROJECTIONS.map((p) => p.name) : positionals;
  const unknown = names.filter((n) => !ALL_PROJECTIONS.some((p) => p.name === n));
  if (names.length === 0 || unknown.length > 0) {
    console.error(`${unknown.length ? `unknown projection: ${unknown.join(', ')}\n` : ''}usage: npm run projections:rebuild -- <name>|--all [--resume]`);
    console.error(`projections: ${ALL_PROJECTIONS.map((p) => p.name).join(', ')}`);
    process.exit(2);
  }
  const config = loadConfig({ ...process.env, RUN_PROJECTIONS: 'true' });
  const eventStore = createEventStore({ esdbConnectionString: config.esdbConnectionString, dataDir: config.dataDir, synchronous: config.sqliteSynchronous });
  const readStore = await createReadStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  try {
    for (const name of names) {
      const projection = ALL_PROJECTIONS.find((p) => p.name === name)!;
      const bar = new SingleBar({
        format: `${name.padEnd(24)} [{bar}] {percentage}% | {value}/{total} events | {rate} ev/s | ETA {eta_formatted}`,
        barCompleteChar: '#',
        barIncompleteChar: '.',
        etaBuffer: 50,
        // Piped into a file or CI log: print a progress line every second instead of redrawing.
        noTTYOutput: true,
        notTTYSchedule: 1000,
      });
      const started = Date.now();
      let begun = false;
      const result = await rebuildProjection(eventStore, readStore, projection, {
        resume: values.resume,
        onProgress: ({ done, total }) => {
          const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
          if (!begun) {
            bar.start(total, done, { rate });
            begun = true;
          } else {
            bar.setTotal(total);
            bar.update(done, { rate });
          }
        },
      });
      bar.stop();
      const seconds = (Date.now() - started) / 1000;
      console.log(`${name}: ${result.done} events in ${seconds.toFixed(2)} s (${Math.round(result.done / Math.max(seconds, 0.001))} events/s)`);
    }
  } finally {
    await eventStore.close();
    await readStore.close();
  }
}

void main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
