// `npm run parked -- list [--all]` and `npm run parked -- retry <id>`: the poison events that a projection
// or a reactor parked (the reactors' due work that failed for good, and the e-mails dead-lettered), and their
// retry once the cause is fixed. `<id>` is what `list` shows: `<subscriber>:<eventId>` (or the bare event id when only one
// subscriber parked it) or a due-work id.
// - When the API answers at --api (default http://127.0.0.1:$PORT), the CLI goes through its admin
//   routes with an admin token signed with JWT_SECRET: the embedded read store is held open by the API,
//   and a retry then runs at once in the process that runs the subscriber.
// - Otherwise it opens the read store itself: with MongoDB it asks the projector to retry and waits for
//   the outcome; with the embedded store (nothing running) the retry is performed at the next start.
import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment
import { logCliFailure } from '@mentoring/config';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { AppConfig, hs256Secret, loadConfig } from '@mentoring/config';
import { EmbeddedReadStore, ReadStore, createReadStore } from '@mentoring/read-store';
import { ParkedEventDoc, PARKED_EVENTS, findParkedEvent, listParkedEvents, requestParkedRetry } from '@mentoring/projections';
import { DUE_WORK, DueWorkDoc, MAIL_OUTBOX, MailOutboxDoc, listDeadLetters, listFailedDueWork, requeueDeadLetter, retryDueWork } from '@mentoring/reactors';

const USAGE = 'usage: npm run parked -- list [--all] | retry <id>   [--api http://host:port]';

interface Listing {
  parkedEvents: ParkedEventDoc[];
  failedDueWork: DueWorkDoc[];
  deadLetters: Array<Omit<MailOutboxDoc, 'text'>>;
}

function print(listing: Listing): void {
  if (listing.parkedEvents.length === 0) console.log('no parked events');
  for (const p of listing.parkedEvents) {
    console.log(`${p._id}\n  ${p.state}  ${p.kind} ${p.subscriber}  ${p.eventType} ${p.streamId}@${p.revision} (position ${p.position})`);
    console.log(`  parked ${p.parkedAt}, ${p.attempts} attempts${p.resolvedAt ? `, resolved ${p.resolvedAt}` : ''}`);
    console.log(`  error: ${p.error.split('\n')[0]}`);
  }
  if (listing.failedDueWork.length > 0) console.log(`\nfailed due work (${listing.failedDueWork.length}):`);
  for (const d of listing.failedDueWork) {
    console.log(`${d._id}\n  ${d.kind} due ${d.dueAt}, ${d.attempts} attempts\n  error: ${d.lastError ?? '-'}`);
  }
  if (listing.deadLetters.length > 0) console.log(`\ndead letters: e-mails given up (${listing.deadLetters.length}):`);
  for (const m of listing.deadLetters) {
    console.log(`${m._id}\n  ${m.reactor} to ${m.to}, queued ${m.queuedAt}, dead ${m.deadAt ?? '-'}, ${m.attempts} attempts\n  error: ${m.lastError ?? '-'}`);
  }
}

function describe(result: { kind: string; item: ParkedEventDoc | DueWorkDoc | Omit<MailOutboxDoc, 'text'> | null }): string {
  if (result.kind === 'dead_letter') {
    const m = result.item as Omit<MailOutboxDoc, 'text'> | null;
    if (!m) return 'dead letter sent';
    if (m.state === 'pending') return `${m._id}: queued again; the e-mail delivery (the reactors' next tick) sends it`;
    return `${m._id}: ${m.state} after one attempt: ${m.lastError ?? '-'}`;
  }
  if (result.kind === 'due_work') return `${result.item!._id}: back to pending, the next scheduler tick performs it`;
  const p = result.item as ParkedEventDoc;
  if (p.state === 'resolved') return `${p._id}: applied again successfully, resolved`;
  if (p.state === 'retry_requested') return `${p._id}: retry requested; the process that runs ${p.subscriber} performs it (the projector, or the API at its next start)`;
  return `${p._id}: still failing after ${p.attempts} attempts: ${p.error.split('\n')[0]}`;
}

/** The API's admin routes, when it answers. */
async function viaApi(config: AppConfig, baseUrl: string, command: string, id: string | undefined, all: boolean): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1500) });
    if (!res.ok) return false;
  } catch {
    return false;
  }
  let jwt = new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('parked-cli').setIssuedAt().setExpirationTime('5m');
  if (config.jwtIssuer) jwt = jwt.setIssuer(config.jwtIssuer);
  if (config.jwtAudience) jwt = jwt.setAudience(config.jwtAudience);
  const token = await jwt.sign(new TextEncoder().encode(hs256Secret(config)));
  const headers = { authorization: `Bearer ${token}` };
  const res =
    command === 'list'
      ? await fetch(`${baseUrl}/admin/parked-events${all ? '?all=true' : ''}`, { headers })
      : await fetch(`${baseUrl}/admin/parked-events/${encodeURIComponent(id!)}/retry`, { method: 'POST', headers });
  const body = (await res.json().catch(() => ({}))) as any;
  if (!res.ok) throw new Error(`${res.status} ${body.code ?? ''} ${body.detail ?? body.title ?? ''}`.trim());
  // The API answers each list in the one envelope of the API: {items, nextCursor}.
  if (command === 'list') print({ parkedEvents: body.parkedEvents?.items ?? [], failedDueWork: body.failedDueWork?.items ?? [], deadLetters: body.deadLetters?.items ?? [] });
  else console.log(describe(body));
  return true;
}

async function openReadStore(config: AppConfig): Promise<ReadStore> {
  // Fail fast when another process holds the embedded file.
  if (!config.mongodbUri) return EmbeddedReadStore.open({ file: path.join(config.dataDir, 'read-models.sqlite'), busyTimeoutMs: 500 });
  return createReadStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, cacheMb: config.readStoreCacheMb });
}

async function direct(config: AppConfig, readStore: ReadStore, command: string, id: string | undefined, all: boolean): Promise<void> {
  if (command === 'list') {
    print({
      parkedEvents: await listParkedEvents(readStore, { includeResolved: all }),
      failedDueWork: await listFailedDueWork(readStore),
      deadLetters: (await listDeadLetters(readStore)).map(({ text: _text, ...m }) => m),
    });
    return;
  }
  const parked = await findParkedEvent(readStore, id!);
  if (!parked) {
    const due = await readStore.collection<DueWorkDoc>(DUE_WORK).findOne({ _id: id! });
    if (!due) {
      const mail = await readStore.collection<MailOutboxDoc>(MAIL_OUTBOX).findOne({ _id: id! });
      if (mail?.state !== 'dead') throw new Error(`no parked event, due work or dead letter ${id}`);
      const requeued = (await requeueDeadLetter(readStore, id!, new Date()))!;
      const { text: _text, ...item } = requeued;
      console.log(describe({ kind: 'dead_letter', item }));
      return;
    }
    console.log(describe({ kind: 'due_work', item: (await retryDueWork(readStore, id!))! }));
    return;
  }
  let doc = (await requestParkedRetry(readStore, parked._id))!;
  if (config.mongodbUri && doc.state === 'retry_requested') {
    // The projector looks for requests every half second.
    const deadline = Date.now() + 15_000;
    while (doc.state === 'retry_requested' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      doc = (await readStore.collection<ParkedEventDoc>(PARKED_EVENTS).findOne({ _id: parked._id }))!;
    }
    if (doc.state === 'retry_requested') console.log(`${doc._id}: no projector picked the retry up within 15 s: is the projector running?`);
  }
  console.log(describe({ kind: 'parked_event', item: doc }));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { all: { type: 'boolean' }, api: { type: 'string' } } });
  const [command, id] = positionals;
  if (!(command === 'list' || (command === 'retry' && id))) {
    console.error(USAGE);
    process.exit(2);
  }
  const config = loadConfig({ ...process.env, RUN_PROJECTIONS: 'true' });
  const api = values.api ?? `http://127.0.0.1:${config.port}`;
  if (await viaApi(config, api, command, id, !!values.all)) return;
  let readStore: ReadStore;
  try {
    readStore = await openReadStore(config);
  } catch (error) {
    console.error(`neither the API at ${api} nor the read store answers (${error instanceof Error ? error.message : String(error)})`);
    process.exit(1);
  }
  try {
    await direct(config, readStore, command, id, !!values.all);
  } finally {
    await readStore.close();
  }
}

void main().catch((error) => {
  logCliFailure('parked', error);
  process.exit(1);
});
