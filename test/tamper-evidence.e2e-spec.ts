// Tamper evidence (issue 11, part 2), end to end: a history built over HTTP, the app closed, then the SQLite
// file edited behind the application's back (an event's data altered, an event deleted from the middle of a
// stream, a stream's last event deleted, a forged event inserted): `npm run audit -- verify` names each and
// exits 1; on the untouched store it exits 0 with a summary. The API's VerifyAuditTrail says the same to auditors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import type { ReactorRunner } from '@mentoring/reactors';
import { REACTOR_RUNNER } from '../apps/api/src/shared/tokens';
import { enrolment, mentorBody, startTestApp, tempDataDir, TestApp } from './support/test-app';

const CLI = path.join(__dirname, '../apps/api/dist/cli/audit.js');

interface Row {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
}

function verifyCli(dataDir: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, 'verify', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('tamper evidence', () => {
  let source: string;
  let mentorId: string;
  let studentIds: string[];
  const copies: string[] = [];

  /** A copy of the closed store, edited with SQL. */
  function tampered(edit: (db: Database.Database) => void): string {
    const dir = tempDataDir();
    fs.cpSync(source, dir, { recursive: true });
    copies.push(dir);
    const db = new Database(path.join(dir, 'events.sqlite'));
    try {
      edit(db);
    } finally {
      db.close();
    }
    return dir;
  }
  const rows = (db: Database.Database, streamId: string) =>
    db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY revision').all(streamId) as Row[];

  beforeAll(async () => {
    const t = await startTestApp();
    source = t.dataDir;
    const staff = await t.token('staff', 'staff-1');
    const mentor = await t.request('POST', '/mentors', { token: staff, body: mentorBody({ capacity: 5 }) });
    mentorId = (mentor.body as { mentorId: string }).mentorId;
    studentIds = [];
    for (const kind of ['apprenticeship', 'self_funded', 'employee'] as const) {
      const enrolled = await t.request('POST', '/students', { token: staff, body: enrolment(kind) });
      const studentId = (enrolled.body as { studentId: string }).studentId;
      studentIds.push(studentId);
      expect((await t.request('POST', `/students/${studentId}/assignment`, { token: staff, body: { mentorId } })).status).toBe(201);
    }
    for (const note of ['slow start', 'missed a week']) {
      expect((await t.request('POST', `/students/${studentIds[0]}/internal-comments`, { token: staff, body: { text: note } })).status).toBe(201);
    }
    // The checkpoints process runs at the reactors' tick: an hour later, the partial segment is due.
    await t.app.get<ReactorRunner>(REACTOR_RUNNER).tick(new Date(Date.now() + 3_600_000));
    await t.close({ keepData: true });
  });

  afterAll(() => {
    for (const dir of [source, ...copies]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an untouched store: exit 0 and a summary line (events, streams, checkpoints)', () => {
    const { status, out } = verifyCli(source);
    expect(out).toMatch(/^intact: the whole log: \d+ events verified, \d+ streams, [1-9]\d* checkpoints/m);
    expect(status).toBe(0);
    const one = verifyCli(source, '--stream', `student-${studentIds[0]}`);
    expect(one.out).toMatch(/intact: stream student-/);
    expect(one.status).toBe(0);
  });

  it('usage errors exit 2', () => {
    expect(verifyCli(source, 'extra').status).toBe(2);
    expect(verifyCli(source, '--no-such-option').status).toBe(2);
  });

  it('(a) an event whose data was altered', () => {
    let victim!: Row;
    const dir = tampered((db) => {
      victim = rows(db, `student-${studentIds[1]}`)[0];
      db.prepare(`UPDATE events SET data = json_set(data, '$.tampered', 1) WHERE position = ?`).run(victim.position);
    });
    const { status, out } = verifyCli(dir);
    expect(status).toBe(1);
    expect(out).toContain(`ALTERED: ${victim.stream_id}@${victim.revision} (event ${victim.event_id}, position ${victim.position})`);
  });

  it('(b) an event deleted from the middle of a stream', () => {
    let victim!: Row;
    const dir = tampered((db) => {
      const stream = rows(db, `student-${studentIds[0]}`);
      expect(stream.length).toBeGreaterThanOrEqual(3);
      victim = stream[1];
      db.prepare('DELETE FROM events WHERE position = ?').run(victim.position);
    });
    const { status, out } = verifyCli(dir);
    expect(status).toBe(1);
    expect(out).toContain(`MISSING: ${victim.stream_id}: revision ${victim.revision} missing`);
  });

  it('(c) the last event of a stream deleted: named from the checkpoint', () => {
    let victim!: Row;
    const dir = tampered((db) => {
      const stream = rows(db, `mentor-${mentorId}`);
      victim = stream[stream.length - 1];
      db.prepare('DELETE FROM events WHERE position = ?').run(victim.position);
    });
    const { status, out } = verifyCli(dir);
    expect(status).toBe(1);
    expect(out).toContain(`MISSING: ${victim.stream_id}@${victim.revision}: missing`);
    const one = verifyCli(dir, '--stream', victim.stream_id);
    expect(one.status).toBe(1);
    expect(one.out).toContain(`MISSING: ${victim.stream_id}: revision ${victim.revision} missing`);
  });

  it('(d) a forged event inserted', () => {
    const forgedId = '6f0e3d1c-0000-4000-8000-00000000f0f0';
    let streamId!: string;
    let revision!: number;
    const dir = tampered((db) => {
      const stream = rows(db, `student-${studentIds[2]}`);
      const last = stream[stream.length - 1];
      streamId = last.stream_id;
      revision = last.revision + 1;
      // A plausible fact, its metadata (integrity included) copied from the stream's last event.
      db.prepare(
        'INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(streamId, revision, forgedId, 'TrainingCompleted', 1, JSON.stringify({ studentId: studentIds[2], completedAt: '2027-03-01T00:00:00.000Z' }), last.metadata, last.recorded_at);
    });
    const { status, out } = verifyCli(dir);
    expect(status).toBe(1);
    expect(out).toContain(`INSERTED: ${streamId}@${revision} (event ${forgedId}`);
  });

  describe('VerifyAuditTrail (GET /audit/verification)', () => {
    let t: TestApp;
    afterEach(async () => {
      await t?.close();
    });

    it('auditors and admins: intact on the untouched store; other roles 403', async () => {
      const dir = tampered(() => undefined);
      t = await startTestApp({ DATA_DIR: dir });
      const auditor = await t.request('GET', '/audit/verification', { token: await t.token('auditor', 'auditor-1') });
      expect(auditor.status).toBe(200);
      expect(auditor.body).toMatchObject({ intact: true, firstProblem: null, problems: [], streamId: null });
      expect((auditor.body as { checkpoints: number }).checkpoints).toBeGreaterThan(0);
      const admin = await t.request('GET', `/audit/verification?streamId=student-${studentIds[0]}`, { token: await t.token('admin', 'admin-1') });
      expect(admin.status).toBe(200);
      expect(admin.body).toMatchObject({ intact: true, streamId: `student-${studentIds[0]}` });
      for (const role of ['staff', 'mentor', 'student'] as const) {
        const refused = await t.request('GET', '/audit/verification', { token: await t.token(role, `${role}-1`) });
        expect(refused.status).toBe(403);
      }
      const bad = await t.request('GET', '/audit/verification?streamId=' + encodeURIComponent('a b'), { token: await t.token('auditor', 'auditor-1') });
      expect(bad.status).toBe(400);
    });

    it('after tampering: intact false, the first problem named', async () => {
      let victim!: Row;
      const dir = tampered((db) => {
        victim = rows(db, `student-${studentIds[1]}`)[1];
        db.prepare(`UPDATE events SET metadata = json_set(metadata, '$.actor.id', 'someone-else') WHERE position = ?`).run(victim.position);
      });
      t = await startTestApp({ DATA_DIR: dir });
      const answer = await t.request('GET', '/audit/verification', { token: await t.token('auditor', 'auditor-1') });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        intact: false,
        firstProblem: { kind: 'altered', streamId: victim.stream_id, revision: victim.revision, eventId: victim.event_id, position: String(victim.position) },
      });
    });
  });
});
