// Issue 10, part 5: an Idempotency-Key answer is bound to who asked (role and subject) and to the
// operation, expires after IDEMPOTENCY_TTL_HOURS, and expired answers are pruned from their store.
import type { IdempotencyStore } from '@mentoring/read-store';
import { IDEMPOTENCY_STORE } from '../apps/api/src/shared/tokens';
import { allEvents, mentorBody, startTestApp, TestApp } from './support/test-app';
import { expectProblem, outcome, person, post, TestClock } from './support/commands';

describe('Idempotency-Key answers (issue 10, part 5)', () => {
  const clock = new TestClock('2027-03-01T08:00:00.000Z');
  let t: TestApp;
  let answers: IdempotencyStore;

  beforeAll(async () => {
    t = await startTestApp({ IDEMPOTENCY_TTL_HOURS: '24' }, { clock });
    answers = t.app.get<IdempotencyStore>(IDEMPOTENCY_STORE);
  });
  afterAll(() => t.close());

  it('replays the first answer to the same caller (201, same ids, Idempotent-Replayed, nothing appended)', async () => {
    const staff = await person(t, 'staff', 'shared-sub');
    const headers = { 'idempotency-key': 'register-joy' };
    const first = await post(t, staff, '/mentors', mentorBody({ email: 'joy1@mentors.example' }), headers);
    expect(outcome(first)).toEqual({ status: 201, events: ['MentorRegistered'] });
    const before = (await allEvents(t.eventStore)).length;
    const retry = await post(t, staff, '/mentors', mentorBody({ email: 'joy1@mentors.example' }), headers);
    expect({ status: retry.status, body: retry.body, replayed: retry.headers['idempotent-replayed'] }).toEqual({ status: 201, body: first.body, replayed: 'true' });
    expect((await allEvents(t.eventStore)).length).toBe(before);
  });

  it('never replays a staff answer to another role with the same subject: the tutor is refused (403)', async () => {
    const staff = await person(t, 'staff', 'same-sub');
    const tutor = await person(t, 'tutor', 'same-sub');
    const headers = { 'idempotency-key': 'register-ann' };
    const body = mentorBody({ name: 'Ann Bell', email: 'ann@mentors.example' });
    expect(outcome(await post(t, staff, '/mentors', body, headers))).toEqual({ status: 201, events: ['MentorRegistered'] });
    const before = (await allEvents(t.eventStore)).length;
    const replay = await post(t, tutor, '/mentors', body, headers);
    expectProblem(replay, 403, 'role_not_allowed');
    expect(replay.headers['idempotent-replayed']).toBeUndefined();
    expect((await allEvents(t.eventStore)).length).toBe(before);
  });

  it('binds the key to the operation: the same key on another operation is decided on its own', async () => {
    const staff = await person(t, 'staff', 'ops-sub');
    const headers = { 'idempotency-key': 'one-key-two-operations' };
    const mentor = await post(t, staff, '/mentors', mentorBody({ email: 'cy@mentors.example' }), headers);
    expect(outcome(mentor)).toEqual({ status: 201, events: ['MentorRegistered'] });
    const capacity = await post(t, staff, `/mentors/${mentor.body.mentorId}/capacity`, { capacity: 7 }, headers);
    expect(outcome(capacity)).toEqual({ status: 201, events: ['MentorCapacityChanged'] });
    expect(capacity.headers['idempotent-replayed']).toBeUndefined();
  });

  it('expires an answer after IDEMPOTENCY_TTL_HOURS and prunes it from the store', async () => {
    const staff = await person(t, 'staff', 'ttl-sub');
    const headers = { 'idempotency-key': 'register-dee' };
    const body = mentorBody({ name: 'Dee Fox', email: 'dee@mentors.example' });
    const first = await post(t, staff, '/mentors', body, headers);
    expect(first.status).toBe(201);
    const stored = await answers.count();
    expect(stored).toBeGreaterThan(0);

    clock.advanceMinutes(23 * 60);
    expect((await post(t, staff, '/mentors', body, headers)).headers['idempotent-replayed']).toBe('true');

    clock.advanceMinutes(2 * 60);
    const before = (await allEvents(t.eventStore)).length;
    const late = await post(t, staff, '/mentors', body, headers);
    // Not replayed: decided again. The event ids derived from the key still keep it from appending twice.
    expect(late.headers['idempotent-replayed']).toBeUndefined();
    expect(late.body.mentorId).toBe(first.body.mentorId);
    expect((await allEvents(t.eventStore)).length).toBe(before);

    // Every answer stored before the jump has expired: the request started a background pruning (at most
    // once a minute, after a request), which leaves only the answer just stored.
    for (let i = 0; i < 50 && (await answers.count()) > 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await answers.count()).toBe(1);
    expect(await answers.prune(clock.now())).toBe(0);
  });
});
