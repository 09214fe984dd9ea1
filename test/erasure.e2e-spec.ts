// Crypto-shredding end to end (issue 11, part 1): a student with every kind of personal data (name, e-mail,
// disability, a tutor's contact, comments, a follow-up note, a recording, feedback, e-mails in the outbox) is
// erased; then no file under DATA_DIR holds their name or e-mail in any byte, no read-model document either, and
// the facts (assignment, sessions, attendance) are still told by the history and the funder's report, after a
// rebuild and after a restart too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReadStore } from '@mentoring/read-store';
import { READ_STORE } from '../apps/api/src/shared/tokens';
import { MAIL_OUTBOX, MailOutboxDoc } from '@mentoring/reactors';
import { Person, TestClock, person, post } from './support/commands';
import { discoverySessionHeld, postCreated, reactionsSettled } from './support/reactors';
import { enrolment, mentorBody, startTestApp, tempDataDir, TestApp } from './support/test-app';

const on = (day: number, time: string) => new Date(Date.parse(`2027-01-04T${time}:00.000Z`) + day * 86_400_000).toISOString();

const NAME = 'Zoë Quintessa-Marlowe';
const EMAIL = 'zoe.quintessa@students.example';

/** The forms the name and e-mail could take in a file: UTF-8, JSON-escaped, UTF-16 (LE and BE), and their distinctive parts. */
function needles(): Array<{ label: string; bytes: Buffer }> {
  const words = [NAME, EMAIL, 'Quintessa', 'zoe.quintessa'];
  const forms = words.flatMap((w) => {
    const escaped = JSON.stringify(w).slice(1, -1);
    const ascii = w.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const le = Buffer.from(w, 'utf16le');
    const be = Buffer.from(le).swap16();
    return [
      { label: `${w} (UTF-8)`, bytes: Buffer.from(w, 'utf8') },
      { label: `${w} (JSON)`, bytes: Buffer.from(escaped, 'utf8') },
      { label: `${w} (JSON \\u)`, bytes: Buffer.from(ascii, 'utf8') },
      { label: `${w} (UTF-16LE)`, bytes: le },
      { label: `${w} (UTF-16BE)`, bytes: be },
    ];
  });
  return forms;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** Every (file, form) where the raw bytes hold the person's name or e-mail. No file is excluded. */
function hitsIn(dataDir: string): string[] {
  const forms = needles();
  return filesUnder(dataDir).flatMap((file) => {
    const bytes = fs.readFileSync(file);
    return forms.filter((f) => bytes.includes(f.bytes)).map((f) => `${path.relative(dataDir, file)}: ${f.label}`);
  });
}

describe('erasure of a student\'s personal data (crypto-shredding)', () => {
  const clock = new TestClock(on(0, '09:00'));
  const dataDir = tempDataDir();
  let t: TestApp;
  let staff: Person;
  let auditor: Person;
  let mentor: Person;
  let studentId: string;
  let mentorId: string;

  beforeAll(async () => {
    t = await startTestApp({ DATA_DIR: dataDir }, { clock });
    staff = await person(t, 'staff', 'staff-1');
    auditor = await person(t, 'auditor', 'auditor-1');
  });
  afterAll(() => t.close());

  it('records a student\'s whole mentorship, with personal data everywhere (events, read models, outbox)', async () => {
    ({ mentorId } = await postCreated(t, staff, '/mentors', mentorBody({ name: 'Mia Mentor', email: 'mia@mentors.example', disabilityFriendly: true, disabilityTrainingCompletedOn: '2026-06-01' })));
    mentor = await person(t, 'mentor', mentorId);
    ({ studentId } = await postCreated(t, staff, '/students', enrolment('apprenticeship', { name: NAME, email: EMAIL, registeredDisability: true })));
    const base = `/students/${studentId}`;
    await postCreated(t, staff, `${base}/assignment`, { mentorId });
    const discovery = await discoverySessionHeld(t, clock, mentor, studentId, on(1, '10:00'));
    await postCreated(t, mentor, `${base}/internal-comments`, { text: `${NAME} asked to move sessions to mornings` });
    await postCreated(t, mentor, `${base}/follow-ups`, { reason: 'other', note: `Call ${NAME} at ${EMAIL}` });
    await postCreated(t, mentor, `${base}/first-session-recording`, { sessionId: discovery, recordingUrl: 'https://recordings.example/zoe-quintessa-1' });
    await postCreated(t, staff, `${base}/first-session-feedback`, { sessionId: discovery, feedback: `Good rapport with ${NAME}` });
    const { sessionId } = await postCreated(t, mentor, `${base}/sessions`, { start: on(8, '10:00') });
    clock.set(on(8, '10:40'));
    await postCreated(t, mentor, `${base}/sessions/${sessionId}/no-show`);
    await reactionsSettled(t);

    expect(fs.readdirSync(path.join(dataDir, 'outbox')).length).toBeGreaterThan(0);
    const profile = await t.request('GET', `${base}?waitFor=${(await t.eventStore.headPosition())!.commit}`, { token: staff.token });
    expect(profile.body).toMatchObject({ name: NAME, email: EMAIL, registeredDisability: true });
    // The events hold no personal data in clear, from the start.
    const raw = fs.readFileSync(path.join(dataDir, 'events.sqlite'));
    expect(raw.includes(Buffer.from(EMAIL))).toBe(false);
  });

  it('refuses the erasure while the student has a mentor, and to anyone but staff', async () => {
    const refused = await post(t, staff, `/students/${studentId}/personal-data-erasure`, { reason: 'Art. 17 request, ticket 41' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('erasure_requires_closed_training');
    const byMentor = await post(t, mentor, `/students/${studentId}/personal-data-erasure`, { reason: 'Art. 17' });
    expect(byMentor.status).toBe(403);
    const noReason = await post(t, staff, `/students/${studentId}/personal-data-erasure`, {});
    expect(noReason.status).toBe(400);
  });

  it('erases: no byte of any file under DATA_DIR, no read-model document, holds the name or the e-mail', async () => {
    await postCreated(t, staff, `/students/${studentId}/withdrawal`, { reason: `${NAME} moved abroad` });
    await reactionsSettled(t);
    // A message about the student that could not be delivered (dead-lettered by the delivery worker).
    await t.app.get<ReadStore>(READ_STORE).collection<MailOutboxDoc>(MAIL_OUTBOX).insertOne({
      _id: 'assignment-email:dead-letter-of-the-student',
      key: 'assignment-email:dead-letter-of-the-student',
      reactor: 'assignment-email',
      to: EMAIL,
      subject: `Your mentor, ${NAME}`,
      text: `Hello ${NAME}`,
      state: 'dead',
      attempts: 3,
    } as unknown as MailOutboxDoc);
    const erased = await postCreated(t, staff, `/students/${studentId}/personal-data-erasure`, { reason: 'Art. 17 request, ticket 41' });
    expect(erased.events).toEqual(['StudentPersonalDataErased']);
    await reactionsSettled(t);

    expect(hitsIn(dataDir)).toEqual([]);
    const readStore = t.app.get<ReadStore>(READ_STORE);
    const documents: string[] = [];
    for (const name of await readStore.listCollections()) {
      for (const doc of await readStore.collection(name).find({})) documents.push(JSON.stringify(doc));
    }
    expect(documents.filter((d) => d.includes('Quintessa') || d.includes('zoe.quintessa'))).toEqual([]);
    // Repeating the erasure appends nothing.
    const again = await post(t, staff, `/students/${studentId}/personal-data-erasure`, { reason: 'again' });
    expect(again.status).toBe(200);
  });

  it('shows placeholders where the personal data was, and every fact with its date and actor', async () => {
    const profile = await t.request('GET', `/students/${studentId}`, { token: staff.token });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ studentId, name: '[erased]', email: '[erased]', registeredDisability: false, status: 'withdrawn' });
    expect(profile.raw).not.toMatch(/Quintessa|zoe\.quintessa|tess@acme/);

    const history = await t.request('GET', `/students/${studentId}/history`, { token: auditor.token });
    expect(history.status).toBe(200);
    const text = JSON.stringify(history.body);
    expect(text).not.toMatch(/Quintessa|zoe\.quintessa/);
    for (const kind of ['assigned', 'session_held', 'session_missed', 'training_withdrawn', 'personal_data_erased', 'fact:no_show']) expect(text).toContain(`"${kind}"`);
    expect(text).toContain('staff-1');
    expect(text).toContain(mentorId);

    const report = await t.request('GET', '/funders/acme/attendance', { token: auditor.token });
    expect(report.status).toBe(200);
    expect(JSON.stringify(report.body)).toContain(studentId);
    expect(JSON.stringify(report.body)).not.toMatch(/Quintessa/);
  });

  it('refuses what would need the erased person\'s data, and sends them nothing', async () => {
    const comment = await post(t, mentor, `/students/${studentId}/internal-comments`, { text: 'hello' });
    expect(comment.status).toBe(409);
  });

  it('rebuilds every projection after the erasure, with the placeholders', async () => {
    const admin = await person(t, 'admin', 'admin-1');
    const projections = await t.request('GET', '/admin/projections', { token: admin.token });
    const names: string[] = projections.body.items.map((p: { name: string }) => p.name);
    for (const name of names) {
      const answer = await t.request('POST', `/admin/projections/${name}/rebuild`, { token: admin.token });
      expect([200, 202]).toContain(answer.status);
    }
    for (let i = 0; i < 400; i++) {
      const list = await t.request('GET', '/admin/projections', { token: admin.token });
      const states = (list.body.items as Array<{ rebuild: { state: string } | null }>).map((p) => p.rebuild?.state);
      if (states.every((state) => state === 'switched')) break;
      expect(states).not.toContain('failed');
      await new Promise((r) => setTimeout(r, 25));
    }
    const profile = await t.request('GET', `/students/${studentId}?waitFor=${(await t.eventStore.headPosition())!.commit}`, { token: staff.token });
    expect(profile.body).toMatchObject({ name: '[erased]', email: '[erased]', registeredDisability: false });
    await reactionsSettled(t);
    expect(hitsIn(dataDir)).toEqual([]);
  });

  it('restarts on the same DATA_DIR and still reads placeholders', async () => {
    await t.close({ keepData: true });
    t = await startTestApp({ DATA_DIR: dataDir }, { clock });
    staff = await person(t, 'staff', 'staff-1');
    const profile = await t.request('GET', `/students/${studentId}`, { token: staff.token });
    expect(profile.body).toMatchObject({ name: '[erased]', email: '[erased]' });
    const events = await t.eventStore.readStream(`student-${studentId}`);
    expect(events[0].data).toMatchObject({ name: '[erased]', email: '[erased]', registeredDisability: false, funding: { tutor: { name: '[erased]', email: '[erased]' } } });
  });
});
