// The views a frontend was missing (issue 9, part 4): internal comments (R11) for staff and the
// student's mentor only, in GET /students/{id}; for auditors in the history; the student's own sessions
// with their outcome and their mentor's name and contact; the first session's feedback text in the history.
import { Person, TestClock, outcome, person, post } from './support/commands';
import { reactionsSettled } from './support/reactors';
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';

/** An instant `day` days after Monday 2027-01-04, at `time` UTC. */
const on = (day: number, time: string) => new Date(Date.parse(`2027-01-04T${time}:00.000Z`) + day * 86_400_000).toISOString();

const COMMENT = 'No answer to two e-mails and a call since Monday.';
const FEEDBACK = 'Clear agenda; let the student present first.';

describe('student views (issue 9, part 4)', () => {
  const clock = new TestClock(on(0, '08:00'));
  let t: TestApp;
  let staff: Person;
  let mentor: Person;
  let otherMentor: Person;
  let student: Person;
  let studentId = '';
  let position = '';
  const sessions: Record<string, string> = {};

  /** POST /students/:id<path>; expects 201 and remembers the position to read at. */
  async function step(who: Person, path: string, body?: unknown): Promise<Record<string, any>> {
    const answer = await post(t, who, `/students/${studentId}${path}`, body);
    expect({ path, ...outcome(answer) }).toMatchObject({ path, status: 201 });
    position = String(answer.headers['x-global-position']);
    await reactionsSettled(t);
    return answer.body;
  }

  const read = (who: Person, url = `/students/${studentId}`) => t.request('GET', `${url}${url.includes('?') ? '&' : '?'}waitFor=${position}`, { token: who.token });
  /** The history is replayed from the event store itself: nothing to wait for (it documents no ?waitFor=). */
  const history = (who: Person) => t.request('GET', `/students/${studentId}/history`, { token: who.token });

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    staff = await person(t, 'staff', 'staff-1');
    const registered = await post(t, staff, '/mentors', mentorBody({ name: 'Joy Adams', email: 'joy@mentors.example' }));
    mentor = await person(t, 'mentor', registered.body.mentorId);
    const other = await post(t, staff, '/mentors', mentorBody({ name: 'Kim Other', email: 'kim@mentors.example' }));
    otherMentor = await person(t, 'mentor', other.body.mentorId);
    // Apprenticeship: the tutor is tutor-1, the company acme (a funder who may read the student).
    const enrolled = await post(t, staff, '/students', enrolment('apprenticeship'));
    expect(outcome(enrolled)).toMatchObject({ status: 201 });
    studentId = enrolled.body.studentId;
    student = await person(t, 'student', studentId);

    await step(staff, '/assignment', { mentorId: mentor.actor.id });
    await step(mentor, '/internal-comments', { text: COMMENT });
    clock.set(on(1, '09:00'));
    sessions.discovery = (await step(mentor, '/discovery-session', { start: on(2, '10:00') })).sessionId;
    clock.set(on(2, '10:50'));
    await step(mentor, `/sessions/${sessions.discovery}/held`);
    await step(mentor, '/first-session-recording', { sessionId: sessions.discovery, recordingUrl: 'https://recordings.example/first' });
    clock.set(on(3, '09:00'));
    await step(staff, '/first-session-feedback', { sessionId: sessions.discovery, feedback: FEEDBACK });
    sessions.missed = (await step(mentor, '/sessions', { start: on(9, '10:00') })).sessionId;
    sessions.cancelled = (await step(mentor, '/sessions', { start: on(10, '10:00') })).sessionId;
    sessions.booked = (await step(student, '/sessions', { start: on(16, '10:00') })).sessionId;
    await step(mentor, `/sessions/${sessions.cancelled}/cancel`, { reason: 'mentor', text: 'Mentor at a conference' });
    clock.set(on(9, '10:50'));
    await step(mentor, `/sessions/${sessions.missed}/no-show`);
  });
  afterAll(() => t.close());

  it('R11: internal comments in GET /students/{id} for staff and the own mentor only; absent for the student, tutor, funder, auditor; another mentor gets 404, an analyst 403', async () => {
    const who = {
      staff,
      admin: await person(t, 'admin', 'admin-1'),
      ownMentor: mentor,
      student,
      tutor: await person(t, 'tutor', 'tutor-1'),
      funder: await person(t, 'funder', 'acme'),
      auditor: await person(t, 'auditor', 'auditor-1'),
      otherMentor,
      analyst: await person(t, 'analyst', 'analyst-1'),
    };
    const seen: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(who)) {
      const answer = await read(p);
      seen[name] = answer.status === 200 ? { status: 200, comments: 'comments' in answer.body ? answer.body.comments.map((c: any) => c.text) : 'absent' } : { status: answer.status, code: answer.body.code };
    }
    expect(seen).toEqual({
      staff: { status: 200, comments: [COMMENT] },
      admin: { status: 200, comments: [COMMENT] },
      ownMentor: { status: 200, comments: [COMMENT] },
      student: { status: 200, comments: 'absent' },
      tutor: { status: 200, comments: 'absent' },
      funder: { status: 200, comments: 'absent' },
      auditor: { status: 200, comments: 'absent' },
      otherMentor: { status: 404, code: 'student_not_found' },
      analyst: { status: 403, code: 'role_not_allowed' }, // reads no student at all: the role is refused (README, 403 or 404)
    });
    const full = await read(staff);
    expect(full.body.comments).toEqual([{ commentId: expect.any(String), text: COMMENT, authorId: mentor.actor.id, authorRole: 'mentor', addedAt: expect.any(String) }]);
  });

  it('R11: auditors and staff read the internal comments in the history; the student, the mentor and the analyst may not read the history', async () => {
    for (const p of [await person(t, 'auditor', 'auditor-1'), staff]) {
      const answer = await history(p);
      expect(answer.status).toBe(200);
      expect(answer.body.comments.map((e: any) => [e.kind, e.detail, e.actorId, e.actorRole])).toEqual([['internal_comment', COMMENT, mentor.actor.id, 'mentor']]);
    }
    for (const p of [student, mentor, await person(t, 'analyst', 'analyst-1'), await person(t, 'tutor', 'tutor-1'), await person(t, 'funder', 'acme')]) {
      expect(outcome(await history(p))).toEqual({ status: 403, code: 'role_not_allowed' });
    }
  });

  it('the student sees their own sessions (held, missed, cancelled, booked) with outcome, and their mentor’s name and contact', async () => {
    const answer = await read(student);
    expect(answer.status).toBe(200);
    expect(answer.body.mentor).toEqual({ mentorId: mentor.actor.id, name: 'Joy Adams', email: 'joy@mentors.example' });
    const byId = Object.fromEntries(answer.body.sessions.map((s: any) => [s.sessionId, s]));
    expect(answer.body.sessions).toHaveLength(4);
    expect(byId[sessions.discovery]).toEqual({ sessionId: sessions.discovery, kind: 'discovery', mentorId: mentor.actor.id, start: on(2, '10:00'), end: expect.any(String), status: 'held', outcome: 'held' });
    expect(byId[sessions.missed]).toMatchObject({ kind: 'session', start: on(9, '10:00'), status: 'missed', outcome: 'no_show' });
    expect(byId[sessions.cancelled]).toMatchObject({ kind: 'session', start: on(10, '10:00'), status: 'cancelled', outcome: 'cancelled' });
    expect(byId[sessions.booked]).toMatchObject({ kind: 'session', start: on(16, '10:00'), status: 'booked', outcome: null });
  });

  it('least privilege (issue 10): contact details (student’s, tutor’s and mentor’s e-mails) for the student, their mentor and staff only; tutors, funders and auditors see who, not how to reach them', async () => {
    const who = {
      staff,
      ownMentor: mentor,
      student,
      tutor: await person(t, 'tutor', 'tutor-1'),
      funder: await person(t, 'funder', 'acme'),
      auditor: await person(t, 'auditor', 'auditor-1'),
    };
    const seen: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(who)) {
      const { body } = await read(p);
      seen[name] = { email: body.email ?? 'absent', tutor: body.funding.tutor, mentor: body.mentor };
    }
    const tutor = { id: 'tutor-1', name: 'Tess Tutor' };
    const withContacts = { email: 'sam@students.example', tutor: { ...tutor, email: 'tess@acme.example' }, mentor: { mentorId: mentor.actor.id, name: 'Joy Adams', email: 'joy@mentors.example' } };
    const withoutContacts = { email: 'absent', tutor, mentor: { mentorId: mentor.actor.id, name: 'Joy Adams' } };
    expect(seen).toEqual({ staff: withContacts, ownMentor: withContacts, student: withContacts, tutor: withoutContacts, funder: withoutContacts, auditor: withoutContacts });
    // Nothing else of the raw text slips through: the e-mails appear nowhere in the tutor's answer.
    const raw = (await read(who.tutor)).raw;
    expect(raw).not.toMatch(/@(students|acme|mentors)\.example/);
  });

  it('the first session’s feedback text is in the history', async () => {
    const feedback = (await history(staff)).body.sessions.find((e: any) => e.kind === 'first_session_feedback_given');
    expect(feedback).toMatchObject({ sessionId: sessions.discovery, detail: FEEDBACK, actorId: staff.actor.id, mentorId: mentor.actor.id });
  });
});
