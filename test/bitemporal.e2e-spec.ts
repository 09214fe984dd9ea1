// Bitemporal audit (issue 11, part 4): the history answers `asOf` (what was true at T, by the events'
// occurredAt) and `knownAt` (what the store had recorded by T′, by its recordedAt), together. A correction
// recorded later (a session moved, a change of mentor entered after the fact) does not rewrite what an
// auditor saw before it was recorded.
//
// Two clocks: the application's (occurredAt, what the command says happened when) and the event store's
// (recordedAt, the SQLite store's injectable clock). They agree except where the test makes a fact be
// entered late, as a change recorded after the fact would be.
import * as path from 'node:path';
import { SqliteEventStore } from '@mentoring/event-store';
import { createReadStore, ReadStore } from '@mentoring/read-store';
import { enrolment, mentorBody, startTestApp, TestApp, tempDataDir } from './support/test-app';
import { Person, person, post, TestClock } from './support/commands';

describe('bitemporal history: asOf (occurredAt) and knownAt (recordedAt)', () => {
  const app = new TestClock('2027-01-04T09:00:00.000Z');
  const store = new TestClock('2027-01-04T09:00:00.000Z');
  let eventStore: SqliteEventStore;
  let readStore: ReadStore;
  let t: TestApp;
  let staff: Person;
  let auditor: Person;
  let studentId: string;
  let mentorA: string;
  let mentorB: string;
  let sessionId: string;

  /** Both clocks at `iso`: the fact is recorded as it happens. */
  const at = (iso: string) => {
    app.set(iso);
    store.set(iso);
  };
  const history = async (query: string) => {
    const answer = await t.request('GET', `/students/${studentId}/history?${query}`, { token: auditor.token });
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const sessions = (body: any) => body.sessions.map((e: any) => [e.kind, e.sessionStart]);

  beforeAll(async () => {
    const dataDir = tempDataDir();
    eventStore = new SqliteEventStore({ file: path.join(dataDir, 'events.sqlite'), synchronous: 'NORMAL', clock: store.now });
    readStore = await createReadStore({ dataDir });
    t = await startTestApp({ DATA_DIR: dataDir }, { clock: app, eventStore, readStore });
    staff = await person(t, 'staff', 'staff-1');
    auditor = await person(t, 'auditor', 'auditor-1');

    at('2027-01-04T09:00:00.000Z');
    studentId = (await post(t, staff, '/students', enrolment('self_funded'))).body.studentId;
    mentorA = (await post(t, staff, '/mentors', mentorBody({ name: 'Mentor A' }))).body.mentorId;
    mentorB = (await post(t, staff, '/mentors', mentorBody({ name: 'Mentor B' }))).body.mentorId;
    at('2027-01-05T09:00:00.000Z');
    expect((await post(t, staff, `/students/${studentId}/assignment`, { mentorId: mentorA })).status).toBe(201);

    // The fact: a discovery session booked on Jan 6 for Jan 20 …
    at('2027-01-06T09:00:00.000Z');
    const booked = await post(t, staff, `/students/${studentId}/discovery-session`, { start: '2027-01-20T10:00:00Z' });
    expect(booked.status).toBe(201);
    sessionId = booked.body.sessionId;
    // … and its correction on Jan 8: moved to Jan 21.
    at('2027-01-08T09:00:00.000Z');
    expect((await post(t, staff, `/students/${studentId}/sessions/${sessionId}/reschedule`, { start: '2027-01-21T10:00:00Z' })).status).toBe(201);

    // A change of mentor decided on Jan 10 but entered only on Jan 12 (occurredAt Jan 10, recordedAt Jan 12).
    app.set('2027-01-10T09:00:00.000Z');
    store.set('2027-01-12T09:00:00.000Z');
    expect((await post(t, staff, `/students/${studentId}/mentor-change`, { mentorId: mentorB, fromMentorId: mentorA, reason: 'mentor left' })).status).toBe(201);
    at('2027-01-13T09:00:00.000Z');
  }, 60_000);

  afterAll(async () => {
    await t.close({ keepData: true });
    await eventStore.close();
    await readStore.close();
  });

  it('recordedAt is the store’s own clock, not the application’s', async () => {
    const change = (await eventStore.readStream(`student-${studentId}`)).find((e) => e.type === 'MentorChanged')!;
    expect([change.metadata.occurredAt, change.recordedAt]).toEqual(['2027-01-10T09:00:00.000Z', '2027-01-12T09:00:00.000Z']);
  });

  it('a correction recorded later does not change what knownAt before it shows', async () => {
    const before = await history('knownAt=2027-01-07T00:00:00Z');
    expect(sessions(before)).toEqual([['discovery_session_booked', '2027-01-20T10:00:00.000Z']]);
    expect(before.asOf).toEqual({ asOf: '2027-01-07T00:00:00.000Z', knownAt: '2027-01-07T00:00:00.000Z', status: 'active', mentorId: mentorA, revision: expect.any(Number) });

    const after = await history('knownAt=2027-01-09T00:00:00Z');
    expect(sessions(after)).toEqual([
      ['discovery_session_booked', '2027-01-20T10:00:00.000Z'],
      ['session_rescheduled', '2027-01-21T10:00:00.000Z'],
    ]);
    // The first answer is the same whenever it is asked again: history is not rewritten.
    expect(await history('knownAt=2027-01-07T00:00:00Z')).toEqual(before);
  });

  it('asOf and knownAt together: what was true at T as known at T′', async () => {
    // On Jan 11 the mentor was already B (changed on Jan 10) …
    expect((await history('asOf=2027-01-11T00:00:00Z')).asOf).toMatchObject({ mentorId: mentorB });
    expect((await history('asOf=2027-01-11T00:00:00Z&knownAt=2027-01-13T00:00:00Z')).asOf).toMatchObject({ mentorId: mentorB, knownAt: '2027-01-13T00:00:00.000Z' });
    // … but on Jan 11 nobody could know it yet: what an auditor saw then said A.
    const seenThen = await history('asOf=2027-01-11T00:00:00Z&knownAt=2027-01-11T00:00:00Z');
    expect(seenThen.asOf).toMatchObject({ asOf: '2027-01-11T00:00:00.000Z', knownAt: '2027-01-11T00:00:00.000Z', status: 'active', mentorId: mentorA });
    expect(seenThen.assignments.map((e: any) => e.kind)).toEqual(['assigned']);
    // Known today, as of Jan 9 (before the change happened): A, and the session as moved on Jan 8.
    const jan9 = await history('asOf=2027-01-09T00:00:00Z&knownAt=2027-01-13T00:00:00Z');
    expect(jan9.asOf).toMatchObject({ mentorId: mentorA });
    expect(sessions(jan9)).toEqual([
      ['discovery_session_booked', '2027-01-20T10:00:00.000Z'],
      ['session_rescheduled', '2027-01-21T10:00:00.000Z'],
    ]);
    // As of Jan 9 as known on Jan 7: the booking only (the move was recorded on Jan 8).
    expect(sessions(await history('asOf=2027-01-09T00:00:00Z&knownAt=2027-01-07T00:00:00Z'))).toEqual([['discovery_session_booked', '2027-01-20T10:00:00.000Z']]);
  });

  it('knownAt in the CSV, and a malformed knownAt is 400 invalid_known_at', async () => {
    const csv = await t.request('GET', `/students/${studentId}/history?format=csv&asOf=2027-01-11T00:00:00Z&knownAt=2027-01-11T00:00:00Z`, { token: auditor.token });
    expect(csv.status).toBe(200);
    expect(csv.raw).toContain(`as_of,${studentId},status:active,,${mentorA},`);
    expect(csv.raw).toContain('2027-01-11T00:00:00.000Z,2027-01-11T00:00:00.000Z');
    const bad = await t.request('GET', `/students/${studentId}/history?knownAt=yesterday`, { token: auditor.token });
    expect([bad.status, bad.body.code]).toEqual([400, 'invalid_known_at']);
  });
});
