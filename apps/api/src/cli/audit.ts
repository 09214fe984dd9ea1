// `npm run audit -- student <id> [--as-of <instant>] [--csv]`: the same replay as
// GET /students/{id}/history, straight from the event store (DATA_DIR or ESDB_CONNECTION_STRING).
// `npm run audit -- invariants [--json]`: folds the whole log and reports every R9, two-mentor, R14,
// caseload and calendar violation (exit code 1 when there is one).
// `npm run audit -- verify [--stream <id>] [--json]`: recomputes the tamper evidence (hash chains and checkpoints)
// and names the first altered, inserted or missing event (exit code 0 intact, 1 when something is found, 2 usage).
import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment
import { logCliFailure } from '@mentoring/config';
import { parseArgs } from 'node:util';
import { checkEventStoreInvariants, formatInvariantReport, invariantViolations } from '@mentoring/application';
import { loadConfig } from '@mentoring/config';
import { createEventStore, createKeyStore, EventStore, formatVerificationReport, verifyAuditTrail } from '@mentoring/event-store';
import { studentAudit, studentAuditCsv } from '../audit/student-audit';
import { studentStream } from '../shared/streams';

function openEventStore(): EventStore {
  const config = loadConfig({ ...process.env, RUN_PROJECTIONS: 'true' });
  return createEventStore({
    esdbConnectionString: config.esdbConnectionString,
    dataDir: config.dataDir,
    synchronous: config.sqliteSynchronous,
    keyStore: createKeyStore({ keyEncryptionKey: config.keyEncryptionKey, mongodbUri: config.mongodbUri, dataDir: config.dataDir }),
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'as-of': { type: 'string' }, csv: { type: 'boolean' }, json: { type: 'boolean' }, stream: { type: 'string' } } });
  const [subject, id] = positionals;
  if (subject === 'invariants') return invariants(values.json === true);
  if (subject === 'verify') {
    if (id !== undefined || values.stream === '') {
      console.error('usage: npm run audit -- verify [--stream <streamId>] [--json]');
      process.exit(2);
    }
    return verify(values.stream, values.json === true);
  }
  if (subject !== 'student' || !id) {
    console.error('usage: npm run audit -- student <studentId> [--as-of <ISO instant>] [--csv]\n       npm run audit -- invariants [--json]\n       npm run audit -- verify [--stream <streamId>] [--json]');
    process.exit(2);
  }
  const asOf = values['as-of'] ? new Date(values['as-of']) : undefined;
  if (asOf && Number.isNaN(asOf.getTime())) {
    console.error(`--as-of must be an ISO-8601 instant, got "${values['as-of']}"`);
    process.exit(2);
  }
  const store = openEventStore();
  try {
    const events = await store.readStream(studentStream(id));
    if (events.length === 0) {
      console.error(`no student ${id}`);
      process.exitCode = 1;
      return;
    }
    const audit = studentAudit(id, events, asOf);
    process.stdout.write(values.csv ? studentAuditCsv(audit) : `${JSON.stringify(audit, null, 2)}\n`);
  } finally {
    await store.close();
  }
}

/**
 * The whole log folded. The caseload and calendar counts describe a settled store: reservations of requests
 * still in flight, or younger than RESERVATION_GRACE_SECONDS, count as mismatches until the reconciler ran.
 */
async function invariants(json: boolean): Promise<void> {
  const store = openEventStore();
  try {
    const report = await checkEventStoreInvariants(store, { examplesPerKind: 10 });
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatInvariantReport(report));
    if (invariantViolations(report) > 0) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

/** Tamper evidence: exit code 0 when intact, 1 when an altered, inserted or missing event is found. */
async function verify(streamId: string | undefined, json: boolean): Promise<void> {
  const store = openEventStore();
  try {
    const report = await verifyAuditTrail(store, { streamId });
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatVerificationReport(report));
    if (!report.intact) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

void main().catch((error) => {
  logCliFailure('audit', error);
  // An unknown option or a missing value is a usage error.
  process.exit(String((error as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS') ? 2 : 1);
});
