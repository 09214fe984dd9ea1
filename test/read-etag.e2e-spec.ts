// Optimistic concurrency from a read (issue 9, part 5): GET /students/{id} and GET /mentors/{id} answer
// `ETag: "<stream revision>"`, the body's `revision` is the same value, and If-Match with it succeeds;
// and one status vocabulary (part 7): `awaiting_mentor` in the view, the list filter and the history.
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { expectProblem, outcome, Person, person, post, TestClock } from './support/commands';

describe('reads carry the stream revision as ETag', () => {
  const clock = new TestClock('2027-03-01T08:00:00.000Z');
  let t: TestApp;
  let staff: Person;
  let auditor: Person;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    staff = await person(t, 'staff', 'staff-1');
    auditor = await person(t, 'auditor', 'auditor-1');
  });
  afterAll(() => t.close());

  async function created(who: Person, url: string, body?: unknown, headers?: Record<string, string>) {
    const answer = await post(t, who, url, body, headers);
    expect({ url, ...outcome(answer) }).toEqual({ url, status: 201, events: expect.any(Array) });
    return answer;
  }

  const lastRevision = async (streamId: string) => (await t.eventStore.readStream(streamId)).at(-1)!.revision;

  async function read(url: string, position: string) {
    const answer = await t.request('GET', `${url}?waitFor=${position}`, { token: staff.token });
    expect(answer.status).toBe(200);
    return answer;
  }

  it('a student: ETag = body.revision = the stream’s last revision, also after events the view does not show; If-Match with it succeeds, an older one gets 412', async () => {
    const mentorId = (await created(staff, '/mentors', mentorBody())).body.mentorId;
    const mentor = await person(t, 'mentor', mentorId);
    const studentId = (await created(staff, '/students', enrolment('self_funded'))).body.studentId;
    await created(staff, `/students/${studentId}/assignment`, { mentorId });
    const contact = await created(mentor, `/students/${studentId}/first-contact`); // FirstContactRecorded: not shown in the profile

    const first = await read(`/students/${studentId}`, contact.body.position);
    const revision = await lastRevision(`student-${studentId}`);
    expect(first.headers.etag).toBe(`"${revision}"`);
    expect(first.body.revision).toBe(revision);
    expect(first.headers.etag).toBe(contact.headers.etag); // the format commands answer

    const comment = await created(staff, `/students/${studentId}/internal-comments`, { text: 'Called on Monday.' }, { 'if-match': first.headers.etag as string });
    expectProblem(await post(t, staff, `/students/${studentId}/internal-comments`, { text: 'Stale.' }, { 'if-match': first.headers.etag as string }), 412, 'revision_mismatch');

    const second = await read(`/students/${studentId}`, comment.body.position);
    expect(second.headers.etag).toBe(`"${revision + 1}"`);
    expect(second.body.revision).toBe(revision + 1);
    expect(await lastRevision(`student-${studentId}`)).toBe(revision + 1);
  });

  it('a mentor: ETag = body.revision = the mentor stream’s last revision (slot reservations included); ChangeMentorCapacity with If-Match of it succeeds, an older one gets 412', async () => {
    const mentorId = (await created(staff, '/mentors', mentorBody({ capacity: 3 }))).body.mentorId;
    const studentId = (await created(staff, '/students', enrolment('employee'))).body.studentId;
    const assigned = await created(staff, `/students/${studentId}/assignment`, { mentorId }); // CaseloadSlotReserved on the mentor's stream

    const first = await read(`/mentors/${mentorId}`, assigned.body.position);
    const revision = await lastRevision(`mentor-${mentorId}`);
    expect(revision).toBeGreaterThan(0);
    expect(first.headers.etag).toBe(`"${revision}"`);
    expect(first.body.revision).toBe(revision);

    const changed = await created(staff, `/mentors/${mentorId}/capacity`, { capacity: 4 }, { 'if-match': first.headers.etag as string });
    expect(changed.headers.etag).toBe(`"${revision + 1}"`);
    expectProblem(await post(t, staff, `/mentors/${mentorId}/capacity`, { capacity: 5 }, { 'if-match': first.headers.etag as string }), 412, 'revision_mismatch');

    const second = await read(`/mentors/${mentorId}`, changed.body.position);
    expect([second.headers.etag, second.body.revision, second.body.capacity]).toEqual([`"${revision + 1}"`, revision + 1, 4]);
  });

  it('a student waiting for a mentor is `awaiting_mentor` in the view, the list filter and the history', async () => {
    const enrolled = await created(staff, '/students', enrolment('self_funded', { name: 'Wanda Waiting', email: 'wanda.waiting@students.example' }));
    const studentId = enrolled.body.studentId;
    expect((await read(`/students/${studentId}`, enrolled.body.position)).body.status).toBe('awaiting_mentor');

    const list = await t.request('GET', `/students?status=awaiting_mentor&waitFor=${enrolled.body.position}`, { token: staff.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { studentId: string }) => s.studentId)).toContain(studentId);
    expect(list.body.items.every((s: { status: string }) => s.status === 'awaiting_mentor')).toBe(true);
    expectProblem(await t.request('GET', '/students?status=waiting_for_mentor', { token: staff.token }), 400, 'validation_failed');

    const history = await t.request('GET', `/students/${studentId}/history?asOf=2027-12-31T00:00:00Z`, { token: auditor.token });
    expect(history.status).toBe(200);
    expect(history.body.asOf).toMatchObject({ status: 'awaiting_mentor' });
  });
});
