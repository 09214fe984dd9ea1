// GDPR Art. 17 on a student's stream: the erasure event, when it is allowed, and what may still happen afterwards.
import { given } from '../shared/testing';
import { evolveStudent } from './student.evolve';
import { initialStudentState } from './student.state';
import { studentDecider } from './student.decider';
import { StudentEvent } from './student.events';
import {
  MENTOR_ID,
  NOW,
  STUDENT_ID,
  apprenticeship,
  friendlyMentor,
  selfFunded,
  sessionBooked,
  staff,
  studentAssigned,
  studentEnrolled,
  theMentor,
} from './student.fixtures';

const withdrawn: StudentEvent = {
  type: 'TrainingWithdrawn',
  data: { studentId: STUDENT_ID, mentorId: MENTOR_ID, reservationId: 'res-men-1', reason: 'moved abroad', withdrawnBy: staff, withdrawnAt: '2026-03-01T00:00:00.000Z' },
};
const erased: StudentEvent = { type: 'StudentPersonalDataErased', data: { studentId: STUDENT_ID, reason: 'Art. 17 request #12', erasedBy: staff, erasedAt: NOW } };

describe('erasure of a student\'s personal data (GDPR Art. 17)', () => {
  it('R7/R8: staff erase a withdrawn student\'s personal data; the reason is recorded in clear', () => {
    given(studentDecider, [studentEnrolled(apprenticeship, true), studentAssigned(apprenticeship), withdrawn])
      .when({ type: 'EraseStudentPersonalData', data: { studentId: STUDENT_ID, reason: 'Art. 17 request #12', at: NOW, by: staff } })
      .then([erased]);
  });

  it('R7: erases a student still waiting for a mentor', () => {
    given(studentDecider, [studentEnrolled(selfFunded)])
      .when({ type: 'EraseStudentPersonalData', data: { studentId: STUDENT_ID, reason: 'Art. 17 request #12', at: NOW, by: staff } })
      .then([erased]);
  });

  it('R8: refuses the erasure of a student in an active mentorship (withdraw or complete first)', () => {
    given(studentDecider, [studentEnrolled(selfFunded), studentAssigned(selfFunded)])
      .when({ type: 'EraseStudentPersonalData', data: { studentId: STUDENT_ID, reason: 'Art. 17', at: NOW, by: staff } })
      .thenThrows('erasure_requires_closed_training', 'conflict');
  });

  it('refuses an erasure by anyone but staff, and without a reason', () => {
    given(studentDecider, [studentEnrolled(selfFunded)])
      .when({ type: 'EraseStudentPersonalData', data: { studentId: STUDENT_ID, reason: 'Art. 17', at: NOW, by: theMentor } })
      .thenThrows('role_not_allowed', 'forbidden');
    given(studentDecider, [studentEnrolled(selfFunded)])
      .when({ type: 'EraseStudentPersonalData', data: { studentId: STUDENT_ID, reason: ' ', at: NOW, by: staff } })
      .thenThrows('missing_field', 'validation');
  });

  it('an erasure repeated is a no-op', () => {
    given(studentDecider, [studentEnrolled(selfFunded), erased])
      .when({ type: 'EraseStudentPersonalData', data: { studentId: STUDENT_ID, reason: 'again', at: NOW, by: staff } })
      .thenNothing();
  });

  it('R7: refuses a mentor for an erased student (their needs are gone with their data)', () => {
    given(studentDecider, [studentEnrolled(selfFunded), erased])
      .when({ type: 'AssignMentor', data: { studentId: STUDENT_ID, mentor: friendlyMentor, reservationId: 'res-x', at: NOW, by: staff } })
      .thenThrows('student_personal_data_erased', 'conflict');
    given(studentDecider, [studentEnrolled(selfFunded), erased])
      .when({ type: 'AddInternalComment', data: { studentId: STUDENT_ID, commentId: 'c-1', text: 'hello', at: NOW, by: staff } } as never)
      .thenThrows('student_personal_data_erased', 'conflict');
  });

  it('R15: attendance facts of sessions already booked may still be recorded after an erasure', () => {
    const start = '2026-02-23T10:00:00.000Z';
    const history = [studentEnrolled(selfFunded), studentAssigned(selfFunded), sessionBooked('ses-1', start), withdrawn, erased];
    const state = history.reduce(evolveStudent, initialStudentState);
    expect(state.status).toBe('withdrawn');
    let code: string | undefined;
    try {
      studentDecider.decide({ type: 'RecordSessionNoShow', data: { studentId: STUDENT_ID, sessionId: 'ses-1', at: NOW, by: theMentor } } as never, state);
    } catch (error) {
      code = (error as { code?: string }).code;
    }
    expect(code).not.toBe('student_personal_data_erased');
  });

  it('a state folded before the erasure keeps no personal data after it', () => {
    const history = [studentEnrolled(apprenticeship, true), studentAssigned(apprenticeship), withdrawn, erased];
    const state = history.reduce(evolveStudent, initialStudentState);
    if (state.status === 'not_enrolled') throw new Error('enrolled expected');
    expect(state.file.erasedAt).toBe(NOW);
    expect(JSON.stringify(state.file.enrolment)).not.toMatch(/@|"registeredDisability":true/);
    expect(state.file.enrolment).toMatchObject({ name: '[erased]', email: '[erased]', registeredDisability: false });
  });
});
