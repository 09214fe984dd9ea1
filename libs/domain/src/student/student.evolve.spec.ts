import { fold } from '../shared/decider';
import { studentDecider } from './student.decider';
import { StudentEvent } from './student.events';
import {
  MENTOR_ID,
  OTHER_MENTOR_ID,
  STUDENT_ID,
  discoveryBooked,
  mentorChanged,
  reservationIdFor,
  selfFunded,
  sessionHeld,
  sessionRescheduled,
  slotIdFor,
  staff,
  studentAssigned,
  studentEnrolled,
} from './student.fixtures';

describe('student state folded from history', () => {
  it('is not enrolled for an empty stream', () => {
    expect(fold(studentDecider, [])).toEqual({ status: 'not_enrolled' });
  });

  it('awaits a mentor after enrolment, then is active with a fresh mentorship', () => {
    expect(fold(studentDecider, [studentEnrolled()]).status).toBe('awaiting_mentor');
    const state = fold(studentDecider, [studentEnrolled(), studentAssigned()]);
    expect(state.status === 'active' && state.mentorship).toEqual({
      mentorId: MENTOR_ID,
      reservationId: reservationIdFor(MENTOR_ID),
      since: '2026-02-21T10:00:00.000Z',
      firstContactAt: null,
      discoverySessionId: null,
      firstHeldSessionId: null,
    });
  });

  it('tracks sessions, the discovery session and the first held session for review (R12, R13)', () => {
    const start = '2026-03-03T10:00:00.000Z';
    const state = fold(studentDecider, [
      studentEnrolled(),
      studentAssigned(),
      discoveryBooked('ses-1', start),
      sessionHeld('ses-1', start, 30, { discovery: true, firstOfMentorship: true }),
    ]);
    if (state.status !== 'active') throw new Error('expected an active student');
    expect(state.file.sessions['ses-1'].status).toBe('held');
    expect(state.mentorship.discoverySessionId).toBe('ses-1');
    expect(state.mentorship.firstHeldSessionId).toBe('ses-1');
    expect(state.file.firstSessions['ses-1']).toEqual({ sessionId: 'ses-1', mentorId: MENTOR_ID, recordingUrl: null, feedback: null });
  });

  it('keeps the last mentorship after a withdrawal, and none when withdrawn before assignment', () => {
    const withdrawn: StudentEvent = {
      type: 'TrainingWithdrawn',
      data: { studentId: STUDENT_ID, mentorId: null, reservationId: null, reason: 'x', withdrawnBy: staff, withdrawnAt: '2026-03-01T00:00:00.000Z' },
    };
    const early = fold(studentDecider, [studentEnrolled(selfFunded), withdrawn]);
    expect(early.status === 'withdrawn' && early.mentorship).toBeNull();
    const late = fold(studentDecider, [studentEnrolled(selfFunded), studentAssigned(), withdrawn]);
    expect(late.status === 'withdrawn' && late.mentorship?.mentorId).toBe(MENTOR_ID);
  });

  it('R9: remembers every reservation the stream consumed or saw lapse; a change of mentor starts a mentorship on its own reservation', () => {
    const changed = mentorChanged();
    const lapsed: StudentEvent = {
      type: 'ReservationLapsed',
      data: { studentId: STUDENT_ID, kind: 'caseload', mentorId: 'men-3', reservationId: 'res-lost', lapsedAt: '2026-03-01T00:05:00.000Z' },
    };
    const enrolled = fold(studentDecider, [studentEnrolled()]);
    expect(enrolled.status === 'awaiting_mentor' && enrolled.file.reservations).toEqual({});
    const state = fold(studentDecider, [studentEnrolled(), studentAssigned(), changed, lapsed]);
    if (state.status !== 'active') throw new Error('expected an active student');
    expect(state.file.reservations).toEqual({ [reservationIdFor(MENTOR_ID)]: 'consumed', [reservationIdFor(OTHER_MENTOR_ID)]: 'consumed', 'res-lost': 'lapsed' });
    expect(state.mentorship.reservationId).toBe(reservationIdFor(OTHER_MENTOR_ID));
  });

  it('R14: a session holds the slot it was booked on, then the slot of its reschedule; both are consumed', () => {
    const start = '2026-03-03T10:00:00.000Z';
    const rescheduled = sessionRescheduled('ses-1', start, '2026-03-05T10:00:00.000Z', 'slot-ses-1-moved');
    const booked = fold(studentDecider, [studentEnrolled(), studentAssigned(), discoveryBooked('ses-1', start)]);
    expect(booked.status === 'active' && booked.file.sessions['ses-1'].slotId).toBe(slotIdFor('ses-1'));
    const moved = fold(studentDecider, [studentEnrolled(), studentAssigned(), discoveryBooked('ses-1', start), rescheduled]);
    if (moved.status !== 'active') throw new Error('expected an active student');
    expect(moved.file.sessions['ses-1']).toMatchObject({ start: '2026-03-05T10:00:00.000Z', slotId: 'slot-ses-1-moved' });
    expect(moved.file.reservations).toEqual({ [reservationIdFor(MENTOR_ID)]: 'consumed', [slotIdFor('ses-1')]: 'consumed', 'slot-ses-1-moved': 'consumed' });
  });
});
