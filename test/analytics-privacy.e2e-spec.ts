// Issue 10, part 7: analytics do not describe a handful of people. A group of fewer than
// ANALYTICS_MIN_GROUP (default 5) students has its counts withheld; medians and p90 of fewer people too.
import { enrolment, mentorBody, startTestApp, TestApp } from './support/test-app';
import { outcome, Person, person, post, TestClock } from './support/commands';

describe('analytics suppress small groups (issue 10, part 7)', () => {
  const clock = new TestClock('2027-03-01T08:00:00.000Z');
  let t: TestApp;
  let staff: Person;
  let analyst: Person;
  let position = '0';

  async function created(who: Person, url: string, body?: unknown): Promise<Record<string, any>> {
    const answer = await post(t, who, url, body);
    expect({ url, ...outcome(answer) }).toMatchObject({ url, status: 201 });
    position = answer.body.position;
    return answer.body;
  }

  /** A social-programme student of `cohort` who held one session and missed one in week 2027-W09. */
  async function attendingStudent(mentor: Person, cohort: string, day: number): Promise<void> {
    const { studentId } = await created(staff, '/students', enrolment('social_programme', { funding: { ...enrolment('social_programme').funding, cohort } }));
    await created(staff, `/students/${studentId}/assignment`, { mentorId: mentor.actor.id });
    clock.set(`2027-03-0${day}T08:00:00.000Z`);
    const held = (await created(mentor, `/students/${studentId}/discovery-session`, { start: `2027-03-0${day}T09:00:00.000Z` })).sessionId;
    const missed = (await created(mentor, `/students/${studentId}/sessions`, { start: `2027-03-0${day}T11:00:00.000Z` })).sessionId;
    clock.set(`2027-03-0${day}T12:00:00.000Z`);
    await created(mentor, `/students/${studentId}/sessions/${held}/held`);
    await created(mentor, `/students/${studentId}/sessions/${missed}/no-show`);
  }

  beforeAll(async () => {
    t = await startTestApp({}, { clock }); // ANALYTICS_MIN_GROUP: the default, 5
    staff = await person(t, 'staff', 'staff-1');
    analyst = await person(t, 'analyst', 'analyst-1');
    const mentors: Person[] = [];
    for (let i = 0; i < 6; i++) mentors.push(await person(t, 'mentor', (await created(staff, '/mentors', mentorBody({ email: `m${i}@mentors.example`, capacity: 5 }))).mentorId));
    // Cohort "big": 5 students (reported); cohort "solo": 1 student (withheld).
    for (let i = 0; i < 5; i++) await attendingStudent(mentors[i], 'big', 2 + (i % 3));
    await attendingStudent(mentors[5], 'solo', 5);
    // Two employees assigned in the same week: too few for a median.
    for (let i = 0; i < 2; i++) {
      const { studentId } = await created(staff, '/students', enrolment('employee', { email: `e${i}@students.example` }));
      clock.advanceMinutes(90);
      await created(staff, `/students/${studentId}/assignment`, { mentorId: mentors[5].actor.id });
    }
  });
  afterAll(() => t.close());

  it('withholds the counts of a group of one student, reports a group of five, in JSON and CSV', async () => {
    const answer = await t.request('GET', `/analytics/attendance?from=2027-W09&to=2027-W09&waitFor=${position}`, { token: analyst.token });
    expect(answer.status).toBe(200);
    const withheld = { students: null, held: null, noShows: null, lateCancellations: null, substantialDelays: null, weeksWithoutSession: null, sessions: null, attendanceRate: null, suppressed: true };
    expect(answer.body.totals).toEqual([
      { profile: 'social_programme', funderId: 'pub-employment', cohort: 'big', students: 5, held: 5, noShows: 5, lateCancellations: 0, substantialDelays: 0, weeksWithoutSession: 0, sessions: 10, attendanceRate: 0.5, suppressed: false },
      { profile: 'social_programme', funderId: 'pub-employment', cohort: 'solo', ...withheld },
    ]);
    expect(answer.body.items).toEqual([
      { week: '2027-W09', profile: 'social_programme', funderId: 'pub-employment', cohort: 'big', students: 5, held: 5, noShows: 5, lateCancellations: 0, substantialDelays: 0, weeksWithoutSession: 0, sessions: 10, attendanceRate: 0.5, suppressed: false },
      { week: '2027-W09', profile: 'social_programme', funderId: 'pub-employment', cohort: 'solo', ...withheld },
    ]);
    const csv = await t.request('GET', '/analytics/attendance?from=2027-W09&to=2027-W09&format=csv', { token: analyst.token });
    expect(csv.raw.split('\r\n').filter((l) => l.includes('solo'))).toEqual([
      '2027-W09,social_programme,pub-employment,solo,,,,,,,,,true',
      'total,social_programme,pub-employment,solo,,,,,,,,,true',
    ]);
  });

  it('withholds the median and p90 of fewer than five people; reports them from five', async () => {
    const answer = await t.request('GET', `/analytics/weekly?from=2027-W09&to=2027-W09&profile=social_programme&waitFor=${position}`, { token: analyst.token });
    expect(answer.status).toBe(200);
    const [row] = answer.body.items;
    expect(row.studentsEnrolled).toBe(6);
    expect(row.waitingForMentor).toEqual({ count: 6, medianHours: expect.any(Number), p90Hours: expect.any(Number), suppressed: false });
    // Six discovery sessions held in the week: five or more, reported.
    expect(row.assignmentToDiscovery.suppressed).toBe(false);
    const fewer = await t.request('GET', `/analytics/weekly?from=2027-W09&to=2027-W09&profile=employee`, { token: analyst.token });
    expect(fewer.body.items[0].waitingForMentor).toEqual({ count: 2, medianHours: null, p90Hours: null, suppressed: true });
    const none = await t.request('GET', `/analytics/weekly?from=2027-W09&to=2027-W09&profile=apprenticeship`, { token: analyst.token });
    expect(none.body.items[0].waitingForMentor).toEqual({ count: 0, medianHours: null, p90Hours: null, suppressed: false });
  });
});
