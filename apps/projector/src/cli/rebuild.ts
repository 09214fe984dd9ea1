// `npm run projections:rebuild -- <name>|--all [--offline] [--resume]`: rebuilds projections from the
// first event with a progress bar (events done / total, rate, time left).
// - Distributed (MONGODB_URI): asks the running projector to rebuild without downtime (the next
//   version is built beside the live one and switched in when caught up) and shows its progress.
// - Embedded, or --offline: replays in this process. The API holds the embedded read store open; while
//   it runs, use POST /admin/projections/{name}/rebuild instead (same zero-downtime rebuild).
import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment
import { logCliFailure } from '@mentoring/config';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { applyHeapGrowth, loadConfig } from '@mentoring/config';
import { createEventStore, createKeyStore } from '@mentoring/event-store';
import { createReadStore, ReadStore } from '@mentoring/read-store';
import { createProjections, PROJECTION_NAMES, REBUILD_REQUESTS, RebuildRequestDoc, rebuildProjections, recordProjectionVersions, requestRebuild } from '@mentoring/projections';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { all: { type: 'boolean' }, resume: { type: 'boolean' }, offline: { type: 'boolean' } } });
  const names = values.all ? [...PROJECTION_NAMES] : positionals;
  const unknown = names.filter((n) => !PROJECTION_NAMES.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    console.error(`${unknown.length ? `unknown projection: ${unknown.join(', ')}\n` : ''}usage: npm run projections:rebuild -- <name>|--all [--resume]`);
    console.error(`projections: ${PROJECTION_NAMES.join(', ')}`);
    process.exit(2);
  }
  const config = loadConfig({ ...process.env, RUN_PROJECTIONS: 'true' });
  // As the API and the projector do (ADR 0010): a rebuild allocates and discards documents at a high rate.
  applyHeapGrowth(config.heapGrowthPercent);
  const eventStore = createEventStore({
    esdbConnectionString: config.esdbConnectionString,
    dataDir: config.dataDir,
    synchronous: config.sqliteSynchronous,
    keyStore: createKeyStore({ keyEncryptionKey: config.keyEncryptionKey, mongodbUri: config.mongodbUri, dataDir: config.dataDir }),
  });
  let readStore;
  try {
    readStore = await createReadStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, cacheMb: config.readStoreCacheMb });
  } catch (error) {
    await eventStore.close();
    console.error(`cannot open the read store (${error instanceof Error ? error.message : String(error)}).`);
    console.error('If the API is running on the embedded store, rebuild through it: POST /admin/projections/<name>/rebuild (role admin).');
    process.exit(1);
  }
  try {
    if (config.mongodbUri && !values.offline) {
      for (const name of names) await watchRemoteRebuild(readStore, name);
      return;
    }
    // All the named projections in one pass over the log (read and decrypted once, each slice committed once for all).
    const projections = names.map((name) => createProjections(config).find((p) => p.name === name)!);
    const label = names.length === 1 ? names[0] : `${names.length} projections`;
    const bar = new SingleBar({
      format: `${label.padEnd(24)} [{bar}] {percentage}% | {value}/{total} events | {rate} ev/s | ETA {eta_formatted}`,
      barCompleteChar: '#',
      barIncompleteChar: '.',
      etaBuffer: 50,
      // Piped into a file or CI log: print a progress line every second instead of redrawing.
      noTTYOutput: true,
      notTTYSchedule: 1000,
    });
    const started = Date.now();
    let begun = false;
    const result = await rebuildProjections(eventStore, readStore, projections, {
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
    // The documents are now of the code's version: the next start has nothing to upgrade.
    await recordProjectionVersions(readStore, projections);
    const seconds = (Date.now() - started) / 1000;
    console.log(`${names.join(', ')}: ${result.done} events in ${seconds.toFixed(2)} s (${Math.round(result.done / Math.max(seconds, 0.001))} events/s)`);
  } finally {
    await eventStore.close();
    await readStore.close();
  }
}

/** Asks the projector for a zero-downtime rebuild and follows its progress. */
async function watchRemoteRebuild(readStore: ReadStore, name: string): Promise<void> {
  await requestRebuild(readStore, name);
  const requests = readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS);
  const bar = new SingleBar({
    format: `${name.padEnd(24)} [{bar}] {percentage}% | {value}/{total} events | {state} | ETA {eta_formatted}`,
    barCompleteChar: '#',
    barIncompleteChar: '.',
    noTTYOutput: true,
    notTTYSchedule: 1000,
  });
  bar.start(1, 0, { state: 'requested' });
  const requestedAt = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const doc = await requests.findOne({ _id: name });
    if (!doc) throw new Error(`the rebuild request for ${name} disappeared`);
    bar.setTotal(Math.max(1, doc.total));
    bar.update(doc.done, { state: doc.state });
    if (doc.state === 'switched') break;
    if (doc.state === 'failed') {
      bar.stop();
      throw new Error(`rebuild of ${name} failed: ${doc.error}`);
    }
    if (doc.state === 'requested' && Date.now() - requestedAt > 15_000) {
      bar.stop();
      throw new Error(`no projector picked up the rebuild of ${name} within 15 s: is the projector running?`);
    }
  }
  bar.stop();
  console.log(`${name}: rebuilt and switched without downtime`);
}

void main().catch((error) => {
  logCliFailure('projections-rebuild', error);
  process.exit(1);
});
