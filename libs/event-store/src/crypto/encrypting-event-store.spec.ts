import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { EVENT_TYPES } from '@mentoring/domain';
import { NewEvent, RecordedEvent } from '../event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { cloneData, DecryptionError, EncryptingEventStore, Envelope, isEnvelope } from './encrypting-event-store';
import { WrappingKeyStore } from './key-store';
import { ERASED, PERSONAL_DATA_MAP } from './personal-data-map';
import { SqliteKeyTable } from './sqlite-key-table';

const metadata = { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' as const }, occurredAt: '2027-01-04T09:00:00.000Z' };

function enrolled(studentId: string): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'StudentEnrolled',
    schemaVersion: 1,
    metadata,
    data: {
      studentId,
      name: 'Zoë Ångström',
      email: 'zoe@students.example',
      trainingPath: 'web',
      registeredDisability: true,
      startDate: '2027-01-04',
      funding: { kind: 'apprenticeship', company: { id: 'co-1', name: 'Acme' }, employer: { id: 'co-1', name: 'Acme' }, tutor: { id: 't-1', name: 'Tom Tutor', email: 'tom@acme.example' }, rhythm: { studyWeeks: 2, workWeeks: 2 }, endDate: '2028-01-04' },
      attendanceObligatory: false,
      enrolledAt: '2027-01-04T09:00:00.000Z',
    },
  };
}

describe('EncryptingEventStore', () => {
  let dir: string;
  let raw: SqliteEventStore;
  let keys: WrappingKeyStore;
  let store: EncryptingEventStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-'));
    raw = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
    keys = new WrappingKeyStore(new SqliteKeyTable(path.join(dir, 'keys.sqlite')), 'k'.repeat(40));
    store = new EncryptingEventStore(raw, keys);
  });
  afterEach(async () => {
    await store.close();
  });

  /** Closes the stores, flips a bit of the e-mail's ciphertext in the first event of `type` on disk, and opens them again. */
  async function flipEmailCiphertext(type: string): Promise<void> {
    await store.close();
    const db = new Database(path.join(dir, 'events.sqlite'));
    const row = db.prepare('SELECT rowid AS id, data FROM events WHERE type = ? ORDER BY rowid').get(type) as { id: number; data: string };
    const data = JSON.parse(row.data);
    const ct = Buffer.from(data.email.ct, 'base64');
    ct[0] ^= 1;
    data.email.ct = ct.toString('base64');
    db.prepare('UPDATE events SET data = ? WHERE rowid = ?').run(JSON.stringify(data), row.id);
    db.close();
    raw = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
    keys = new WrappingKeyStore(new SqliteKeyTable(path.join(dir, 'keys.sqlite')), 'k'.repeat(40));
    store = new EncryptingEventStore(raw, keys);
  }

  it('stores personal fields as envelopes and reads them back in clear on every read path (round trip)', async () => {
    const event = enrolled('s-1');
    await store.append('student-s-1', [event], 'no_stream');
    const [stored] = await raw.readStream('student-s-1');
    const data = stored.data as Record<string, any>;
    for (const field of ['name', 'email', 'registeredDisability']) expect(isEnvelope(data[field])).toBe(true);
    expect(isEnvelope(data.funding.tutor.name) && isEnvelope(data.funding.tutor.email)).toBe(true);
    // The facts stay clear.
    expect(data).toMatchObject({ studentId: 's-1', trainingPath: 'web', startDate: '2027-01-04', funding: { kind: 'apprenticeship', company: { id: 'co-1', name: 'Acme' }, tutor: { id: 't-1' } } });
    // Characters no base64 ciphertext holds (ë, @, a space): a random "Zo" in the ciphertext is no leak.
    expect(JSON.stringify(data)).not.toMatch(/Zoë|zoe@|Tom Tutor|tom@/);
    // The caller's event is not changed.
    expect((event.data as any).name).toBe('Zoë Ångström');

    expect((await store.readStream('student-s-1'))[0].data).toEqual(event.data);
    expect((await store.readAll())[0].data).toEqual(event.data);
    const delivered = await new Promise<RecordedEvent[]>((resolve) => {
      const sub = store.subscribeToAll({ onEvents: async (events) => { resolve(events); void sub.stop(); } });
    });
    expect(delivered[0].data).toEqual(event.data);
  });

  it('seals a copy made along the sealed paths only: the caller\'s objects are unchanged, the rest is shared', async () => {
    const event = enrolled('s-1');
    const before = structuredClone(event.data);
    const sealed = (await store.encryptEvent(event)).data as Record<string, any>;
    const given = event.data as Record<string, any>;
    expect(given).toEqual(before);
    expect(sealed.funding).not.toBe(given.funding);
    expect(sealed.funding.tutor).not.toBe(given.funding.tutor);
    expect(isEnvelope(sealed.funding.tutor.name) && isEnvelope(sealed.funding.tutor.email)).toBe(true);
    // Not on a sealed path: the same object (nothing below changes either).
    expect(sealed.funding.company).toBe(given.funding.company);
    // One data key per subject and event, a fresh IV per field.
    const envelopes = [sealed.name, sealed.email, sealed.registeredDisability, sealed.funding.tutor.name, sealed.funding.tutor.email] as Envelope[];
    expect(new Set(envelopes.map((e) => e.k)).size).toBe(1);
    expect(new Set(envelopes.map((e) => e.iv)).size).toBe(envelopes.length);
  });

  it('never gives two seals the same IV (IVs are drawn in pools, a pool is never reused)', async () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const sealed = (await store.encryptEvent(enrolled('s-1'))).data as Record<string, any>;
      for (const field of [sealed.name, sealed.email, sealed.funding.tutor.email] as Envelope[]) ivs.add(field.iv);
    }
    expect(ivs.size).toBe(900);
  });

  it('copies read data as structuredClone does (JSON values, a __proto__ key kept as data)', () => {
    const value = JSON.parse('{"a":[1,{"b":null,"c":"x"}],"__proto__":{"polluted":true},"d":{"e":[[]]}}');
    const copy = cloneData(value) as Record<string, any>;
    expect(copy).toEqual(structuredClone(value));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(Object.keys(value));
    expect(copy.a[1]).not.toBe(value.a[1]);
  });

  it('refuses a field sealed under another key (never returns bytes it cannot authenticate)', async () => {
    await store.append('student-s-1', [enrolled('s-1')], 'no_stream');
    await store.append('student-s-2', [enrolled('s-2')], 'no_stream');
    await store.close();
    const db = new Database(path.join(dir, 'events.sqlite'));
    const rows = db.prepare('SELECT rowid AS id, data FROM events ORDER BY rowid').all() as { id: number; data: string }[];
    const second = JSON.parse(rows[1].data);
    const first = JSON.parse(rows[0].data);
    first.name = second.name; // s-2's ciphertext copied into s-1's event
    db.prepare('UPDATE events SET data = ? WHERE rowid = ?').run(JSON.stringify(first), rows[0].id);
    db.close();
    raw = new SqliteEventStore({ file: path.join(dir, 'events.sqlite'), synchronous: 'NORMAL' });
    keys = new WrappingKeyStore(new SqliteKeyTable(path.join(dir, 'keys.sqlite')), 'k'.repeat(40));
    store = new EncryptingEventStore(raw, keys);
    await expect(store.readStream('student-s-1')).rejects.toBeInstanceOf(DecryptionError);
    expect((await store.readStream('student-s-2'))[0].data).toMatchObject({ name: 'Zoë Ångström' });
  });

  it('refuses tampered ciphertext with an error, not altered plaintext', async () => {
    await store.append('student-s-1', [enrolled('s-1')], 'no_stream');
    await flipEmailCiphertext('StudentEnrolled');
    await expect(store.readStream('student-s-1')).rejects.toThrow(/email cannot be decrypted \(authentication failed\)/);
  });

  it('reads an erased person\'s fields as placeholders, and keeps everything else', async () => {
    await store.append('student-s-1', [enrolled('s-1')], 'no_stream');
    await store.append('student-s-2', [enrolled('s-2')], 'no_stream');
    await store.erase('student', 's-1');
    const [event] = await store.readStream('student-s-1');
    expect(event.data).toMatchObject({
      studentId: 's-1',
      name: ERASED,
      email: ERASED,
      registeredDisability: false,
      trainingPath: 'web',
      funding: { kind: 'apprenticeship', company: { id: 'co-1', name: 'Acme' }, tutor: { id: 't-1', name: ERASED, email: ERASED } },
    });
    expect((await store.readStream('student-s-2'))[0].data).toMatchObject({ name: 'Zoë Ångström', registeredDisability: true });
    // Nothing new can be sealed for an erased person: their fields are written as placeholders.
    const later = { ...enrolled('s-1'), type: 'StudentAssigned', data: { studentId: 's-1', student: { name: 'Zoë', email: 'zoe@students.example' } } };
    await store.append('student-s-1', [later], 0);
    const stored = (await raw.readStream('student-s-1'))[1].data as any;
    expect(stored.student).toEqual({ name: ERASED, email: ERASED });
  });

  it('reuses opened events across subscribers, hands out copies, and drops them when a key is destroyed (any path)', async () => {
    await store.append('student-s-1', [enrolled('s-1')], 'no_stream');
    const [first] = await store.readStream('student-s-1');
    (first.data as any).name = 'changed by one consumer';
    const [second] = await store.readStream('student-s-1');
    expect((second.data as any).name).toBe('Zoë Ångström');
    // Destroyed through the key store itself (as the erasure clean-up does), not through the event store.
    await keys.destroy('student:s-1');
    const [after] = await store.readStream('student-s-1');
    expect((after.data as any).name).toBe(ERASED);
  });

  it('another process\'s erasure is honoured once the erasure event is read, despite the cached key', async () => {
    const other = new EncryptingEventStore(raw, new WrappingKeyStore(new SqliteKeyTable(path.join(dir, 'keys.sqlite')), 'k'.repeat(40)), { ownsKeyStore: true });
    await store.append('student-s-1', [enrolled('s-1')], 'no_stream');
    expect((await other.readStream('student-s-1'))[0].data).toMatchObject({ name: 'Zoë Ångström' }); // cached in `other`
    await store.erase('student', 's-1');
    await store.append('student-s-1', [{ eventId: randomUUID(), type: 'StudentPersonalDataErased', schemaVersion: 1, metadata, data: { studentId: 's-1', reason: 'Art. 17', erasedBy: metadata.actor, erasedAt: metadata.occurredAt } }], 0);
    const events = await other.readAll();
    expect(events.map((e) => (e.data as any).name ?? e.type)).toEqual(['Zoë Ångström', 'StudentPersonalDataErased']); // read before the erasure event
    expect((await other.readStream('student-s-1'))[0].data).toMatchObject({ name: ERASED });
  });

  it('a filtered read opens only the events asked for: a damaged event of another type is never opened', async () => {
    await store.append('student-s-1', [enrolled('s-1')], 'no_stream');
    const assigned = { eventId: randomUUID(), type: 'StudentAssigned', schemaVersion: 1, metadata, data: { studentId: 's-1', mentorId: 'm-1', student: { name: 'Zoë', email: 'zoe@students.example' } } };
    await store.append('student-s-1', [assigned], 0);
    await flipEmailCiphertext('StudentEnrolled');
    await expect(store.readAll()).rejects.toBeInstanceOf(DecryptionError);
    const read = await store.readAllFiltered({ eventTypes: new Set(['StudentAssigned']) });
    expect(read.events.map((e) => e.data)).toEqual([assigned.data]);
    expect(read.scanned).toBe(2);
    await expect(store.readAllFiltered({ eventTypes: new Set(['StudentEnrolled']) })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('a filtered read that does not ask for erasures still honours another process\'s erasure, and does not return it', async () => {
    const other = new EncryptingEventStore(raw, new WrappingKeyStore(new SqliteKeyTable(path.join(dir, 'keys.sqlite')), 'k'.repeat(40)), { ownsKeyStore: true });
    await store.append('student-s-1', [enrolled('s-1')], 'no_stream');
    const only = new Set(['StudentEnrolled']);
    expect((await other.readAllFiltered({ eventTypes: only })).events[0].data).toMatchObject({ name: 'Zoë Ångström' }); // key cached in `other`
    await store.erase('student', 's-1');
    await store.append('student-s-1', [{ eventId: randomUUID(), type: 'StudentPersonalDataErased', schemaVersion: 1, metadata, data: { studentId: 's-1', reason: 'Art. 17', erasedBy: metadata.actor, erasedAt: metadata.occurredAt } }], 0);
    const read = await other.readAllFiltered({ eventTypes: only });
    expect(read.events.map((e) => e.type)).toEqual(['StudentEnrolled']);
    expect(read.scanned).toBe(2);
    expect((await other.readAllFiltered({ eventTypes: only })).events[0].data).toMatchObject({ name: ERASED, email: ERASED });
  });

  it('has decided, for every event type of the domain, which fields are personal', () => {
    expect(Object.keys(PERSONAL_DATA_MAP).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('declares every field path on a type with the id of its owner', () => {
    for (const [type, fields] of Object.entries(PERSONAL_DATA_MAP)) {
      for (const f of fields) expect(`${type}.${f.path}`).toMatch(/^\w+\.[\w.]+$/);
    }
  });
});
