import { given } from '../shared/testing';
import { studentDecider } from './student.decider';
import { StudentEvent } from './student.events';
import {
  MENTOR_ID,
  NOW,
  STUDENT_ID,
  anotherStudent,
  discoveryBooked,
  employee,
  reservationIdFor,
  selfFunded,
  slotIdFor,
  socialProgramme,
  staff,
  studentAssigned,
  studentEnrolled,
  theMentor,
  theStudent,
} from './student.fixtures';

const history = [studentEnrolled(selfFunded), studentAssigned(selfFunded)];
const paused: StudentEvent = { type: 'TrainingPaused', data: { studentId: STUDENT_ID, reason: 'moving house', pausedAt: '2026-03-01T00:00:00.000Z' } };

describe('pause and resume (R5)', () => {
  it('R5: a self-funded student pauses their training; booked sessions are cancelled', () => {
    given(studentDecider, [...history, discoveryBooked('ses-1', '2026-03-03T10:00:00.000Z')])
      .when({ type: 'PauseTraining', data: { studentId: STUDENT_ID, reason: 'moving house', at: NOW, by: theStudent } })
      .then([
        { type: 'TrainingPaused', data: { studentId: STUDENT_ID, reason: 'moving house', pausedAt: NOW } },
        {
          type: 'SessionCancelled',
          data: {
            sessionId: 'ses-1',
            studentId: STUDENT_ID,
            mentorId: MENTOR_ID,
            start: '2026-03-03T10:00:00.000Z',
            end: '2026-03-03T10:30:00.000Z',
            slotId: slotIdFor('ses-1'),
            reason: 'training_paused',
            text: null,
            late: false,
            cancelledAt: NOW,
          },
        },
      ]);
  });

  it('R5: refuses a pause for a third-party funded student', () => {
    for (const funding of [employee, socialProgramme]) {
      given(studentDecider, [studentEnrolled(funding), studentAssigned(funding)])
        .when({ type: 'PauseTraining', data: { studentId: STUDENT_ID, at: NOW, by: staff } })
        .thenThrows('R5_only_self_funded_may_pause', 'conflict');
    }
  });

  it('R5: pausing a paused training is a no-op; resuming an active one too', () => {
    given(studentDecider, [...history, paused]).when({ type: 'PauseTraining', data: { studentId: STUDENT_ID, at: NOW, by: theStudent } }).thenNothing();
    given(studentDecider, history).when({ type: 'ResumeTraining', data: { studentId: STUDENT_ID, at: NOW, by: theStudent } }).thenNothing();
  });

  it('R5: the student resumes a paused training', () => {
    given(studentDecider, [...history, paused])
      .when({ type: 'ResumeTraining', data: { studentId: STUDENT_ID, at: NOW, by: theStudent } })
      .then([{ type: 'TrainingResumed', data: { studentId: STUDENT_ID, resumedAt: NOW } }]);
  });

  it('R5: refuses resuming a third-party funded training', () => {
    given(studentDecider, [studentEnrolled(employee), studentAssigned(employee)])
      .when({ type: 'ResumeTraining', data: { studentId: STUDENT_ID, at: NOW, by: staff } })
      .thenThrows('R5_only_self_funded_may_pause', 'conflict');
  });

  it('R5: refuses a pause by another student or by the mentor', () => {
    given(studentDecider, history).when({ type: 'PauseTraining', data: { studentId: STUDENT_ID, at: NOW, by: anotherStudent } }).thenThrows('not_the_student', 'forbidden');
    given(studentDecider, history).when({ type: 'PauseTraining', data: { studentId: STUDENT_ID, at: NOW, by: theMentor } }).thenThrows('role_not_allowed', 'forbidden');
  });

  it('R5: refuses a pause before a mentor is assigned', () => {
    given(studentDecider, [studentEnrolled()]).when({ type: 'PauseTraining', data: { studentId: STUDENT_ID, at: NOW, by: theStudent } }).thenThrows('mentor_not_assigned', 'conflict');
  });
});

describe('completion and withdrawal', () => {
  it('R9: staff complete the training, naming the mentorship’s caseload reservation for the reservations process to release', () => {
    given(studentDecider, history)
      .when({ type: 'CompleteTraining', data: { studentId: STUDENT_ID, at: NOW, by: staff } })
      .then([{ type: 'TrainingCompleted', data: { studentId: STUDENT_ID, mentorId: MENTOR_ID, reservationId: reservationIdFor(MENTOR_ID), completedAt: NOW } }]);
  });

  it('completing twice is a no-op; a completed training cannot be withdrawn; a student cannot complete', () => {
    const completed: StudentEvent = {
      type: 'TrainingCompleted',
      data: { studentId: STUDENT_ID, mentorId: MENTOR_ID, reservationId: reservationIdFor(MENTOR_ID), completedAt: NOW },
    };
    given(studentDecider, [...history, completed]).when({ type: 'CompleteTraining', data: { studentId: STUDENT_ID, at: NOW, by: staff } }).thenNothing();
    given(studentDecider, [...history, completed])
      .when({ type: 'WithdrawFromTraining', data: { studentId: STUDENT_ID, reason: 'x', at: NOW, by: staff } })
      .thenThrows('training_closed', 'conflict');
    given(studentDecider, history).when({ type: 'CompleteTraining', data: { studentId: STUDENT_ID, at: NOW, by: theStudent } }).thenThrows('role_not_allowed', 'forbidden');
  });

  it('the student withdraws; booked sessions are cancelled; withdrawing twice is a no-op', () => {
    const withdrawn: StudentEvent = {
      type: 'TrainingWithdrawn',
      data: { studentId: STUDENT_ID, mentorId: MENTOR_ID, reservationId: reservationIdFor(MENTOR_ID), reason: 'found a job', withdrawnBy: theStudent, withdrawnAt: NOW },
    };
    given(studentDecider, [...history, discoveryBooked('ses-1', '2026-03-03T10:00:00.000Z')])
      .when({ type: 'WithdrawFromTraining', data: { studentId: STUDENT_ID, reason: 'found a job', at: NOW, by: theStudent } })
      .then([
        withdrawn,
        {
          type: 'SessionCancelled',
          data: {
            sessionId: 'ses-1',
            studentId: STUDENT_ID,
            mentorId: MENTOR_ID,
            start: '2026-03-03T10:00:00.000Z',
            end: '2026-03-03T10:30:00.000Z',
            slotId: slotIdFor('ses-1'),
            reason: 'training_ended',
            text: null,
            late: false,
            cancelledAt: NOW,
          },
        },
      ]);
    given(studentDecider, [...history, withdrawn])
      .when({ type: 'WithdrawFromTraining', data: { studentId: STUDENT_ID, reason: 'found a job', at: NOW, by: theStudent } })
      .thenNothing();
  });

  it('refuses follow-ups and bookings once the training is closed', () => {
    const completed: StudentEvent = {
      type: 'TrainingCompleted',
      data: { studentId: STUDENT_ID, mentorId: MENTOR_ID, reservationId: reservationIdFor(MENTOR_ID), completedAt: NOW },
    };
    given(studentDecider, [...history, completed])
      .when({ type: 'RequestFollowUp', data: { studentId: STUDENT_ID, followUpId: 'fu-1', reason: 'unresponsive_student', at: NOW, by: staff } })
      .thenThrows('training_closed', 'conflict');
    given(studentDecider, [...history, completed])
      .when({ type: 'BookDiscoverySession', data: { studentId: STUDENT_ID, sessionId: 'ses-1', slotId: slotIdFor('ses-1'), start: '2026-03-05T10:00:00Z', at: NOW, by: staff } })
      .thenThrows('training_closed', 'conflict');
  });
});
