import { given } from '../shared/testing';
import { CancelSession, StudentCommand } from './student.commands';
import { studentDecider } from './student.decider';
import { AttendanceFactKind, StudentEvent } from './student.events';
import {
  MENTOR_ID,
  NOW,
  OTHER_MENTOR_ID,
  STUDENT_ID,
  anotherStudent,
  apprenticeship,
  discoveryBooked,
  employee,
  mentorChanged,
  otherMentor,
  profileSummaryOf,
  selfFunded,
  sessionBooked,
  sessionHeld,
  sessionRescheduled,
  slotIdFor,
  socialProgramme,
  staff,
  studentAssigned,
  studentEnrolled,
  system,
  theMentor,
  theStudent,
} from './student.fixtures';

const TOMORROW_10 = '2026-03-03T10:00:00.000Z';
const IN_3_DAYS = '2026-03-05T10:00:00.000Z';
const selfFundedHistory = [studentEnrolled(selfFunded), studentAssigned(selfFunded)];
const socialHistory = [studentEnrolled(socialProgramme), studentAssigned(socialProgramme)];

function book(type: 'BookDiscoverySession' | 'BookSession', sessionId: string, start: string, by = theMentor, at = NOW): StudentCommand {
  return { type, data: { studentId: STUDENT_ID, sessionId, slotId: slotIdFor(sessionId), start, at, by } } as StudentCommand;
}

function bookedData(sessionId: string, start: string, minutes: number, at = NOW) {
  return {
    sessionId,
    studentId: STUDENT_ID,
    mentorId: MENTOR_ID,
    start,
    end: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
    durationMinutes: minutes,
    slotId: slotIdFor(sessionId),
    bookedAt: at,
  };
}

function attendanceEvents(
  kind: AttendanceFactKind,
  about: { sessionId?: string; weekStart?: string; occurredAt: string },
  at: string,
  funding: typeof socialProgramme = socialProgramme,
): StudentEvent[] {
  const summary = profileSummaryOf(funding);
  const common = {
    studentId: STUDENT_ID,
    kind,
    sessionId: about.sessionId ?? null,
    weekStart: about.weekStart ?? null,
    funderId: summary.funderId as string,
    funder: summary.funder as string,
    cohort: summary.cohort,
    mentorId: MENTOR_ID,
  };
  return [
    { type: 'AttendanceFactRecorded', data: { ...common, profile: funding.kind, occurredAt: about.occurredAt, recordedAt: at } },
    { type: 'AttendanceAlertRaised', data: { ...common, raisedAt: at } },
  ];
}

describe('discovery session (R12)', () => {
  it('R12: the mentor books the discovery session once the student is assigned; 30 minutes for a self-funded student', () => {
    given(studentDecider, selfFundedHistory)
      .when(book('BookDiscoverySession', 'ses-1', '2026-03-03T11:00:00+01:00'))
      .then([{ type: 'DiscoverySessionBooked', data: bookedData('ses-1', TOMORROW_10, 30) }]);
  });

  it('R12: 45 minutes for a third-party funded student (policy default)', () => {
    given(studentDecider, socialHistory)
      .when(book('BookDiscoverySession', 'ses-1', TOMORROW_10, theStudent))
      .then([{ type: 'DiscoverySessionBooked', data: bookedData('ses-1', TOMORROW_10, 45) }]);
  });

  it('R12: refuses a discovery session before a mentor is assigned', () => {
    given(studentDecider, [studentEnrolled()]).when(book('BookDiscoverySession', 'ses-1', TOMORROW_10, staff)).thenThrows('R12_mentor_not_assigned', 'conflict');
  });

  it('R12: refuses a second discovery session while the first one stands', () => {
    given(studentDecider, [...selfFundedHistory, discoveryBooked('ses-1', TOMORROW_10)])
      .when(book('BookDiscoverySession', 'ses-2', IN_3_DAYS))
      .thenThrows('R12_discovery_session_already_booked', 'conflict');
  });

  it('R12: a discovery session may be booked again once the previous one was cancelled', () => {
    const cancelled: StudentEvent = {
      type: 'SessionCancelled',
      data: {
        sessionId: 'ses-1',
        studentId: STUDENT_ID,
        mentorId: MENTOR_ID,
        start: TOMORROW_10,
        end: '2026-03-03T10:30:00.000Z',
        slotId: slotIdFor('ses-1'),
        reason: 'mentor',
        text: null,
        late: false,
        cancelledAt: '2026-03-01T00:00:00.000Z',
      },
    };
    given(studentDecider, [...selfFundedHistory, discoveryBooked('ses-1', TOMORROW_10), cancelled])
      .when(book('BookDiscoverySession', 'ses-2', TOMORROW_10))
      .then([{ type: 'DiscoverySessionBooked', data: bookedData('ses-2', TOMORROW_10, 30) }]);
  });

  it('R12: is an idempotent no-op when the same booking is retried', () => {
    given(studentDecider, [...selfFundedHistory, discoveryBooked('ses-1', TOMORROW_10)]).when(book('BookDiscoverySession', 'ses-1', TOMORROW_10)).thenNothing();
  });

  it('R12: refuses booking by another mentor, another student or an analyst', () => {
    given(studentDecider, selfFundedHistory).when(book('BookDiscoverySession', 'ses-1', TOMORROW_10, otherMentor)).thenThrows('not_the_students_mentor', 'forbidden');
    given(studentDecider, selfFundedHistory).when(book('BookDiscoverySession', 'ses-1', TOMORROW_10, anotherStudent)).thenThrows('not_the_student', 'forbidden');
    given(studentDecider, selfFundedHistory)
      .when(book('BookDiscoverySession', 'ses-1', TOMORROW_10, { id: 'a', role: 'analyst' }))
      .thenThrows('role_not_allowed', 'forbidden');
  });

  it('refuses a session in the past', () => {
    given(studentDecider, selfFundedHistory).when(book('BookDiscoverySession', 'ses-1', '2026-03-01T10:00:00Z')).thenThrows('session_in_the_past', 'validation');
  });

  it('R12: later sessions are booked after the discovery session', () => {
    given(studentDecider, [...selfFundedHistory, discoveryBooked('ses-1', TOMORROW_10)])
      .when(book('BookSession', 'ses-2', IN_3_DAYS, theStudent))
      .then([{ type: 'SessionBooked', data: bookedData('ses-2', IN_3_DAYS, 30) }]);
  });

  it('R12: refuses a regular session before the discovery session is booked', () => {
    given(studentDecider, selfFundedHistory).when(book('BookSession', 'ses-2', IN_3_DAYS)).thenThrows('R12_discovery_session_required', 'conflict');
  });
});

describe('sessions (R14)', () => {
  const withDiscovery = [...selfFundedHistory, discoveryBooked('ses-1', TOMORROW_10)];

  it('R14: refuses a session that overlaps another booked session of the same student', () => {
    given(studentDecider, withDiscovery).when(book('BookSession', 'ses-2', '2026-03-03T10:15:00Z')).thenThrows('R14_student_slot_taken', 'conflict');
  });

  it('R14: accepts a session that starts when the previous one ends', () => {
    given(studentDecider, withDiscovery)
      .when(book('BookSession', 'ses-2', '2026-03-03T10:30:00Z'))
      .then([{ type: 'SessionBooked', data: bookedData('ses-2', '2026-03-03T10:30:00.000Z', 30) }]);
  });

  it('R14: refuses reusing a session id for another slot', () => {
    given(studentDecider, withDiscovery).when(book('BookSession', 'ses-1', IN_3_DAYS)).thenThrows('session_id_already_used', 'conflict');
  });

  it('R14: refuses booking while the training is paused', () => {
    const paused: StudentEvent = { type: 'TrainingPaused', data: { studentId: STUDENT_ID, reason: null, pausedAt: '2026-03-01T00:00:00.000Z' } };
    given(studentDecider, [...withDiscovery, paused]).when(book('BookSession', 'ses-2', IN_3_DAYS)).thenThrows('training_paused', 'conflict');
  });

  it('R14: the session is rescheduled to a free slot, naming its new calendar slot and the previous one', () => {
    given(studentDecider, withDiscovery)
      .when({ type: 'RescheduleSession', data: { studentId: STUDENT_ID, sessionId: 'ses-1', slotId: 'slot-ses-1-moved', start: IN_3_DAYS, at: NOW, by: theStudent } })
      .then([sessionRescheduled('ses-1', TOMORROW_10, IN_3_DAYS, 'slot-ses-1-moved')]);
  });

  it('R14: rescheduling to the same time is a no-op; onto another session is refused', () => {
    const history = [...withDiscovery, sessionBooked('ses-2', IN_3_DAYS)];
    const reschedule = (start: string) => ({
      type: 'RescheduleSession' as const,
      data: { studentId: STUDENT_ID, sessionId: 'ses-1', slotId: 'slot-ses-1-moved', start, at: NOW, by: theMentor },
    });
    given(studentDecider, history).when(reschedule(TOMORROW_10)).thenNothing();
    given(studentDecider, history).when(reschedule('2026-03-05T10:10:00Z')).thenThrows('R14_student_slot_taken', 'conflict');
  });

  it('R15: refuses a student moving a session less than 24 h before it (cancel it late instead)', () => {
    given(studentDecider, withDiscovery)
      .when({
        type: 'RescheduleSession',
        data: { studentId: STUDENT_ID, sessionId: 'ses-1', slotId: 'slot-ses-1-moved', start: IN_3_DAYS, at: '2026-03-02T11:00:00Z', by: theStudent },
      })
      .thenThrows('R15_late_reschedule_by_student', 'conflict');
  });

  it('R14: the mentor records a held session; the first one of the mentorship goes to review (R13)', () => {
    given(studentDecider, withDiscovery)
      .when({ type: 'RecordSessionHeld', data: { studentId: STUDENT_ID, sessionId: 'ses-1', at: '2026-03-03T10:30:00Z', by: theMentor } })
      .then([
        {
          type: 'SessionHeld',
          data: {
            sessionId: 'ses-1',
            studentId: STUDENT_ID,
            mentorId: MENTOR_ID,
            start: TOMORROW_10,
            end: '2026-03-03T10:30:00.000Z',
            discovery: true,
            firstOfMentorship: true,
            heldAt: '2026-03-03T10:30:00Z',
          },
        },
      ]);
  });

  it('R14: a session held twice is recorded once; a session cannot be held before it starts', () => {
    const held = sessionHeld('ses-1', TOMORROW_10, 30, { discovery: true, firstOfMentorship: true });
    const record = (at: string) => ({ type: 'RecordSessionHeld' as const, data: { studentId: STUDENT_ID, sessionId: 'ses-1', at, by: theMentor } });
    given(studentDecider, [...withDiscovery, held]).when(record('2026-03-03T11:00:00Z')).thenNothing();
    given(studentDecider, withDiscovery).when(record('2026-03-03T09:59:00Z')).thenThrows('session_not_started', 'conflict');
  });

  it('R14: refuses recording the outcome of another mentor’s session or an unknown session', () => {
    given(studentDecider, withDiscovery)
      .when({ type: 'RecordSessionHeld', data: { studentId: STUDENT_ID, sessionId: 'ses-1', at: '2026-03-03T10:30:00Z', by: otherMentor } })
      .thenThrows('not_the_students_mentor', 'forbidden');
    given(studentDecider, withDiscovery)
      .when({ type: 'RecordSessionHeld', data: { studentId: STUDENT_ID, sessionId: 'ses-9', at: '2026-03-03T10:30:00Z', by: theMentor } })
      .thenThrows('session_not_found', 'not_found');
    given(studentDecider, withDiscovery)
      .when({ type: 'RecordSessionHeld', data: { studentId: STUDENT_ID, sessionId: 'ses-1', at: '2026-03-03T10:30:00Z', by: theStudent } })
      .thenThrows('role_not_allowed', 'forbidden');
  });

  it('R14: a no-show of a self-funded student is recorded without attendance facts', () => {
    given(studentDecider, withDiscovery)
      .when({ type: 'RecordSessionNoShow', data: { studentId: STUDENT_ID, sessionId: 'ses-1', at: '2026-03-03T10:10:00Z', by: theMentor } })
      .then([
        {
          type: 'SessionMissed',
          data: { sessionId: 'ses-1', studentId: STUDENT_ID, mentorId: MENTOR_ID, start: TOMORROW_10, reason: 'no_show', recordedAt: '2026-03-03T10:10:00Z' },
        },
      ]);
  });

  it('R14: refuses a no-show before a third of the session has passed', () => {
    given(studentDecider, withDiscovery)
      .when({ type: 'RecordSessionNoShow', data: { studentId: STUDENT_ID, sessionId: 'ses-1', at: '2026-03-03T10:09:59Z', by: theMentor } })
      .thenThrows('R14_no_show_too_early', 'conflict');
  });

  it('R14: a missed session may not be recorded as held; a retried no-show is a no-op', () => {
    const missed: StudentEvent = {
      type: 'SessionMissed',
      data: { sessionId: 'ses-1', studentId: STUDENT_ID, mentorId: MENTOR_ID, start: TOMORROW_10, reason: 'no_show', recordedAt: '2026-03-03T10:10:00Z' },
    };
    given(studentDecider, [...withDiscovery, missed])
      .when({ type: 'RecordSessionHeld', data: { studentId: STUDENT_ID, sessionId: 'ses-1', at: '2026-03-03T11:00:00Z', by: theMentor } })
      .thenThrows('session_not_booked', 'conflict');
    given(studentDecider, [...withDiscovery, missed])
      .when({ type: 'RecordSessionNoShow', data: { studentId: STUDENT_ID, sessionId: 'ses-1', at: '2026-03-03T11:00:00Z', by: system } })
      .thenNothing();
  });

  it('R12: a discovery session the student missed may be booked again', () => {
    const missed: StudentEvent = {
      type: 'SessionMissed',
      data: { sessionId: 'ses-1', studentId: STUDENT_ID, mentorId: MENTOR_ID, start: TOMORROW_10, reason: 'no_show', recordedAt: '2026-03-03T10:10:00Z' },
    };
    given(studentDecider, [...withDiscovery, missed])
      .when(book('BookDiscoverySession', 'ses-2', IN_3_DAYS, theMentor, '2026-03-03T12:00:00.000Z'))
      .then([{ type: 'DiscoverySessionBooked', data: bookedData('ses-2', IN_3_DAYS, 30, '2026-03-03T12:00:00.000Z') }]);
  });
});

describe('cancellations (R14, R15)', () => {
  const withDiscovery = [...selfFundedHistory, discoveryBooked('ses-1', TOMORROW_10)];
  const socialWithDiscovery = [...socialHistory, discoveryBooked('ses-1', TOMORROW_10, 45)];
  function cancel(reason: CancelSession['data']['reason'], at: string, by = theStudent, text?: string): CancelSession {
    return { type: 'CancelSession', data: { studentId: STUDENT_ID, sessionId: 'ses-1', reason, text, at, by } };
  }
  function cancelled(reason: string, late: boolean, at: string, minutes = 30, text: string | null = null): StudentEvent {
    return {
      type: 'SessionCancelled',
      data: {
        sessionId: 'ses-1',
        studentId: STUDENT_ID,
        mentorId: MENTOR_ID,
        start: TOMORROW_10,
        end: new Date(Date.parse(TOMORROW_10) + minutes * 60_000).toISOString(),
        slotId: slotIdFor('ses-1'),
        reason: reason as never,
        text,
        late,
        cancelledAt: at,
      },
    };
  }

  it('R14: a student cancelling more than 24 h before cancels in time', () => {
    given(studentDecider, withDiscovery).when(cancel('student_more_than_24h', '2026-03-02T09:59:59Z')).then([cancelled('student_more_than_24h', false, '2026-03-02T09:59:59Z')]);
  });

  it('R15: the decider derives a late cancellation from the times, whatever the client claims', () => {
    given(studentDecider, withDiscovery).when(cancel('student_more_than_24h', '2026-03-02T10:00:01Z')).then([cancelled('student_less_than_24h', true, '2026-03-02T10:00:01Z')]);
  });

  it('R15: a student cannot pass their own cancellation off as the mentor’s', () => {
    given(studentDecider, withDiscovery).when(cancel('mentor', '2026-03-02T20:00:00Z')).then([cancelled('student_less_than_24h', true, '2026-03-02T20:00:00Z')]);
  });

  it('R15: a late cancellation with obligatory attendance records an attendance fact and raises an alert', () => {
    given(studentDecider, socialWithDiscovery)
      .when(cancel('student_less_than_24h', '2026-03-02T20:00:00Z'))
      .then([
        cancelled('student_less_than_24h', true, '2026-03-02T20:00:00Z', 45),
        ...attendanceEvents('late_cancellation', { sessionId: 'ses-1', occurredAt: TOMORROW_10 }, '2026-03-02T20:00:00Z'),
      ]);
  });

  it('R15: a cancellation in time with obligatory attendance raises nothing', () => {
    given(studentDecider, socialWithDiscovery).when(cancel('student_more_than_24h', NOW)).then([cancelled('student_more_than_24h', false, NOW, 45)]);
  });

  it('R14: the mentor cancels; a cancellation for another reason carries a text', () => {
    given(studentDecider, socialWithDiscovery).when(cancel('mentor', '2026-03-03T09:00:00Z', theMentor)).then([cancelled('mentor', false, '2026-03-03T09:00:00Z', 45)]);
    given(studentDecider, withDiscovery).when(cancel('other', NOW, staff, 'platform outage')).then([cancelled('other', false, NOW, 30, 'platform outage')]);
    given(studentDecider, withDiscovery).when(cancel('other', NOW, staff)).thenThrows('cancellation_text_required', 'validation');
  });

  it('R14: cancelling twice is a no-op; a started or held session cannot be cancelled', () => {
    given(studentDecider, [...withDiscovery, cancelled('mentor', false, NOW)]).when(cancel('mentor', NOW, theMentor)).thenNothing();
    given(studentDecider, withDiscovery).when(cancel('student_less_than_24h', '2026-03-03T10:00:00Z')).thenThrows('session_already_started', 'conflict');
    given(studentDecider, [...withDiscovery, sessionHeld('ses-1', TOMORROW_10, 30, { discovery: true, firstOfMentorship: true })])
      .when(cancel('mentor', '2026-03-03T12:00:00Z', theMentor))
      .thenThrows('session_not_booked', 'conflict');
  });

  it('R14: refuses a cancellation by another student or another mentor, or with an unknown reason', () => {
    given(studentDecider, withDiscovery).when(cancel('student_more_than_24h', NOW, anotherStudent)).thenThrows('not_the_student', 'forbidden');
    given(studentDecider, withDiscovery).when(cancel('mentor', NOW, otherMentor)).thenThrows('not_the_students_mentor', 'forbidden');
    given(studentDecider, withDiscovery).when(cancel('weather' as never, NOW, staff)).thenThrows('invalid_cancellation_reason', 'validation');
  });
});

describe('attendance (R4, R15)', () => {
  const socialWithDiscovery = [...socialHistory, discoveryBooked('ses-1', TOMORROW_10, 45)];

  it('R15: a no-show of a social-programme student records an attendance fact and raises an alert to the team', () => {
    given(studentDecider, socialWithDiscovery)
      .when({ type: 'RecordSessionNoShow', data: { studentId: STUDENT_ID, sessionId: 'ses-1', at: '2026-03-03T10:15:00Z', by: theMentor } })
      .then([
        {
          type: 'SessionMissed',
          data: { sessionId: 'ses-1', studentId: STUDENT_ID, mentorId: MENTOR_ID, start: TOMORROW_10, reason: 'no_show', recordedAt: '2026-03-03T10:15:00Z' },
        },
        ...attendanceEvents('no_show', { sessionId: 'ses-1', occurredAt: TOMORROW_10 }, '2026-03-03T10:15:00Z'),
      ]);
  });

  it('R4: the attendance fact names the funder of an apprenticeship (the company) and of an employee (the employer)', () => {
    for (const funding of [apprenticeship, employee]) {
      const events = given(studentDecider, [studentEnrolled(funding), studentAssigned(funding), discoveryBooked('ses-1', TOMORROW_10, 45)])
        .when({ type: 'RecordSessionNoShow', data: { studentId: STUDENT_ID, sessionId: 'ses-1', at: '2026-03-03T10:15:00Z', by: system } })
        .events();
      expect(events.map((e) => e.type)).toEqual(['SessionMissed', 'AttendanceFactRecorded', 'AttendanceAlertRaised']);
      expect(events[1].data).toMatchObject({ profile: funding.kind, funderId: profileSummaryOf(funding).funderId, funder: profileSummaryOf(funding).funder, cohort: null });
    }
  });

  it('R15: a substantial delay with obligatory attendance records a fact and raises an alert', () => {
    given(studentDecider, socialWithDiscovery)
      .when({ type: 'RecordSubstantialDelay', data: { studentId: STUDENT_ID, sessionId: 'ses-1', delayMinutes: 10, at: '2026-03-03T10:45:00Z', by: theMentor } })
      .then([
        {
          type: 'SubstantialDelayRecorded',
          data: { sessionId: 'ses-1', studentId: STUDENT_ID, mentorId: MENTOR_ID, start: TOMORROW_10, delayMinutes: 10, recordedAt: '2026-03-03T10:45:00Z' },
        },
        ...attendanceEvents('substantial_delay', { sessionId: 'ses-1', occurredAt: TOMORROW_10 }, '2026-03-03T10:45:00Z'),
      ]);
  });

  it('R15: a substantial delay of a self-funded student raises no alert', () => {
    given(studentDecider, [...selfFundedHistory, discoveryBooked('ses-1', TOMORROW_10)])
      .when({ type: 'RecordSubstantialDelay', data: { studentId: STUDENT_ID, sessionId: 'ses-1', delayMinutes: 5, at: '2026-03-03T10:30:00Z', by: theMentor } })
      .then([
        {
          type: 'SubstantialDelayRecorded',
          data: { sessionId: 'ses-1', studentId: STUDENT_ID, mentorId: MENTOR_ID, start: TOMORROW_10, delayMinutes: 5, recordedAt: '2026-03-03T10:30:00Z' },
        },
      ]);
  });

  it('R15: refuses a delay of a third of the session or more (that is a no-show), or a malformed delay', () => {
    const delay = (delayMinutes: number) => ({
      type: 'RecordSubstantialDelay' as const,
      data: { studentId: STUDENT_ID, sessionId: 'ses-1', delayMinutes, at: '2026-03-03T10:45:00Z', by: theMentor },
    });
    given(studentDecider, socialWithDiscovery).when(delay(15)).thenThrows('R15_delay_is_a_no_show', 'validation');
    given(studentDecider, socialWithDiscovery).when(delay(0)).thenThrows('invalid_delay', 'validation');
  });

  it('R15: a delay recorded twice is recorded once', () => {
    const recorded: StudentEvent = {
      type: 'SubstantialDelayRecorded',
      data: { sessionId: 'ses-1', studentId: STUDENT_ID, mentorId: MENTOR_ID, start: TOMORROW_10, delayMinutes: 10, recordedAt: '2026-03-03T10:45:00Z' },
    };
    const delay = (delayMinutes: number) => ({
      type: 'RecordSubstantialDelay' as const,
      data: { studentId: STUDENT_ID, sessionId: 'ses-1', delayMinutes, at: '2026-03-03T10:50:00Z', by: theMentor },
    });
    given(studentDecider, [...socialWithDiscovery, recorded]).when(delay(10)).thenNothing();
    given(studentDecider, [...socialWithDiscovery, recorded]).when(delay(12)).thenThrows('delay_already_recorded', 'conflict');
  });

  it('R15: a week without a held session is an attendance fact for a third-party funded student', () => {
    given(studentDecider, socialHistory)
      .when({ type: 'RecordWeekWithoutSession', data: { studentId: STUDENT_ID, weekStart: '2026-03-02', at: '2026-03-09T00:05:00Z', by: system } })
      .then(attendanceEvents('week_without_session', { weekStart: '2026-03-02', occurredAt: '2026-03-02T00:00:00.000Z' }, '2026-03-09T00:05:00Z'));
  });

  it('R15: a week without a session is nothing for a self-funded student, and is recorded once', () => {
    const week = { type: 'RecordWeekWithoutSession' as const, data: { studentId: STUDENT_ID, weekStart: '2026-03-02', at: '2026-03-09T00:05:00Z', by: system } };
    given(studentDecider, selfFundedHistory).when(week).thenNothing();
    const recorded = attendanceEvents('week_without_session', { weekStart: '2026-03-02', occurredAt: '2026-03-02T00:00:00.000Z' }, '2026-03-09T00:05:00Z');
    given(studentDecider, [...socialHistory, ...recorded]).when(week).thenNothing();
  });

  it('R15: refuses a week that had a held session, that is not over, or that does not start on a Monday', () => {
    const week = (weekStart: string, at = '2026-03-09T00:05:00Z') => ({ type: 'RecordWeekWithoutSession' as const, data: { studentId: STUDENT_ID, weekStart, at, by: system } });
    given(studentDecider, [...socialHistory, discoveryBooked('ses-1', TOMORROW_10, 45), sessionHeld('ses-1', TOMORROW_10, 45, { discovery: true, firstOfMentorship: true })])
      .when(week('2026-03-02'))
      .thenThrows('R15_week_had_a_held_session', 'conflict');
    given(studentDecider, socialHistory).when(week('2026-03-02', '2026-03-08T23:59:00Z')).thenThrows('week_not_over', 'conflict');
    given(studentDecider, socialHistory).when(week('2026-03-03')).thenThrows('week_must_start_on_monday', 'validation');
    given(studentDecider, socialHistory).when(week('2026-02-23', '2026-03-03T00:00:00Z')).thenThrows('R15_week_outside_mentored_training', 'conflict');
    given(studentDecider, socialHistory).when(week('2026-10-05', '2026-10-12T00:00:00Z')).thenThrows('R15_week_outside_mentored_training', 'conflict');
  });

  it('R15: refuses a week without a session reported by a mentor or a student', () => {
    for (const by of [theMentor, theStudent]) {
      given(studentDecider, socialHistory)
        .when({ type: 'RecordWeekWithoutSession', data: { studentId: STUDENT_ID, weekStart: '2026-03-02', at: '2026-03-09T00:05:00Z', by } })
        .thenThrows('role_not_allowed', 'forbidden');
    }
  });
});

describe('first-session recording and feedback (R13)', () => {
  const held = [...selfFundedHistory, discoveryBooked('ses-1', TOMORROW_10), sessionHeld('ses-1', TOMORROW_10, 30, { discovery: true, firstOfMentorship: true })];
  const submitted: StudentEvent = {
    type: 'FirstSessionRecordingSubmitted',
    data: { studentId: STUDENT_ID, sessionId: 'ses-1', mentorId: MENTOR_ID, recordingUrl: 'https://rec.example/ses-1', submittedAt: '2026-03-03T12:00:00Z' },
  };
  const submit = (sessionId: string, by = theMentor, recordingUrl = 'https://rec.example/ses-1') => ({
    type: 'SubmitFirstSessionRecording' as const,
    data: { studentId: STUDENT_ID, sessionId, recordingUrl, at: '2026-03-03T12:00:00Z', by },
  });
  const feedback = (by = staff, text = 'good structure; ask more about goals') => ({
    type: 'GiveFirstSessionFeedback' as const,
    data: { studentId: STUDENT_ID, sessionId: 'ses-1', feedback: text, at: '2026-03-04T09:00:00Z', by },
  });

  it('R13: the mentor sends the link to the recording of the first session', () => {
    given(studentDecider, held).when(submit('ses-1')).then([submitted]);
  });

  it('R13: refuses a recording for a session that is not the first held one', () => {
    const later = [...held, sessionBooked('ses-2', IN_3_DAYS), sessionHeld('ses-2', IN_3_DAYS)];
    given(studentDecider, later).when(submit('ses-2')).thenThrows('R13_not_first_session', 'conflict');
  });

  it('R13: refuses a recording sent by staff or another mentor, or a link that is not a URL', () => {
    given(studentDecider, held).when(submit('ses-1', staff)).thenThrows('role_not_allowed', 'forbidden');
    given(studentDecider, held).when(submit('ses-1', otherMentor)).thenThrows('not_the_students_mentor', 'forbidden');
    given(studentDecider, held).when(submit('ses-1', theMentor, 'recording.mp4')).thenThrows('invalid_recording_url', 'validation');
  });

  it('R13: sending the same link again is a no-op; another link is refused', () => {
    given(studentDecider, [...held, submitted]).when(submit('ses-1')).thenNothing();
    given(studentDecider, [...held, submitted]).when(submit('ses-1', theMentor, 'https://rec.example/other')).thenThrows('R13_recording_already_submitted', 'conflict');
  });

  it('R13: the mentorship team gives the mentor feedback on the first session', () => {
    given(studentDecider, [...held, submitted])
      .when(feedback())
      .then([
        {
          type: 'FirstSessionFeedbackGiven',
          data: {
            studentId: STUDENT_ID,
            sessionId: 'ses-1',
            mentorId: MENTOR_ID,
            feedback: 'good structure; ask more about goals',
            givenBy: staff,
            givenAt: '2026-03-04T09:00:00Z',
          },
        },
      ]);
  });

  it('R13: refuses feedback before the recording was sent, or by a mentor', () => {
    given(studentDecider, held).when(feedback()).thenThrows('R13_recording_not_submitted', 'conflict');
    given(studentDecider, [...held, submitted]).when(feedback(theMentor)).thenThrows('role_not_allowed', 'forbidden');
  });

  it('R13: the same feedback again is a no-op; different feedback is refused', () => {
    const given1: StudentEvent = {
      type: 'FirstSessionFeedbackGiven',
      data: { studentId: STUDENT_ID, sessionId: 'ses-1', mentorId: MENTOR_ID, feedback: 'good structure; ask more about goals', givenBy: staff, givenAt: '2026-03-04T09:00:00Z' },
    };
    given(studentDecider, [...held, submitted, given1]).when(feedback()).thenNothing();
    given(studentDecider, [...held, submitted, given1]).when(feedback(staff, 'other')).thenThrows('R13_feedback_already_given', 'conflict');
  });

  it('R13: after a change of mentor, the new mentor’s first held session is reviewed too', () => {
    const changed = mentorChanged(selfFunded, { changedAt: '2026-03-04T00:00:00.000Z' });
    const history = [...held, changed, discoveryBooked('ses-3', '2026-03-06T10:00:00.000Z', 30, OTHER_MENTOR_ID)];
    const events = given(studentDecider, history)
      .when({ type: 'RecordSessionHeld', data: { studentId: STUDENT_ID, sessionId: 'ses-3', at: '2026-03-06T10:30:00Z', by: otherMentor } })
      .events();
    expect(events).toEqual([
      {
        type: 'SessionHeld',
        data: {
          sessionId: 'ses-3',
          studentId: STUDENT_ID,
          mentorId: OTHER_MENTOR_ID,
          start: '2026-03-06T10:00:00.000Z',
          end: '2026-03-06T10:30:00.000Z',
          discovery: true,
          firstOfMentorship: true,
          heldAt: '2026-03-06T10:30:00Z',
        },
      },
    ]);
  });
});
