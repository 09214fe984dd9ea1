// Test-only support shared by the read-side projection specifications (kept out of the build, like
// read-store.contract.ts): real embedded adapters in a temporary directory, live processing through the
// runner, and documents compared one by one.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@mentoring/event-store';
import { Doc, EmbeddedReadStore, ReadStore } from '@mentoring/read-store';
import type { Projection } from '../projection';
import { ProjectionRunner } from '../projection-runner';

export interface Stores {
  dir: string;
  events: SqliteEventStore;
  read: EmbeddedReadStore;
  close(): Promise<void>;
}

export function openStores(): Stores {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-side-'));
  const events = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
  const read = new EmbeddedReadStore({ file: path.join(dir, 'read.sqlite') });
  return {
    dir,
    events,
    read,
    async close() {
      await events.close();
      await read.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function documents<T extends Doc = Doc>(store: ReadStore, collection: string): Promise<T[]> {
  return store.collection<T>(collection).find({}, { sort: { _id: 1 } });
}

/** Every collection of a projection, read back in `_id` order. */
export async function snapshot(store: ReadStore, projection: Projection): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {};
  for (const name of projection.collections) out[name] = await documents(store, name);
  return out;
}

/** Runs `projection` live (catch-up subscription) while `write` appends, until it has caught up. */
export async function runLive(stores: Stores, projection: Projection, write: () => Promise<void>): Promise<void> {
  const runner = new ProjectionRunner(stores.events, stores.read, [projection]);
  await runner.start();
  try {
    await write();
    const head = await stores.events.headPosition();
    if (head && !(await runner.waitFor(head, 10_000))) throw new Error(`projection ${projection.name} did not catch up`);
  } finally {
    await runner.stop();
  }
}

/** Compares two snapshots document by document, so that a failure names the document that differs. */
export function expectSameDocuments(actual: Record<string, Doc[]>, expected: Record<string, Doc[]>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const collection of Object.keys(expected)) {
    const want = new Map(expected[collection].map((d) => [d._id, d]));
    const got = new Map(actual[collection].map((d) => [d._id, d]));
    expect({ collection, ids: [...got.keys()].sort() }).toEqual({ collection, ids: [...want.keys()].sort() });
    for (const [id, doc] of want) expect({ collection, id, doc: got.get(id) }).toEqual({ collection, id, doc });
  }
}
