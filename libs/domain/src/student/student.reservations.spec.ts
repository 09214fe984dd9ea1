// docs/adr/0002: a fact on the student's stream consumes the reservation (caseload or calendar slot) it names at
// most once, and never one that lapsed; LapseReservation voids a reservation no fact consumed.
import { Actor } from '../shared/actor';
import { given } from '../shared/testing';
import { AssignMentor, ChangeMentor, LapseReservation, MentorSnapshot, StudentCommand } from './student.commands';
import { studentDecider } from './student.decider';
import { ReservationLapsed, StudentEvent } from './student.events';
import {
  MENTOR_ID,
  NOW,
  OTHER_MENTOR_ID,
  STUDENT_ID,
  admin,
  analyst,
  discoveryBooked,
  friendlyMentor,
  mentorChanged,
  otherFriendlyMentor,
  reservationIdFor,
  selfFunded,
  sessionRescheduled,
  slotIdFor,
  staff,
  studentAssigned,
  studentEnrolled,
  system,
  theMentor,
  theStudent,
  tutor,
} from './student.fixtures';

const THIRD_MENTOR_ID = 'men-3';
const thirdMentor: MentorSnapshot = { ...friendlyMentor, mentorId: THIRD_MENTOR_ID };
const TOMORROW_10 = '2026-03-03T10:00:00.000Z';
const IN_3_DAYS = '2026-03-05T10:00:00.000Z';

function assign(reservationId: string, mentor = friendlyMentor): AssignMentor {
  return { type: 'AssignMentor', data: { studentId: STUDENT_ID, mentor, reservationId, at: NOW, by: staff } };
}

function change(reservationId: string, mentor = otherFriendlyMentor): ChangeMentor {
  return { type: 'ChangeMentor', data: { studentId: STUDENT_ID, mentor, reservationId, reason: 'x', at: NOW, by: staff } };
}

function lapse(reservationId: string, kind: LapseReservation['data']['kind'] = 'caseload', by: Actor = system, mentorId = MENTOR_ID): LapseReservation {
  return { type: 'LapseReservation', data: { studentId: STUDENT_ID, kind, mentorId, reservationId, at: NOW, by } };
}

function lapsed(reservationId: string, kind: ReservationLapsed['data']['kind'] = 'caseload', mentorId = MENTOR_ID): ReservationLapsed {
  return { type: 'ReservationLapsed', data: { studentId: STUDENT_ID, kind, mentorId, reservationId, lapsedAt: NOW } };
}

function book(type: 'BookDiscoverySession' | 'BookSession', sessionId: string, slotId: string, start: string): StudentCommand {
  return { type, data: { studentId: STUDENT_ID, sessionId, slotId, start, at: NOW, by: theMentor } } as StudentCommand;
}

function reschedule(slotId: string, start = IN_3_DAYS): StudentCommand {
  return { type: 'RescheduleSession', data: { studentId: STUDENT_ID, sessionId: 'ses-1', slotId, start, at: NOW, by: theMentor } };
}

const assignedHistory = [studentEnrolled(), studentAssigned()];
const withDiscovery = [...assignedHistory, discoveryBooked('ses-1', TOMORROW_10)];

describe('a caseload reservation is consumed once (R9)', () => {
  it('R9: refuses an assignment naming a reservation that lapsed (reservation_already_used)', () => {
    given(studentDecider, [studentEnrolled(), lapsed('res-a')]).when(assign('res-a')).thenThrows('reservation_already_used', 'conflict');
  });

  it('R9: after a lapse, the assignment goes through on a new reservation', () => {
    given(studentDecider, [studentEnrolled(), lapsed('res-a')])
      .when(assign('res-b'))
      .then([studentAssigned(selfFunded, MENTOR_ID, { reservationId: 'res-b', assignedAt: NOW })]);
  });

  it('R9: refuses a change of mentor naming the reservation the assignment consumed (reservation_already_used)', () => {
    given(studentDecider, assignedHistory).when(change(reservationIdFor(MENTOR_ID))).thenThrows('reservation_already_used', 'conflict');
  });

  it('R9: refuses a change of mentor naming the reservation an earlier change consumed (reservation_already_used)', () => {
    const history = [...assignedHistory, mentorChanged(selfFunded, { reservationId: 'res-b' })];
    given(studentDecider, history).when(change('res-b', thirdMentor)).thenThrows('reservation_already_used', 'conflict');
  });

  it('R9: refuses a change of mentor naming a reservation that lapsed (reservation_already_used)', () => {
    given(studentDecider, [...assignedHistory, lapsed('res-b', 'caseload', OTHER_MENTOR_ID)])
      .when(change('res-b'))
      .thenThrows('reservation_already_used', 'conflict');
  });

  it('R9: refuses an assignment or a change without a reservation id', () => {
    given(studentDecider, [studentEnrolled()]).when(assign('')).thenThrows('missing_field', 'validation');
    given(studentDecider, assignedHistory).when(change('')).thenThrows('missing_field', 'validation');
  });

  it('R9: the change names the reservation it consumes and the previous mentorship’s; the completion then names the new one', () => {
    const history = [...assignedHistory, mentorChanged(selfFunded, { reservationId: 'res-b' })];
    given(studentDecider, history)
      .when(change('res-c', thirdMentor))
      .then([
        mentorChanged(selfFunded, { fromMentorId: OTHER_MENTOR_ID, toMentorId: THIRD_MENTOR_ID, reservationId: 'res-c', previousReservationId: 'res-b', changedAt: NOW }),
      ]);
    given(studentDecider, history)
      .when({ type: 'CompleteTraining', data: { studentId: STUDENT_ID, at: NOW, by: staff } })
      .then([{ type: 'TrainingCompleted', data: { studentId: STUDENT_ID, mentorId: OTHER_MENTOR_ID, reservationId: 'res-b', completedAt: NOW } }]);
  });

  it('R9: a withdrawal names the mentorship’s reservation, or none before any assignment', () => {
    const withdraw = { type: 'WithdrawFromTraining' as const, data: { studentId: STUDENT_ID, reason: 'moved abroad', at: NOW, by: staff } };
    given(studentDecider, assignedHistory)
      .when(withdraw)
      .then([
        {
          type: 'TrainingWithdrawn',
          data: { studentId: STUDENT_ID, mentorId: MENTOR_ID, reservationId: reservationIdFor(MENTOR_ID), reason: 'moved abroad', withdrawnBy: staff, withdrawnAt: NOW },
        },
      ]);
    given(studentDecider, [studentEnrolled()])
      .when(withdraw)
      .then([{ type: 'TrainingWithdrawn', data: { studentId: STUDENT_ID, mentorId: null, reservationId: null, reason: 'moved abroad', withdrawnBy: staff, withdrawnAt: NOW } }]);
  });
});

describe('a calendar slot is consumed once (R14)', () => {
  /** ses-1 moved from tomorrow to in three days, onto the slot `slot-b`. */
  const moved = sessionRescheduled('ses-1', TOMORROW_10, IN_3_DAYS, 'slot-b');

  it('R14: refuses a booking naming a slot the stream already consumed (reservation_already_used)', () => {
    given(studentDecider, withDiscovery).when(book('BookSession', 'ses-2', slotIdFor('ses-1'), IN_3_DAYS)).thenThrows('reservation_already_used', 'conflict');
  });

  it('R14: refuses a booking naming a slot that lapsed (reservation_already_used)', () => {
    given(studentDecider, [...assignedHistory, lapsed('slot-a', 'calendar')])
      .when(book('BookDiscoverySession', 'ses-1', 'slot-a', TOMORROW_10))
      .thenThrows('reservation_already_used', 'conflict');
  });

  it('R14: refuses a reschedule naming the session’s own slot, or a slot that lapsed (reservation_already_used)', () => {
    given(studentDecider, withDiscovery).when(reschedule(slotIdFor('ses-1'))).thenThrows('reservation_already_used', 'conflict');
    given(studentDecider, [...withDiscovery, lapsed('slot-b', 'calendar')]).when(reschedule('slot-b')).thenThrows('reservation_already_used', 'conflict');
  });

  it('R14: a second reschedule takes a new slot and names the first reschedule’s as the previous one', () => {
    given(studentDecider, [...withDiscovery, moved]).when(reschedule('slot-b', TOMORROW_10)).thenThrows('reservation_already_used', 'conflict');
    given(studentDecider, [...withDiscovery, moved])
      .when(reschedule('slot-c', TOMORROW_10))
      .then([sessionRescheduled('ses-1', IN_3_DAYS, TOMORROW_10, 'slot-c', { previousSlotId: 'slot-b' })]);
  });

  it('R14: a cancellation names the slot the session holds now', () => {
    given(studentDecider, [...withDiscovery, moved])
      .when({ type: 'CancelSession', data: { studentId: STUDENT_ID, sessionId: 'ses-1', reason: 'mentor', at: NOW, by: theMentor } })
      .then([
        {
          type: 'SessionCancelled',
          data: {
            sessionId: 'ses-1',
            studentId: STUDENT_ID,
            mentorId: MENTOR_ID,
            start: IN_3_DAYS,
            end: '2026-03-05T10:30:00.000Z',
            slotId: 'slot-b',
            reason: 'mentor',
            text: null,
            late: false,
            cancelledAt: NOW,
          },
        },
      ]);
  });
});

describe('LapseReservation (docs/adr/0002)', () => {
  it('R9: the reconciler voids a caseload reservation the stream never consumed (ReservationLapsed)', () => {
    given(studentDecider, [studentEnrolled()]).when(lapse('res-a', 'caseload', system)).then([lapsed('res-a', 'caseload')]);
    given(studentDecider, assignedHistory)
      .when(lapse('res-b', 'caseload', system, OTHER_MENTOR_ID))
      .then([lapsed('res-b', 'caseload', OTHER_MENTOR_ID)]);
  });

  it('R14: staff void a calendar slot the stream never consumed (ReservationLapsed)', () => {
    for (const by of [staff, admin]) {
      given(studentDecider, withDiscovery).when(lapse('slot-x', 'calendar', by)).then([lapsed('slot-x', 'calendar')]);
    }
  });

  it('R9: lapsing a reservation the stream consumed is a no-op', () => {
    given(studentDecider, assignedHistory).when(lapse(reservationIdFor(MENTOR_ID))).thenNothing();
    given(studentDecider, withDiscovery).when(lapse(slotIdFor('ses-1'), 'calendar')).thenNothing();
  });

  it('R9: lapsing a reservation that already lapsed is a no-op', () => {
    given(studentDecider, [studentEnrolled(), lapsed('res-a')]).when(lapse('res-a')).thenNothing();
  });

  it('R9: lapses a reservation even once the training is closed, so that its slot can be given back', () => {
    const withdrawn: StudentEvent = {
      type: 'TrainingWithdrawn',
      data: { studentId: STUDENT_ID, mentorId: MENTOR_ID, reservationId: reservationIdFor(MENTOR_ID), reason: 'x', withdrawnBy: staff, withdrawnAt: NOW },
    };
    given(studentDecider, [...assignedHistory, withdrawn])
      .when(lapse('res-b', 'caseload', system, OTHER_MENTOR_ID))
      .then([lapsed('res-b', 'caseload', OTHER_MENTOR_ID)]);
  });

  it('R9: refuses a lapse by the student, a mentor or another role without a say (403)', () => {
    for (const by of [theStudent, theMentor, tutor, analyst]) {
      given(studentDecider, assignedHistory).when(lapse('res-b', 'caseload', by)).thenThrows('role_not_allowed', 'forbidden');
    }
  });

  it('refuses a lapse of an unknown kind, or without a reservation or a mentor', () => {
    given(studentDecider, assignedHistory).when(lapse('res-b', 'desk' as never)).thenThrows('invalid_reservation_kind', 'validation');
    given(studentDecider, assignedHistory).when(lapse('')).thenThrows('missing_field', 'validation');
    given(studentDecider, assignedHistory).when(lapse('res-b', 'caseload', system, '')).thenThrows('missing_field', 'validation');
  });

  it('refuses a lapse for a student who is not enrolled', () => {
    given(studentDecider).when(lapse('res-a')).thenThrows('student_not_enrolled', 'not_found');
  });
});
