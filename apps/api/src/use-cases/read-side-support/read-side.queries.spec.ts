// The read side's query logic over the real projections and the embedded read store: given the scripted
// history (real deciders), each view at an instant, whole. The HTTP side (who may ask, CSV, 403/404) is
// in test/read-side.e2e-spec.ts.
import { EmbeddedReadStore } from '@mentoring/read-store';
import { createProjections, applyBatch, scriptedReadSideHistory, SCRIPTED_NOW } from '@mentoring/projections';
import { readAttendanceAnalytics } from '../get-attendance-analytics/attendance-analytics.read';
import { readFunderAttendance } from '../get-funder-attendance/funder-attendance.read';
import { readMentorDashboard } from '../get-mentor-dashboard/mentor-dashboard.read';
import { readMentorLoad } from '../get-mentor-load-analytics/mentor-load.read';
import { readOverseenApprentices } from '../get-overseen-apprentices/overseen-apprentices.read';
import { readTeamDashboard } from '../get-team-dashboard/team-dashboard.read';
import { readWeeklyAnalytics } from '../get-weekly-analytics/weekly-analytics.read';
import { toCsv, wantsCsv } from '../../shared/csv';
import { weekRange } from './params';
import { durationSummary, quantile } from './stats';

const ALL_PROJECTIONS = createProjections({ analyticsPseudonymKey: 'test-analytics-pseudonym-key-0123456789' });

const now = new Date(SCRIPTED_NOW);
const noActions = { no_first_contact: 0, discovery_session_not_booked: 0, first_session_recording_not_submitted: 0, session_outcome_not_recorded: 0 };

describe('read-side queries over the scripted history', () => {
  let store: EmbeddedReadStore;
  beforeAll(async () => {
    store = new EmbeddedReadStore({ file: ':memory:' });
    const events = scriptedReadSideHistory().recorded();
    for (const p of ALL_PROJECTIONS) {
      await p.setup?.(store);
      await applyBatch(store, p, events);
    }
  });
  afterAll(() => store.close());

  describe('a mentor’s dashboard', () => {
    it('Ava: her apprentice with the next session and a past session without outcome; the recording she owes for a former student', async () => {
      expect(await readMentorDashboard(store, 'm-ava', now)).toEqual({
        mentorId: 'm-ava',
        name: 'Ava Moreno',
        capacity: 3,
        caseloadSize: 1,
        remainingCapacity: 2,
        unavailable: false,
        asOf: SCRIPTED_NOW,
        students: {
          nextCursor: null,
          items: [
          {
            studentId: 's-appr',
            name: 'Alice Martin',
            email: 'alice.martin@students.example',
            trainingPath: 'web',
            profileKind: 'apprenticeship',
            registeredDisability: false,
            status: 'active',
            mentorSince: '2026-02-18T10:00:00.000Z',
            firstContactAt: '2026-02-19T09:00:00.000Z',
            discoveryHeldAt: '2026-02-23T10:00:00.000Z',
            nextSession: { sessionId: 'sess-appr-3', kind: 'regular', start: '2026-03-09T10:00:00.000Z', end: '2026-03-09T10:45:00.000Z' },
            openFollowUps: 0,
            pendingActions: [{ kind: 'session_outcome_not_recorded', sessionId: 'sess-appr-2', start: '2026-03-02T10:00:00.000Z', end: '2026-03-02T10:45:00.000Z' }],
          },
          ],
        },
        otherPendingActions: {
          nextCursor: null,
          items: [
          {
            studentId: 's-soc',
            name: 'Samir Haddou',
            status: 'active',
            currentMentorId: 'm-cy',
            pendingActions: [{ kind: 'first_session_recording_not_submitted', sessionId: 'sess-soc-1', heldAt: '2026-02-24T10:46:00.000Z' }],
          },
          ],
        },
        pendingActionCounts: { ...noActions, first_session_recording_not_submitted: 1, session_outcome_not_recorded: 1 },
      });
    });

    it('"next" and "past" follow the time of the question: once the 9 March session has ended, it awaits its outcome too', async () => {
      const later = await readMentorDashboard(store, 'm-ava', new Date('2026-03-09T10:45:00.000Z'));
      expect(later!.students.items[0].nextSession).toBeNull();
      expect(later!.students.items[0].pendingActions.map((a) => a.kind === 'session_outcome_not_recorded' && a.sessionId)).toEqual(['sess-appr-2', 'sess-appr-3']);
      const during = await readMentorDashboard(store, 'm-ava', new Date('2026-03-09T10:15:00.000Z'));
      expect([during!.students.items[0].nextSession, during!.pendingActionCounts.session_outcome_not_recorded]).toEqual([null, 1]);
    });

    it('Cyril: a student just taken over, with no first contact and no discovery session yet; disability visible to the mentor (R7)', async () => {
      const view = await readMentorDashboard(store, 'm-cy', now);
      expect(view!.students.items).toEqual([
        {
          studentId: 's-soc',
          name: 'Samir Haddou',
          email: 'samir.haddou@students.example',
          trainingPath: 'web',
          profileKind: 'social_programme',
          registeredDisability: true,
          status: 'active',
          mentorSince: '2026-02-28T09:00:00.000Z',
          firstContactAt: null,
          discoveryHeldAt: null,
          nextSession: null,
          openFollowUps: 1,
          pendingActions: [{ kind: 'no_first_contact' }, { kind: 'discovery_session_not_booked' }],
        },
      ]);
      expect([view!.otherPendingActions, view!.pendingActionCounts]).toEqual([{ items: [], nextCursor: null }, { ...noActions, no_first_contact: 1, discovery_session_not_booked: 1 }]);
    });

    it('Boris: at capacity, a paused student with nothing to do, the completed student gone', async () => {
      const view = await readMentorDashboard(store, 'm-bo', now);
      expect([view!.remainingCapacity, view!.students.items.map((s) => [s.studentId, s.status, s.pendingActions]), view!.otherPendingActions.items]).toEqual([
        0,
        [['s-self', 'paused', []]],
        [],
      ]);
    });

    it('an unknown mentor has no dashboard', async () => {
      expect(await readMentorDashboard(store, 'm-nobody', now)).toBeNull();
    });
  });

  it('the team’s dashboard', async () => {
    expect(await readTeamDashboard(store, now, { limit: 50, alertWeeks: 3, nearCapacity: 0.8 })).toEqual({
      asOf: SCRIPTED_NOW,
      waitingForMentor: {
        total: 1,
        nextCursor: null,
        items: [
          {
            studentId: 's-emp',
            name: 'Eve Lindgren',
            trainingPath: 'web',
            profileKind: 'employee',
            registeredDisability: false,
            funder: 'Globex',
            cohort: null,
            waitingSince: '2026-02-25T09:00:00.000Z',
            waitingDays: 12,
          },
        ],
      },
      openFollowUps: {
        total: 1,
        nextCursor: null,
        items: [
          {
            followUpId: 'f-soc-1',
            studentId: 's-soc',
            studentName: 'Samir Haddou',
            mentorId: 'm-ava',
            reason: 'missed_sessions',
            note: 'Two sessions missed this week',
            requestedBy: { id: 'm-ava', role: 'mentor' },
            requestedAt: '2026-02-27T10:00:00.000Z',
            ageDays: 10,
          },
        ],
      },
      // Sam's request was granted, Sid's declined: none open.
      mentorChangeRequests: { total: 0, nextCursor: null, items: [] },
      recordingsAwaitingFeedback: {
        total: 1,
        nextCursor: null,
        items: [
          {
            studentId: 's-appr',
            studentName: 'Alice Martin',
            sessionId: 'sess-appr-1',
            mentorId: 'm-ava',
            recordingUrl: 'https://recordings.example/appr-1',
            submittedAt: '2026-02-23T12:00:00.000Z',
          },
        ],
      },
      attendanceAlerts: {
        weeks: ['2026-W09', '2026-W10', '2026-W11'],
        since: '2026-02-23T00:00:00.000Z',
        total: 4,
        nextCursor: null,
        items: [
          { studentId: 's-appr', studentName: 'Alice Martin', kind: 'week_without_session', sessionId: null, weekStart: '2026-03-02', funderId: 'co-acme', funder: 'Acme SA', cohort: null, mentorId: 'm-ava', raisedAt: '2026-03-09T08:00:00.000Z' },
          { studentId: 's-soc', studentName: 'Samir Haddou', kind: 'late_cancellation', sessionId: 'sess-soc-3', weekStart: null, funderId: 'pf-agency', funder: 'Regional Employment Agency', cohort: '2026-spring', mentorId: 'm-ava', raisedAt: '2026-02-27T09:00:00.000Z' },
          { studentId: 's-soc', studentName: 'Samir Haddou', kind: 'no_show', sessionId: 'sess-soc-2', weekStart: null, funderId: 'pf-agency', funder: 'Regional Employment Agency', cohort: '2026-spring', mentorId: 'm-ava', raisedAt: '2026-02-26T10:20:00.000Z' },
          { studentId: 's-appr', studentName: 'Alice Martin', kind: 'substantial_delay', sessionId: 'sess-appr-1', weekStart: null, funderId: 'co-acme', funder: 'Acme SA', cohort: null, mentorId: 'm-ava', raisedAt: '2026-02-23T11:00:00.000Z' },
        ],
      },
      mentorsNearCapacity: {
        threshold: 0.8,
        total: 1,
        nextCursor: null,
        items: [{ mentorId: 'm-bo', name: 'Boris Ivanov', capacity: 1, caseloadSize: 1, remainingCapacity: 0, load: 1, unavailable: false }],
      },
    });
  });

  it('the team’s dashboard: lists are limited (totals are not), alerts are those of the last weeks, the capacity threshold is a parameter', async () => {
    const view = await readTeamDashboard(store, now, { limit: 1, alertWeeks: 2, nearCapacity: 0.3 });
    // This week (W11) and last week (W10): only the week without a session, raised on 9 March.
    expect(view.attendanceAlerts).toMatchObject({ weeks: ['2026-W10', '2026-W11'], since: '2026-03-02T00:00:00.000Z', total: 1 });
    expect(view.attendanceAlerts.items.map((a) => a.kind)).toEqual(['week_without_session']);
    const later = await readTeamDashboard(store, new Date('2026-03-02T09:00:00.000Z'), { limit: 2, alertWeeks: 2, nearCapacity: 0.8 });
    expect([later.attendanceAlerts.total, later.attendanceAlerts.items.map((a) => a.kind)]).toEqual([3, ['late_cancellation', 'no_show']]);
    expect([view.openFollowUps.total, view.openFollowUps.items.length, view.waitingForMentor.total]).toEqual([1, 1, 1]);
    expect([view.mentorsNearCapacity.total, view.mentorsNearCapacity.items.map((m) => m.mentorId)]).toEqual([2, ['m-bo']]);
    expect([typeof later.attendanceAlerts.nextCursor, view.mentorsNearCapacity.nextCursor === null, view.openFollowUps.nextCursor]).toEqual(['string', false, null]);
  });

  it('oversight (R2): the tutor, the employer and the company see their apprentice, and no one else', async () => {
    const expected = {
      asOf: SCRIPTED_NOW,
      nextCursor: null,
      items: [
        {
          studentId: 's-appr',
          name: 'Alice Martin',
          trainingPath: 'web',
          status: 'active',
          startDate: '2026-03-01',
          endDate: '2027-02-28',
          companyId: 'co-acme',
          employerId: 'emp-jane',
          tutorId: 'tut-tom',
          mentor: { mentorId: 'm-ava', name: 'Ava Moreno' },
          progress: {
            mentorSince: '2026-02-18T10:00:00.000Z',
            firstContactAt: '2026-02-19T09:00:00.000Z',
            discoveryHeldAt: '2026-02-23T10:00:00.000Z',
            sessionsHeld: 1,
            lastHeldSession: { start: '2026-02-23T10:00:00.000Z', kind: 'discovery' },
            nextSession: { start: '2026-03-09T10:00:00.000Z', end: '2026-03-09T10:45:00.000Z', kind: 'regular' },
            sessionsAwaitingOutcome: 1,
          },
          attendance: { held: 1, noShows: 0, lateCancellations: 0, cancellations: 0, substantialDelays: 1, weeksWithoutSession: 1, attendanceRate: 1 },
          attendanceFacts: [
            { kind: 'substantial_delay', sessionId: 'sess-appr-1', weekStart: null, occurredAt: '2026-02-23T10:00:00.000Z', recordedAt: '2026-02-23T11:00:00.000Z' },
            { kind: 'week_without_session', sessionId: null, weekStart: '2026-03-02', occurredAt: '2026-03-02T00:00:00.000Z', recordedAt: '2026-03-09T08:00:00.000Z' },
          ],
        },
      ],
    };
    expect(await readOverseenApprentices(store, { tutorId: 'tut-tom' }, now)).toEqual(expected);
    expect(await readOverseenApprentices(store, { partyId: 'emp-jane' }, now)).toEqual(expected);
    expect(await readOverseenApprentices(store, { partyId: 'co-acme' }, now)).toEqual(expected);
    expect(JSON.stringify(expected)).not.toMatch(/disab|@/i);
    // Another tutor; a funder of employees (R3, not an apprenticeship); a tutor id used as an employer's.
    expect((await readOverseenApprentices(store, { tutorId: 'tut-other' }, now)).items).toEqual([]);
    expect((await readOverseenApprentices(store, { partyId: 'emp-globex' }, now)).items).toEqual([]);
    expect((await readOverseenApprentices(store, { partyId: 'tut-tom' }, now)).items).toEqual([]);
    expect((await readOverseenApprentices(store, { partyId: 'tut-tom', asTutorToo: true }, now)).items).toEqual(expected.items);
  });

  it('a funder’s attendance (R4): per student and per cohort, without e-mail or disability', async () => {
    const counts = { held: 1, noShows: 1, lateCancellations: 1, cancellations: 0, substantialDelays: 0, weeksWithoutSession: 0, attendanceRate: 0.3333 };
    const view = await readFunderAttendance(store, 'pf-agency', now);
    expect(view).toEqual({
      funderId: 'pf-agency',
      funder: 'Regional Employment Agency',
      asOf: SCRIPTED_NOW,
      totals: { students: 1, ...counts },
      cohorts: { items: [{ profileKind: 'social_programme', cohort: '2026-spring', students: 1, ...counts }], nextCursor: null },
      students: {
        nextCursor: null,
        items: [
        {
          studentId: 's-soc',
          name: 'Samir Haddou',
          profileKind: 'social_programme',
          cohort: '2026-spring',
          status: 'active',
          mentorId: 'm-cy',
          ...counts,
          facts: [
            { kind: 'no_show', sessionId: 'sess-soc-2', weekStart: null, occurredAt: '2026-02-26T10:00:00.000Z', recordedAt: '2026-02-26T10:20:00.000Z' },
            { kind: 'late_cancellation', sessionId: 'sess-soc-3', weekStart: null, occurredAt: '2026-02-27T15:00:00.000Z', recordedAt: '2026-02-27T09:00:00.000Z' },
          ],
        },
        ],
      },
    });
    expect(JSON.stringify(view)).not.toMatch(/disab|@/i);
    expect(await readFunderAttendance(store, 'pf-agency', now, '2025-autumn')).toBeNull();
    expect(await readFunderAttendance(store, 'pf-nobody', now)).toBeNull();
    expect((await readFunderAttendance(store, 'co-acme', now))!.cohorts.items).toEqual([
      { profileKind: 'apprenticeship', cohort: null, students: 1, held: 1, noShows: 0, lateCancellations: 0, cancellations: 0, substantialDelays: 1, weeksWithoutSession: 1, attendanceRate: 1 },
    ]);
  });

  it('weekly analytics per profile: enrolments, waiting time and time to discovery (median, p90), mentor-change rate', async () => {
    const view = await readWeeklyAnalytics(store, { from: '2026-W08', to: '2026-W10' }, now);
    expect([view.from, view.to, view.generatedAt, view.items.length]).toEqual(['2026-W08', '2026-W10', SCRIPTED_NOW, 12]);
    const none = { count: 0, medianHours: null, p90Hours: null, suppressed: false };
    const row = (week: string, profile: string) => view.items.find((r) => r.week === week && r.profile === profile);
    expect(row('2026-W08', 'self_funded')).toEqual({
      week: '2026-W08',
      weekStart: '2026-02-16',
      profile: 'self_funded',
      studentsEnrolled: 2,
      // Dora waited 3 h, Sid 6 h.
      waitingForMentor: { count: 2, medianHours: 4.5, p90Hours: 5.7, suppressed: false },
      // Dora's discovery session, 46 h after her assignment.
      assignmentToDiscovery: { count: 1, medianHours: 46, p90Hours: 46, suppressed: false },
      mentorChanges: 0,
      requestedMentorChanges: 0,
      mentoredStudents: 2,
      mentorChangeRate: 0,
    });
    expect(row('2026-W09', 'social_programme')).toEqual({
      week: '2026-W09',
      weekStart: '2026-02-23',
      profile: 'social_programme',
      studentsEnrolled: 0,
      waitingForMentor: none,
      assignmentToDiscovery: { count: 1, medianHours: 95, p90Hours: 95, suppressed: false },
      mentorChanges: 1,
      requestedMentorChanges: 1,
      mentoredStudents: 1,
      mentorChangeRate: 1,
    });
    expect(row('2026-W09', 'employee')).toMatchObject({ studentsEnrolled: 1, waitingForMentor: none, mentoredStudents: 0, mentorChangeRate: null });
    // Dora completed on 20 February: no longer mentored in W09.
    expect(row('2026-W09', 'self_funded')).toMatchObject({ mentoredStudents: 1 });
    expect((await readWeeklyAnalytics(store, { from: '2026-W08', to: '2026-W08' }, now, 'apprenticeship')).items).toEqual([
      {
        week: '2026-W08',
        weekStart: '2026-02-16',
        profile: 'apprenticeship',
        studentsEnrolled: 1,
        waitingForMentor: { count: 1, medianHours: 48, p90Hours: 48, suppressed: false },
        assignmentToDiscovery: none,
        mentorChanges: 0,
        requestedMentorChanges: 0,
        mentoredStudents: 1,
        mentorChangeRate: 0,
      },
    ]);
  });

  it('attendance analytics per week, profile, funder and cohort, with totals', async () => {
    const c = { substantialDelays: 0, weeksWithoutSession: 0 };
    expect(await readAttendanceAnalytics(store, { from: '2026-W08', to: '2026-W10' }, now)).toEqual({
      from: '2026-W08',
      to: '2026-W10',
      generatedAt: SCRIPTED_NOW,
      nextCursor: null,
      items: [
        { week: '2026-W08', profile: 'self_funded', funderId: null, cohort: null, students: 1, held: 1, noShows: 0, lateCancellations: 0, ...c, sessions: 1, attendanceRate: 1, suppressed: false },
        { week: '2026-W09', profile: 'apprenticeship', funderId: 'co-acme', cohort: null, students: 1, held: 1, noShows: 0, lateCancellations: 0, ...c, substantialDelays: 1, sessions: 1, attendanceRate: 1, suppressed: false },
        { week: '2026-W09', profile: 'social_programme', funderId: 'pf-agency', cohort: '2026-spring', students: 1, held: 1, noShows: 1, lateCancellations: 1, ...c, sessions: 3, attendanceRate: 0.3333, suppressed: false },
        { week: '2026-W10', profile: 'apprenticeship', funderId: 'co-acme', cohort: null, students: 1, held: 0, noShows: 0, lateCancellations: 0, ...c, weeksWithoutSession: 1, sessions: 0, attendanceRate: null, suppressed: false },
      ],
      totals: [
        { profile: 'apprenticeship', funderId: 'co-acme', cohort: null, students: 1, held: 1, noShows: 0, lateCancellations: 0, substantialDelays: 1, weeksWithoutSession: 1, sessions: 1, attendanceRate: 1, suppressed: false },
        { profile: 'self_funded', funderId: null, cohort: null, students: 1, held: 1, noShows: 0, lateCancellations: 0, ...c, sessions: 1, attendanceRate: 1, suppressed: false },
        { profile: 'social_programme', funderId: 'pf-agency', cohort: '2026-spring', students: 1, held: 1, noShows: 1, lateCancellations: 1, ...c, sessions: 3, attendanceRate: 0.3333, suppressed: false },
      ],
    });
    const filtered = await readAttendanceAnalytics(store, { from: '2026-W08', to: '2026-W10' }, now, { funderId: 'pf-agency', cohort: '2026-spring' });
    expect(filtered.totals.map((t) => [t.funderId, t.cohort, t.sessions])).toEqual([['pf-agency', '2026-spring', 3]]);
  });

  it('mentor load distribution', async () => {
    expect(await readMentorLoad(store, now)).toEqual({
      generatedAt: SCRIPTED_NOW,
      mentors: 3,
      unavailableMentors: 0,
      totalCapacity: 8,
      totalCaseload: 3,
      overallLoad: 0.375,
      // Loads 1/3, 1/1 and 1/4.
      load: { mean: 0.5278, median: 0.3333, p90: 0.8667 },
      atCapacity: 1,
      nextCursor: null,
      items: [
        { bucket: 'empty', mentors: 0 },
        { bucket: 'under 25%', mentors: 0 },
        { bucket: '25-50%', mentors: 2 },
        { bucket: '50-75%', mentors: 0 },
        { bucket: '75-100%', mentors: 0 },
        { bucket: 'full', mentors: 1 },
      ],
      caseloadSizes: [{ caseloadSize: 1, mentors: 3 }],
    });
  });
});

describe('read-side helpers', () => {
  it('quantiles interpolate between the closest ranks; durations are summarised in hours', () => {
    expect([quantile([], 0.5), quantile([5], 0.9), quantile([1, 2, 3, 4], 0.5), quantile([10, 1, 7, 3, 5, 9, 2, 8, 4, 6], 0.9)]).toEqual([null, 5, 2.5, 9.1]);
    expect(durationSummary([60, 120, 240])).toEqual({ count: 3, medianHours: 2, p90Hours: 3.6, suppressed: false });
  });

  it('CSV: quoted where needed, formulas neutralised, CRLF lines; asked by ?format=csv or Accept: text/csv', () => {
    const csv = toCsv<{ a: string; b: number | null }>([['a', (r) => r.a], ['b', (r) => r.b]], [{ a: 'x, "y"', b: 1 }, { a: '=cmd()', b: null }]);
    expect(csv).toBe('a,b\r\n"x, ""y""",1\r\n\'=cmd(),\r\n');
    expect([wantsCsv('csv', undefined), wantsCsv(undefined, 'text/csv'), wantsCsv(undefined, 'application/json, text/csv;q=0.5'), wantsCsv('json', 'text/csv'), wantsCsv(undefined, '*/*')]).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(() => wantsCsv('xml', undefined)).toThrow('format must be json or csv');
  });

  it('week ranges: 12 weeks up to this week by default, dates mean their week, at most 104 weeks', () => {
    expect(weekRange(undefined, undefined, now)).toEqual({ from: '2025-W52', to: '2026-W11' });
    expect(weekRange('2026-01-01', '2026-03-02', now)).toEqual({ from: '2026-W01', to: '2026-W10' });
    expect(() => weekRange('2026-W10', '2026-W09', now)).toThrow('from must not be after to');
    expect(() => weekRange('2024-W01', '2026-W10', now)).toThrow('at most 104 weeks');
    expect(() => weekRange('2026-W60', undefined, now)).toThrow('ISO week');
  });
});
