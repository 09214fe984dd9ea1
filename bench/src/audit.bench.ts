// (e) An audit replay: one student with 1,000 events, read from the SQLite event store and replayed
// into the audit report (GET /students/{id}/history does exactly this), p50/p99 over repeated runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DomainEvent, EVENT_SCHEMA_VERSIONS, EventType, StudentCommand, studentDecider } from '@mentoring/domain';
import { SqliteEventStore } from '@mentoring/event-store';
import { studentAudit } from '@mentoring/api/dist/audit/student-audit';

const DAY = 24 * 3600 * 1000;

export async function benchAuditReplay(runs = 300): Promise<Array<[string, string]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mentoring-audit-'));
  const store = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
  const staff = { id: 'staff-1', role: 'staff' as const };
  const mentor = { id: 'm-1', role: 'mentor' as const };
  let state = studentDecider.initialState;
  let t = Date.parse('2027-01-04T08:00:00.000Z');
  const stream = 'student-audit-1';
  let revision = -1;
  const run = async (command: StudentCommand, by: { id: string; role: 'staff' | 'mentor' } = staff) => {
    const events: DomainEvent[] = studentDecider.decide({ ...command, data: { ...command.data, at: new Date(t).toISOString(), by } } as StudentCommand, state);
    for (const e of events) state = studentDecider.evolve(state, e as never);
    const result = await store.append(
      stream,
      events.map((e) => ({ eventId: randomUUID(), type: e.type, schemaVersion: EVENT_SCHEMA_VERSIONS[e.type as EventType], data: e.data, metadata: { correlationId: randomUUID(), causationId: 'bench', actor: by, occurredAt: new Date(t).toISOString() } })),
      revision < 0 ? 'no_stream' : revision,
    );
    revision = result.nextExpectedRevision;
  };
  await run({ type: 'EnrolStudent', data: { studentId: 'audit-1', name: 'Sam', email: 'sam@x.example', trainingPath: 'web', registeredDisability: false, startDate: '2027-01-04', funding: { kind: 'self_funded' } } } as never);
  await run({ type: 'AssignMentor', data: { studentId: 'audit-1', mentor: { mentorId: 'm-1', disabilityFriendly: false, trainingPaths: ['web'], active: true }, reservationId: 'reservation-1' } } as never);
  for (let n = 0; revision < 999; n++) {
    const sessionId = `session-${n}`;
    const start = t + DAY;
    await run({ type: n === 0 ? 'BookDiscoverySession' : 'BookSession', data: { studentId: 'audit-1', sessionId, slotId: `slot-${n}`, start: new Date(start).toISOString() } } as never, mentor);
    t = start + 2 * 3600 * 1000;
    await run({ type: 'RecordSessionHeld', data: { studentId: 'audit-1', sessionId } } as never, mentor);
  }
  const timings: number[] = [];
  let entries = 0;
  // Warm-up (JIT), not measured.
  for (let i = 0; i < 30; i++) studentAudit('audit-1', await store.readStream(stream), new Date(t - 30 * DAY));
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const events = await store.readStream(stream);
    entries = studentAudit('audit-1', events, new Date(t - 30 * DAY)).sessions.length;
    timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  const q = (p: number) => timings[Math.min(timings.length - 1, Math.floor(p * timings.length))].toFixed(2);
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return [[`(e) audit replay of a student with ${revision + 1} events (read from SQLite + replay, asOf), ${runs} runs`, `p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, after 30 warm-up runs (${entries} session entries as of the instant)`]];
}
