// `npm run audit -- student <id> [--as-of <instant>] [--csv]`: the same replay as
// GET /students/{id}/history, straight from the event store (DATA_DIR or ESDB_CONNECTION_STRING).
import { parseArgs } from 'node:util';
import { loadConfig } from '@mentoring/config';
import { createEventStore } from '@mentoring/event-store';
import { studentAudit, studentAuditCsv } from '../audit/student-audit';
import { studentStream } from '../shared/streams';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'as-of': { type: 'string' }, csv: { type: 'boolean' } } });
  const [subject, id] = positionals;
  if (subject !== 'student' || !id) {
    console.error('usage: npm run audit -- student <studentId> [--as-of <ISO instant>] [--csv]');
    process.exit(2);
  }
  const asOf = values['as-of'] ? new Date(values['as-of']) : undefined;
  if (asOf && Number.isNaN(asOf.getTime())) {
    console.error(`--as-of must be an ISO-8601 instant, got "${values['as-of']}"`);
    process.exit(2);
  }
  const config = loadConfig({ ...process.env, RUN_PROJECTIONS: 'true' });
  const store = createEventStore({ esdbConnectionString: config.esdbConnectionString, dataDir: config.dataDir, synchronous: config.sqliteSynchronous });
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

void main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
