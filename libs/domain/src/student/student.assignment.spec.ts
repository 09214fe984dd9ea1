import { given } from '../shared/testing';
import { AssignMentor, ChangeMentor } from './student.commands';
import { studentDecider } from './student.decider';
import { StudentEvent } from './student.events';
import {
  MENTOR_ID,
  NOW,
  OTHER_MENTOR_ID,
  STUDENT_ID,
  TRAINING_PATH,
  anotherStudent,
  friendlyMentor,
  mentorChanged,
  otherFriendlyMentor,
  otherMentor,
  profileSummaryOf,
  reservationIdFor,
  selfFunded,
  sessionBooked,
  slotIdFor,
  discoveryBooked,
  socialProgramme,
  staff,
  studentAssigned,
  studentEnrolled,
  system,
  theMentor,
  theStudent,
  tutor,
} from './student.fixtures';

const contact = { name: 'Ada Student', email: 'ada@student.example', trainingPath: TRAINING_PATH };

function assign(mentor = friendlyMentor, by = staff, reservationId = reservationIdFor(mentor.mentorId)): AssignMentor {
  return { type: 'AssignMentor', data: { studentId: STUDENT_ID, mentor, reservationId, at: NOW, by } };
}

function change(mentor = otherFriendlyMentor, extra: Partial<ChangeMentor['data']> = {}): ChangeMentor {
  return {
    type: 'ChangeMentor',
    data: {
      studentId: STUDENT_ID,
      mentor,
      reservationId: reservationIdFor(mentor.mentorId),
      reason: 'student asked for another point of view',
      at: NOW,
      by: staff,
      ...extra,
    },
  };
}

const changeRequested: StudentEvent = {
  type: 'MentorChangeRequested',
  data: {
    requestId: 'req-1',
    studentId: STUDENT_ID,
    currentMentorId: MENTOR_ID,
    reason: 'schedules do not match',
    requestedBy: theStudent,
    requestedAt: '2026-02-28T10:00:00.000Z',
  },
};

describe('assignment of a mentor (R7, R9, R10)', () => {
  it('R10: StudentAssigned carries everything the assignment e-mail needs (student name, e-mail, profile, mentorId)', () => {
    given(studentDecider, [studentEnrolled(socialProgramme)])
      .when(assign())
      .then([
        {
          type: 'StudentAssigned',
          data: {
            studentId: STUDENT_ID,
            mentorId: MENTOR_ID,
            reservationId: reservationIdFor(MENTOR_ID),
            assignedAt: NOW,
            assignedBy: staff,
            student: contact,
            profile: {
              kind: 'social_programme',
              funderId: 'pf-1',
              funder: 'Regional Employment Agency',
              cohort: '2026-spring',
              endDate: '2026-09-30',
              sessionMinutes: 45,
              attendanceObligatory: true,
            },
          },
        },
      ]);
  });

  it('R10: MentorChanged carries everything the new mentor’s assignment e-mail needs (student name, e-mail, profile, new mentorId)', () => {
    given(studentDecider, [studentEnrolled(socialProgramme), studentAssigned(socialProgramme)])
      .when(change(otherFriendlyMentor, { reason: 'mentor leaves the school' }))
      .then([
        {
          type: 'MentorChanged',
          data: {
            studentId: STUDENT_ID,
            fromMentorId: MENTOR_ID,
            toMentorId: OTHER_MENTOR_ID,
            reservationId: reservationIdFor(OTHER_MENTOR_ID),
            previousReservationId: reservationIdFor(MENTOR_ID),
            reason: 'mentor leaves the school',
            decidedBy: staff,
            requestId: null,
            changedAt: NOW,
            student: contact,
            profile: {
              kind: 'social_programme',
              funderId: 'pf-1',
              funder: 'Regional Employment Agency',
              cohort: '2026-spring',
              endDate: '2026-09-30',
              sessionMinutes: 45,
              attendanceObligatory: true,
            },
          },
        },
      ]);
  });

  it('R7: assigns a disability-friendly mentor to a student with a registered disability', () => {
    given(studentDecider, [studentEnrolled(selfFunded, true)])
      .when(assign())
      .then([studentAssigned(selfFunded, MENTOR_ID, { assignedAt: NOW })]);
  });

  it('R7: refuses a mentor who is not disability-friendly for a student with a registered disability', () => {
    given(studentDecider, [studentEnrolled(selfFunded, true)])
      .when(assign({ ...friendlyMentor, disabilityFriendly: false }))
      .thenThrows('R7_mentor_not_disability_friendly', 'conflict');
  });

  it('R7: any mentor may take a student without a registered disability', () => {
    expect(studentDecider.decide(assign({ ...friendlyMentor, disabilityFriendly: false }), given(studentDecider, [studentEnrolled()]).state())).toHaveLength(1);
  });

  it('R9: refuses a mentor who does not cover the student’s training path', () => {
    given(studentDecider, [studentEnrolled()])
      .when(assign({ ...friendlyMentor, trainingPaths: ['data-analyst'] }))
      .thenThrows('mentor_does_not_cover_training_path', 'conflict');
  });

  it('R9: refuses a mentor who is not available', () => {
    given(studentDecider, [studentEnrolled()]).when(assign({ ...friendlyMentor, active: false })).thenThrows('mentor_not_available', 'conflict');
  });

  it('R10: assigning the mentor the student already has is an idempotent no-op (no second assignment, so no second e-mail)', () => {
    given(studentDecider, [studentEnrolled(), studentAssigned()]).when(assign()).thenNothing();
  });

  it('refuses assigning a second mentor: that is a change of mentor', () => {
    given(studentDecider, [studentEnrolled(), studentAssigned()]).when(assign(otherFriendlyMentor)).thenThrows('mentor_already_assigned', 'conflict');
  });

  it('refuses assignment by anyone but staff or admin', () => {
    for (const by of [theMentor, theStudent, system, tutor]) {
      given(studentDecider, [studentEnrolled()]).when(assign(friendlyMentor, by)).thenThrows('role_not_allowed', 'forbidden');
    }
  });

  it('refuses a malformed mentor snapshot', () => {
    given(studentDecider, [studentEnrolled()])
      .when(assign({ mentorId: MENTOR_ID } as never))
      .thenThrows('invalid_mentor_snapshot', 'validation');
  });

  it('refuses assignment after the training was withdrawn', () => {
    const withdrawn: StudentEvent = {
      type: 'TrainingWithdrawn',
      data: { studentId: STUDENT_ID, mentorId: null, reservationId: null, reason: 'moved abroad', withdrawnBy: staff, withdrawnAt: '2026-02-25T00:00:00.000Z' },
    };
    given(studentDecider, [studentEnrolled(), withdrawn]).when(assign()).thenThrows('training_closed', 'conflict');
  });
});

describe('change of mentor (R7, R8, R10)', () => {
  it('R8: the student asks for another mentor, with a reason', () => {
    given(studentDecider, [studentEnrolled(), studentAssigned()])
      .when({ type: 'RequestMentorChange', data: { studentId: STUDENT_ID, requestId: 'req-1', reason: 'schedules do not match', at: '2026-02-28T10:00:00.000Z', by: theStudent } })
      .then([changeRequested]);
  });

  it('R8: refuses a change request from another student or from the mentor', () => {
    const command = { type: 'RequestMentorChange' as const, data: { studentId: STUDENT_ID, requestId: 'req-1', reason: 'x', at: NOW, by: anotherStudent } };
    given(studentDecider, [studentEnrolled(), studentAssigned()]).when(command).thenThrows('not_the_student', 'forbidden');
    given(studentDecider, [studentEnrolled(), studentAssigned()])
      .when({ ...command, data: { ...command.data, by: theMentor } })
      .thenThrows('role_not_allowed', 'forbidden');
  });

  it('R8: refuses a second request while one is pending, and ignores a retried one', () => {
    const again = (requestId: string) => ({
      type: 'RequestMentorChange' as const,
      data: { studentId: STUDENT_ID, requestId, reason: 'schedules do not match', at: NOW, by: theStudent },
    });
    given(studentDecider, [studentEnrolled(), studentAssigned(), changeRequested]).when(again('req-2')).thenThrows('R8_change_already_requested', 'conflict');
    given(studentDecider, [studentEnrolled(), studentAssigned(), changeRequested]).when(again('req-1')).thenNothing();
  });

  it('R8: refuses a change request before any mentor is assigned', () => {
    given(studentDecider, [studentEnrolled()])
      .when({ type: 'RequestMentorChange', data: { studentId: STUDENT_ID, requestId: 'req-1', reason: 'x', at: NOW, by: theStudent } })
      .thenThrows('mentor_not_assigned', 'conflict');
  });

  it('R8: staff change the mentor at once, answering the pending request, with who decided and why; R10: with the e-mail data', () => {
    given(studentDecider, [studentEnrolled(), studentAssigned(), changeRequested])
      .when(change())
      .then([
        {
          type: 'MentorChanged',
          data: {
            studentId: STUDENT_ID,
            fromMentorId: MENTOR_ID,
            toMentorId: OTHER_MENTOR_ID,
            reservationId: reservationIdFor(OTHER_MENTOR_ID),
            previousReservationId: reservationIdFor(MENTOR_ID),
            reason: 'student asked for another point of view',
            decidedBy: staff,
            requestId: 'req-1',
            changedAt: NOW,
            student: contact,
            profile: profileSummaryOf(selfFunded),
          },
        },
      ]);
  });

  it('R8: a change of mentor cancels the sessions booked with the previous mentor', () => {
    given(studentDecider, [
      studentEnrolled(),
      studentAssigned(),
      discoveryBooked('ses-1', '2026-03-04T10:00:00.000Z'),
      sessionBooked('ses-2', '2026-03-03T10:00:00.000Z'),
    ])
      .when(change(otherFriendlyMentor, { requestId: null }))
      .then([
        {
          type: 'MentorChanged',
          data: {
            studentId: STUDENT_ID,
            fromMentorId: MENTOR_ID,
            toMentorId: OTHER_MENTOR_ID,
            reservationId: reservationIdFor(OTHER_MENTOR_ID),
            previousReservationId: reservationIdFor(MENTOR_ID),
            reason: 'student asked for another point of view',
            decidedBy: staff,
            requestId: null,
            changedAt: NOW,
            student: contact,
            profile: profileSummaryOf(selfFunded),
          },
        },
        {
          type: 'SessionCancelled',
          data: {
            sessionId: 'ses-2',
            studentId: STUDENT_ID,
            mentorId: MENTOR_ID,
            start: '2026-03-03T10:00:00.000Z',
            end: '2026-03-03T10:30:00.000Z',
            slotId: slotIdFor('ses-2'),
            reason: 'mentor_changed',
            text: null,
            late: false,
            cancelledAt: NOW,
          },
        },
        {
          type: 'SessionCancelled',
          data: {
            sessionId: 'ses-1',
            studentId: STUDENT_ID,
            mentorId: MENTOR_ID,
            start: '2026-03-04T10:00:00.000Z',
            end: '2026-03-04T10:30:00.000Z',
            slotId: slotIdFor('ses-1'),
            reason: 'mentor_changed',
            text: null,
            late: false,
            cancelledAt: NOW,
          },
        },
      ]);
  });

  it('R8: refuses changing to the mentor the student already has', () => {
    given(studentDecider, [studentEnrolled(), studentAssigned()]).when(change(friendlyMentor)).thenThrows('R8_same_mentor', 'conflict');
  });

  it('R8: refuses answering a request that does not exist', () => {
    given(studentDecider, [studentEnrolled(), studentAssigned()]).when(change(otherFriendlyMentor, { requestId: 'req-9' })).thenThrows('change_request_not_found', 'not_found');
  });

  it('R7: refuses changing to a mentor who is not disability-friendly for a student with a registered disability', () => {
    given(studentDecider, [studentEnrolled(selfFunded, true), studentAssigned()])
      .when(change({ ...otherFriendlyMentor, disabilityFriendly: false }))
      .thenThrows('R7_mentor_not_disability_friendly', 'conflict');
  });

  it('R8: refuses a change of mentor decided by a mentor or the student', () => {
    given(studentDecider, [studentEnrolled(), studentAssigned()]).when(change(otherFriendlyMentor, { by: theMentor })).thenThrows('role_not_allowed', 'forbidden');
    given(studentDecider, [studentEnrolled(), studentAssigned()]).when(change(otherFriendlyMentor, { by: theStudent })).thenThrows('role_not_allowed', 'forbidden');
  });

  it('R8: refuses a change before any mentor is assigned', () => {
    given(studentDecider, [studentEnrolled()]).when(change()).thenThrows('mentor_not_assigned', 'conflict');
  });

  it('R8: staff decline a request, with a reason; declining twice changes nothing', () => {
    const decline = { type: 'DeclineMentorChangeRequest' as const, data: { studentId: STUDENT_ID, requestId: 'req-1', reason: 'give it two more sessions', at: NOW, by: staff } };
    const declined: StudentEvent = {
      type: 'MentorChangeRequestDeclined',
      data: { requestId: 'req-1', studentId: STUDENT_ID, reason: 'give it two more sessions', declinedBy: staff, declinedAt: NOW },
    };
    given(studentDecider, [studentEnrolled(), studentAssigned(), changeRequested]).when(decline).then([declined]);
    given(studentDecider, [studentEnrolled(), studentAssigned(), changeRequested, declined]).when(decline).thenNothing();
    given(studentDecider, [studentEnrolled(), studentAssigned()]).when(decline).thenThrows('change_request_not_found', 'not_found');
    given(studentDecider, [studentEnrolled(), studentAssigned(), changeRequested])
      .when({ ...decline, data: { ...decline.data, by: theMentor } })
      .thenThrows('role_not_allowed', 'forbidden');
  });

  it('R8: after a change the new mentor acts on the student and the previous one no longer does', () => {
    const changed = mentorChanged();
    const firstContact = (by: typeof theMentor) => ({ type: 'RecordFirstContact' as const, data: { studentId: STUDENT_ID, at: NOW, by } });
    given(studentDecider, [studentEnrolled(), studentAssigned(), changed]).when(firstContact(theMentor)).thenThrows('not_the_students_mentor', 'forbidden');
    given(studentDecider, [studentEnrolled(), studentAssigned(), changed])
      .when(firstContact(otherMentor))
      .then([{ type: 'FirstContactRecorded', data: { studentId: STUDENT_ID, mentorId: OTHER_MENTOR_ID, contactedAt: NOW } }]);
  });
});

describe('first contact, internal comments and follow-ups (R11)', () => {
  const history = [studentEnrolled(), studentAssigned()];
  const followUpRequested: StudentEvent = {
    type: 'FollowUpRequested',
    data: {
      followUpId: 'fu-1',
      studentId: STUDENT_ID,
      mentorId: MENTOR_ID,
      reason: 'unresponsive_student',
      note: 'no answer to three messages',
      requestedBy: theMentor,
      requestedAt: NOW,
    },
  };

  it('R11: the mentor records the first contact with their student, once', () => {
    given(studentDecider, history)
      .when({ type: 'RecordFirstContact', data: { studentId: STUDENT_ID, at: NOW, by: theMentor } })
      .then([{ type: 'FirstContactRecorded', data: { studentId: STUDENT_ID, mentorId: MENTOR_ID, contactedAt: NOW } }]);
    given(studentDecider, [...history, { type: 'FirstContactRecorded', data: { studentId: STUDENT_ID, mentorId: MENTOR_ID, contactedAt: NOW } }])
      .when({ type: 'RecordFirstContact', data: { studentId: STUDENT_ID, at: '2026-03-03T00:00:00Z', by: theMentor } })
      .thenNothing();
  });

  it('R11: refuses a first contact recorded by another mentor or the student', () => {
    given(studentDecider, history).when({ type: 'RecordFirstContact', data: { studentId: STUDENT_ID, at: NOW, by: otherMentor } }).thenThrows('not_the_students_mentor', 'forbidden');
    given(studentDecider, history).when({ type: 'RecordFirstContact', data: { studentId: STUDENT_ID, at: NOW, by: theStudent } }).thenThrows('role_not_allowed', 'forbidden');
  });

  it('R11: the mentor puts an internal comment on a slow student’s profile, visible internally only', () => {
    given(studentDecider, history)
      .when({ type: 'AddInternalComment', data: { studentId: STUDENT_ID, commentId: 'c-1', text: 'no answer since Monday', at: NOW, by: theMentor } })
      .then([
        {
          type: 'InternalCommentAdded',
          data: { commentId: 'c-1', studentId: STUDENT_ID, text: 'no answer since Monday', visibility: 'internal', author: theMentor, addedAt: NOW },
        },
      ]);
  });

  it('R11: refuses an internal comment from the student, or from a mentor who is not theirs', () => {
    const comment = (by: typeof theMentor) => ({ type: 'AddInternalComment' as const, data: { studentId: STUDENT_ID, commentId: 'c-1', text: 'x', at: NOW, by } });
    given(studentDecider, history).when(comment(theStudent)).thenThrows('role_not_allowed', 'forbidden');
    given(studentDecider, history).when(comment(otherMentor)).thenThrows('not_the_students_mentor', 'forbidden');
  });

  it('R11: a retried comment is a no-op; a reused id with other text is a conflict', () => {
    const added: StudentEvent = {
      type: 'InternalCommentAdded',
      data: { commentId: 'c-1', studentId: STUDENT_ID, text: 'no answer', visibility: 'internal', author: theMentor, addedAt: NOW },
    };
    const comment = (text: string) => ({ type: 'AddInternalComment' as const, data: { studentId: STUDENT_ID, commentId: 'c-1', text, at: NOW, by: theMentor } });
    given(studentDecider, [...history, added]).when(comment('no answer')).thenNothing();
    given(studentDecider, [...history, added]).when(comment('other text')).thenThrows('comment_id_already_used', 'conflict');
  });

  it('R11: the mentor asks the mentorship team for a follow-up', () => {
    given(studentDecider, history)
      .when({
        type: 'RequestFollowUp',
        data: { studentId: STUDENT_ID, followUpId: 'fu-1', reason: 'unresponsive_student', note: 'no answer to three messages', at: NOW, by: theMentor },
      })
      .then([followUpRequested]);
  });

  it('R11: the system raises a follow-up automatically (escalation)', () => {
    given(studentDecider, history)
      .when({ type: 'RequestFollowUp', data: { studentId: STUDENT_ID, followUpId: 'fu-2', reason: 'missed_sessions', at: NOW, by: system } })
      .then([
        {
          type: 'FollowUpRequested',
          data: { followUpId: 'fu-2', studentId: STUDENT_ID, mentorId: MENTOR_ID, reason: 'missed_sessions', note: null, requestedBy: system, requestedAt: NOW },
        },
      ]);
  });

  it('R11: refuses a follow-up requested by the student or another mentor, or for another reason without a note', () => {
    const request = (by: typeof theMentor, reason: 'other' | 'unresponsive_student' = 'unresponsive_student') => ({
      type: 'RequestFollowUp' as const,
      data: { studentId: STUDENT_ID, followUpId: 'fu-1', reason, at: NOW, by },
    });
    given(studentDecider, history).when(request(theStudent)).thenThrows('role_not_allowed', 'forbidden');
    given(studentDecider, history).when(request(otherMentor)).thenThrows('not_the_students_mentor', 'forbidden');
    given(studentDecider, history).when(request(theMentor, 'other')).thenThrows('follow_up_note_required', 'validation');
    given(studentDecider, history)
      .when({ type: 'RequestFollowUp', data: { studentId: STUDENT_ID, followUpId: 'fu-1', reason: 'bored' as never, at: NOW, by: theMentor } })
      .thenThrows('invalid_follow_up_reason', 'validation');
  });

  it('R11: a retried follow-up request is a no-op', () => {
    given(studentDecider, [...history, followUpRequested])
      .when({
        type: 'RequestFollowUp',
        data: { studentId: STUDENT_ID, followUpId: 'fu-1', reason: 'unresponsive_student', note: 'no answer to three messages', at: NOW, by: theMentor },
      })
      .thenNothing();
  });

  it('R11: the team resolves an open follow-up', () => {
    given(studentDecider, [...history, followUpRequested])
      .when({ type: 'ResolveFollowUp', data: { studentId: STUDENT_ID, followUpId: 'fu-1', resolution: 'called the student', at: NOW, by: staff } })
      .then([{ type: 'FollowUpResolved', data: { followUpId: 'fu-1', studentId: STUDENT_ID, resolution: 'called the student', resolvedBy: staff, resolvedAt: NOW } }]);
  });

  it('R11: resolving an already resolved follow-up is a no-op; an unknown one is not found', () => {
    const resolved: StudentEvent = {
      type: 'FollowUpResolved',
      data: { followUpId: 'fu-1', studentId: STUDENT_ID, resolution: 'called', resolvedBy: staff, resolvedAt: NOW },
    };
    const resolve = (followUpId: string) => ({ type: 'ResolveFollowUp' as const, data: { studentId: STUDENT_ID, followUpId, resolution: 'again', at: NOW, by: staff } });
    given(studentDecider, [...history, followUpRequested, resolved]).when(resolve('fu-1')).thenNothing();
    given(studentDecider, history).when(resolve('fu-9')).thenThrows('follow_up_not_found', 'not_found');
  });

  it('R11: refuses a follow-up resolved by the mentor', () => {
    given(studentDecider, [...history, followUpRequested])
      .when({ type: 'ResolveFollowUp', data: { studentId: STUDENT_ID, followUpId: 'fu-1', resolution: 'done', at: NOW, by: theMentor } })
      .thenThrows('role_not_allowed', 'forbidden');
  });
});
