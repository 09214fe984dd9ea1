// Section (k), issue 11 part 1: the cost of crypto-shredding. The same command workload (EnrolStudent then
// AssignMentor: read the student's stream, append one event; 64 concurrent, synchronous=FULL) on a SQLite store
// with and without the EncryptingEventStore decorator, and the decryption rate of a rebuild (readAll of every event,
// personal fields opened). The "without" store is the raw adapter built here: production always wraps
// (createEventStore with the key store); there is no switch to turn encryption off. Alone: `node bench/dist/crypto.bench.js`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { EncryptingEventStore, EventStore, NewEvent, SqliteEventStore, SqliteKeyTable, START, WrappingKeyStore } from '@mentoring/event-store';

type Row = [string, string];

const metadata = () => ({ correlationId: randomUUID(), causationId: randomUUID(), actor: { id: 'staff-1', role: 'staff' as const }, occurredAt: '2027-01-04T09:00:00.000Z' });

function enrolled(studentId: string): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'StudentEnrolled',
    schemaVersion: 1,
    metadata: metadata(),
    data: {
      studentId,
      name: `Student ${studentId}`,
      email: `${studentId}@students.example`,
      trainingPath: 'web-development',
      registeredDisability: studentId.endsWith('7'),
      startDate: '2027-01-04',
      funding: { kind: 'apprenticeship', company: { id: 'acme', name: 'ACME' }, employer: { id: 'acme', name: 'ACME' }, tutor: { id: 't-1', name: 'Tess Tutor', email: 'tess@acme.example' }, rhythm: { studyWeeks: 2, workWeeks: 3 }, endDate: '2028-06-30' },
      attendanceObligatory: true,
      enrolledAt: '2027-01-04T09:00:00.000Z',
    },
  };
}

function assigned(studentId: string): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'StudentAssigned',
    schemaVersion: 2,
    metadata: metadata(),
    data: {
      studentId,
      mentorId: 'm-1',
      reservationId: randomUUID(),
      assignedAt: '2027-01-04T09:00:00.000Z',
      assignedBy: { id: 'staff-1', role: 'staff' },
      student: { name: `Student ${studentId}`, email: `${studentId}@students.example`, trainingPath: 'web-development' },
      profile: { kind: 'apprenticeship', funderId: 'acme', funder: 'ACME', cohort: null, endDate: '2028-06-30', sessionMinutes: 45, attendanceObligatory: true },
    },
  };
}

/** `total` commands, 64 at a time: read the stream (the decider's fold), append one event. Commands/s. */
async function commandRate(store: EventStore, ids: string[], make: (id: string) => NewEvent): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const streamId = `student-${id}`;
      const events = await store.readStream(streamId);
      await store.append(streamId, [make(id)], events.length === 0 ? 'no_stream' : events.length - 1);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  return ids.length / ((performance.now() - started) / 1000);
}

export async function benchCrypto(quick = process.env.BENCH_QUICK === '1'): Promise<Row[]> {
  const rows: Row[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-bench-crypto-'));
  const n = quick ? 3_000 : 10_000;
  try {
    const results: Record<string, { enrol: number; assign: number; rebuild: number }> = {};
    for (const encrypted of [false, true]) {
      const raw = new SqliteEventStore({ file: path.join(dir, `events-${encrypted}.sqlite`), synchronous: 'FULL' });
      const keys = new WrappingKeyStore(new SqliteKeyTable(path.join(dir, `keys-${encrypted}.sqlite`)), 'bench-key-encryption-key-0123456789abcdef');
      const store: EventStore = encrypted ? new EncryptingEventStore(raw, keys) : raw;
      const ids = Array.from({ length: n }, (_, i) => `s-${i}`);
      const enrol = await commandRate(store, ids, enrolled);
      const assign = await commandRate(store, ids, assigned);
      // A rebuild reads every event in $all order; a fresh key store (cold cache) like a restarted projector.
      await store.close();
      const reopened = new SqliteEventStore({ file: path.join(dir, `events-${encrypted}.sqlite`), synchronous: 'FULL' });
      const coldKeys = new WrappingKeyStore(new SqliteKeyTable(path.join(dir, `keys-${encrypted}.sqlite`)), 'bench-key-encryption-key-0123456789abcdef');
      const reader: EventStore = encrypted ? new EncryptingEventStore(reopened, coldKeys) : reopened;
      const started = performance.now();
      let after = START;
      let count = 0;
      for (;;) {
        const batch = await reader.readAll({ after, maxCount: 1000 });
        if (batch.length === 0) break;
        count += batch.length;
        after = batch[batch.length - 1].position;
      }
      const rebuild = count / ((performance.now() - started) / 1000);
      await reader.close();
      if (!encrypted) await coldKeys.close();
      if (!encrypted) await keys.close();
      results[String(encrypted)] = { enrol, assign, rebuild };
    }
    const [plain, sealed] = [results.false, results.true];
    const pct = (a: number, b: number) => `${Math.round((1 - b / a) * 100)} % overhead`;
    const fmt = (v: number) => Math.round(v).toLocaleString('en');
    rows.push([`(k) EnrolStudent-shaped commands (read stream + append, 64 concurrent, FULL), ${n / 1000}k: without / with encryption`, `${fmt(plain.enrol)} / ${fmt(sealed.enrol)} commands/s (${pct(plain.enrol, sealed.enrol)})`]);
    rows.push([`(k) AssignMentor-shaped commands (the student's stream read and decrypted, then appended), ${n / 1000}k: without / with encryption`, `${fmt(plain.assign)} / ${fmt(sealed.assign)} commands/s (${pct(plain.assign, sealed.assign)})`]);
    rows.push([`(k) rebuild read of ${(2 * n) / 1000}k events ($all, cold key cache): without / with decryption`, `${fmt(plain.rebuild)} / ${fmt(sealed.rebuild)} events/s (${pct(plain.rebuild, sealed.rebuild)})`]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) {
  void benchCrypto().then((rows) => {
    for (const [name, value] of rows) console.log(`${name}: ${value}`);
  });
}
