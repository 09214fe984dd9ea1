// Attendance to the last week (R4, R15): a completion or a withdrawal does not take away the weeks of
// mentored training that ended before it. Their facts are still recorded, by the weekly rhythm or by staff,
// after the close; a week that had not ended at the close is outside the mentored training.
import { given } from '../shared/testing';
import { StudentCommand } from './student.commands';
import { studentDecider } from './student.decider';
import { AttendanceFactKind, StudentEvent } from './student.events';
import {
  MENTOR_ID,
  OTHER_MENTOR_ID,
  STUDENT_ID,
  discoveryBooked,
  otherFriendlyMentor,
  profileSummaryOf,
  selfFunded,
  sessionHeld,
  socialProgramme,
  staff,
  studentAssigned,
  studentEnrolled,
  system,
  theMentor,
} from './student.fixtures';

/** The training starts on Sunday 1 March 2026; the first whole week is the one of Monday 2 March. */
const socialHistory = [studentEnrolled(socialProgramme), studentAssigned(socialProgramme)];
/** Monday 9 March, 09:00: the week of 2 March ended nine hours before. */
const CLOSED_AT = '2026-03-09T09:00:00.000Z';

/** The history followed by what the decider decides for `command` (the close events, whatever their shape). */
function after(history: StudentEvent[], command: StudentCommand): StudentEvent[] {
  return [...history, ...given(studentDecider, history).when(command).events()];
}

function withdrawn(history: StudentEvent[] = socialHistory, at = CLOSED_AT): StudentEvent[] {
  return after(history, { type: 'WithdrawFromTraining', data: { studentId: STUDENT_ID, reason: 'moved abroad', at, by: staff } });
}

function completed(history: StudentEvent[] = socialHistory, at = CLOSED_AT): StudentEvent[] {
  return after(history, { type: 'CompleteTraining', data: { studentId: STUDENT_ID, at, by: staff } });
}

function week(weekStart: string, at: string, by = system): StudentCommand {
  return { type: 'RecordWeekWithoutSession', data: { studentId: STUDENT_ID, weekStart, at, by } };
}

function weekFacts(weekStart: string, at: string, mentorId = MENTOR_ID, funding = socialProgramme): StudentEvent[] {
  const summary = profileSummaryOf(funding);
  const common = {
    studentId: STUDENT_ID,
    kind: 'week_without_session' as AttendanceFactKind,
    sessionId: null,
    weekStart,
    funderId: summary.funderId as string,
    funder: summary.funder as string,
    cohort: summary.cohort,
    mentorId,
  };
  return [
    { type: 'AttendanceFactRecorded', data: { ...common, profile: funding.kind, occurredAt: `${weekStart}T00:00:00.000Z`, recordedAt: at } },
    { type: 'AttendanceAlertRaised', data: { ...common, raisedAt: at } },
  ];
}

describe('attendance to the last week (R4, R15)', () => {
  it('R4/R15: a week without a held session that ended before a withdrawal is recorded after it, naming the last mentor', () => {
    given(studentDecider, withdrawn()).when(week('2026-03-02', '2026-03-10T00:00:00.000Z')).then(weekFacts('2026-03-02', '2026-03-10T00:00:00.000Z'));
  });

  it('R4/R15: the same after a completion', () => {
    given(studentDecider, completed()).when(week('2026-03-02', '2026-03-10T00:00:00.000Z')).then(weekFacts('2026-03-02', '2026-03-10T00:00:00.000Z'));
  });

  it('R4/R15: staff record any week inside the training after it closed, long after, and each week once', () => {
    const closedLater = withdrawn(socialHistory, '2026-03-30T12:00:00.000Z');
    given(studentDecider, closedLater).when(week('2026-03-16', '2026-05-04T10:00:00.000Z', staff)).then(weekFacts('2026-03-16', '2026-05-04T10:00:00.000Z'));
    // The last whole week ended at midnight on the day of the close.
    given(studentDecider, closedLater).when(week('2026-03-23', '2026-05-04T10:00:00.000Z', staff)).then(weekFacts('2026-03-23', '2026-05-04T10:00:00.000Z'));
    const recorded = [...closedLater, ...weekFacts('2026-03-16', '2026-05-04T10:00:00.000Z')];
    given(studentDecider, recorded).when(week('2026-03-16', '2026-05-05T10:00:00.000Z', staff)).thenNothing();
    given(studentDecider, recorded).when(week('2026-03-16', '2026-05-05T10:00:00.000Z', system)).thenNothing();
  });

  it('R15: a week recorded before the close is not recorded again after it', () => {
    const recorded = [...socialHistory, ...weekFacts('2026-03-02', '2026-03-09T00:05:00.000Z')];
    given(studentDecider, withdrawn(recorded)).when(week('2026-03-02', '2026-03-10T00:00:00.000Z')).thenNothing();
    given(studentDecider, completed(recorded)).when(week('2026-03-02', '2026-03-10T00:00:00.000Z', staff)).thenNothing();
  });

  it('R15: a week that had not ended at the close is outside the mentored training, even once it is over', () => {
    const error = given(studentDecider, withdrawn()).when(week('2026-03-09', '2026-03-16T00:00:00.000Z')).thenThrows('R15_week_outside_mentored_training', 'conflict');
    expect(error.details).toMatchObject({ closedAt: CLOSED_AT, startDate: '2026-03-01', endDate: '2026-09-30' });
    given(studentDecider, completed()).when(week('2026-03-09', '2026-03-16T00:00:00.000Z', staff)).thenThrows('R15_week_outside_mentored_training', 'conflict');
    given(studentDecider, completed()).when(week('2026-03-23', '2026-04-01T00:00:00.000Z', staff)).thenThrows('R15_week_outside_mentored_training', 'conflict');
    // A close at the very end of a week (Monday 00:00) keeps that week.
    given(studentDecider, withdrawn(socialHistory, '2026-03-16T00:00:00.000Z'))
      .when(week('2026-03-09', '2026-03-16T00:00:00.000Z'))
      .then(weekFacts('2026-03-09', '2026-03-16T00:00:00.000Z'));
  });

  it('R15: after the close, the other refusals stand: a week before the mentorship or the training, a week not over, a held session', () => {
    given(studentDecider, withdrawn()).when(week('2026-02-23', '2026-03-10T00:00:00.000Z')).thenThrows('R15_week_outside_mentored_training', 'conflict');
    given(studentDecider, withdrawn()).when(week('2026-03-09', '2026-03-10T00:00:00.000Z')).thenThrows('week_not_over', 'conflict');
    // Held on Friday, recorded by the mentor on Monday after the withdrawal: the week had a held session.
    const friday = '2026-03-06T10:00:00.000Z';
    const heldAfterClose = [
      ...withdrawn([...socialHistory, discoveryBooked('ses-1', friday, 45)]),
      sessionHeld('ses-1', friday, 45, { discovery: true, firstOfMentorship: true }),
    ];
    given(studentDecider, heldAfterClose).when(week('2026-03-02', '2026-03-10T00:00:00.000Z')).thenThrows('R15_week_had_a_held_session', 'conflict');
  });

  it('R15: only the weeks with the last mentor count after a change of mentor and a close', () => {
    const changed = after(socialHistory, {
      type: 'ChangeMentor',
      data: { studentId: STUDENT_ID, mentor: otherFriendlyMentor, reservationId: 'res-2', reason: 'schedule', at: '2026-03-04T12:00:00.000Z', by: staff },
    } as StudentCommand);
    const closed = withdrawn(changed, '2026-03-23T09:00:00.000Z');
    given(studentDecider, closed).when(week('2026-03-02', '2026-03-24T00:00:00.000Z')).thenThrows('R15_week_outside_mentored_training', 'conflict');
    given(studentDecider, closed).when(week('2026-03-16', '2026-03-24T00:00:00.000Z')).then(weekFacts('2026-03-16', '2026-03-24T00:00:00.000Z', OTHER_MENTOR_ID));
  });

  it('R15: a student withdrawn before any mentor had no mentored week', () => {
    const neverAssigned = withdrawn([studentEnrolled(socialProgramme)]);
    given(studentDecider, neverAssigned).when(week('2026-03-02', '2026-03-10T00:00:00.000Z', staff)).thenThrows('R15_week_outside_mentored_training', 'conflict');
  });

  it('R15: a closed self-funded training records nothing, and only staff or the platform record weeks', () => {
    given(studentDecider, withdrawn([studentEnrolled(selfFunded), studentAssigned(selfFunded)])).when(week('2026-03-02', '2026-03-10T00:00:00.000Z')).thenNothing();
    given(studentDecider, withdrawn()).when(week('2026-03-02', '2026-03-10T00:00:00.000Z', theMentor)).thenThrows('role_not_allowed', 'forbidden');
  });
});
