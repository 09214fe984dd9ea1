import { EVENT_SCHEMA_VERSIONS, EVENT_STREAM_CATEGORIES, EVENT_TYPES, EventType, isEventType, upcast } from './events';
import { mentorDecider } from './mentor/mentor.decider';
import { MentorEvent, legacyCaseloadReservationId } from './mentor/mentor.events';
import { fold } from './shared/decider';
import { studentDecider } from './student/student.decider';
import { StudentEvent } from './student/student.events';
import { profileSummaryOf, selfFunded, staff, studentEnrolled } from './student/student.fixtures';

/** The types whose schema went to v2 with reservation ids (docs/adr/0002). */
const V2_TYPES: EventType[] = [
  'StudentAssigned',
  'MentorChanged',
  'TrainingCompleted',
  'TrainingWithdrawn',
  'DiscoverySessionBooked',
  'SessionBooked',
  'SessionRescheduled',
  'SessionCancelled',
  'CaseloadSlotReserved',
  'CaseloadSlotReleased',
  'MentorSlotReserved',
  'MentorSlotReleased',
];

const AT = '2026-02-21T10:00:00.000Z';
const contact = { name: 'Ada Student', email: 'ada@student.example', trainingPath: 'web-developer' };
const session = { sessionId: 'ses-1', studentId: 'stu-1', mentorId: 'men-1', start: '2026-03-03T10:00:00.000Z', end: '2026-03-03T10:30:00.000Z' };

describe('event registry', () => {
  it('keeps the four event names of the design', () => {
    for (const name of ['StudentAssigned', 'MentorChanged', 'DiscoverySessionBooked', 'FollowUpRequested']) {
      expect(isEventType(name)).toBe(true);
    }
  });

  it('names events after what happened, never after a database operation', () => {
    for (const type of EVENT_TYPES) expect(type).not.toMatch(/(Updated|Created|Deleted|Saved|Upserted|Modified)$/);
  });

  it('has the reservation-id events at schema version 2 and every other event type at version 1, each in a stream category', () => {
    const expected = Object.fromEntries(EVENT_TYPES.map((t) => [t, V2_TYPES.includes(t) ? 2 : 1]));
    expect(EVENT_SCHEMA_VERSIONS).toEqual(expected);
    expect(Object.keys(EVENT_STREAM_CATEGORIES).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('records ReservationLapsed (v1) in the student stream', () => {
    expect({ version: EVENT_SCHEMA_VERSIONS.ReservationLapsed, stream: EVENT_STREAM_CATEGORIES.ReservationLapsed }).toEqual({ version: 1, stream: 'student' });
  });

  it('upcasts current events unchanged', () => {
    const data = { studentId: 's', mentorId: 'm', contactedAt: '2026-03-02T09:00:00.000Z' };
    expect(upcast('FirstContactRecorded', 1, data)).toBe(data);
    const assigned = { studentId: 's', mentorId: 'm', reservationId: 'res-1', assignedAt: AT };
    expect(upcast('StudentAssigned', 2, assigned)).toBe(assigned);
  });

  it('refuses unknown types and versions newer than the code knows', () => {
    expect(() => upcast('StudentUpdated', 1, {})).toThrow('unknown event type');
    expect(() => upcast('StudentAssigned', 3, {})).toThrow('knows up to v2');
    expect(() => upcast('FirstContactRecorded', 2, {})).toThrow('knows up to v1');
    expect(() => upcast('StudentAssigned', 0, {})).toThrow();
    expect(() => upcast('StudentAssigned', 1.5, {})).toThrow();
  });
});

describe('upcast v1 → v2 (reservation ids, docs/adr/0002)', () => {
  it('names the legacy caseload reservation after the mentor and the student', () => {
    expect(legacyCaseloadReservationId('men-1', 'stu-1')).toBe('legacy:men-1:stu-1');
  });

  it('StudentAssigned v1 consumes the legacy reservation of its mentor', () => {
    const v1 = { studentId: 'stu-1', mentorId: 'men-1', assignedAt: AT, assignedBy: staff, student: contact, profile: profileSummaryOf(selfFunded) };
    expect(upcast('StudentAssigned', 1, v1)).toEqual({ ...v1, reservationId: 'legacy:men-1:stu-1' });
  });

  it('MentorChanged v1 consumes the new mentor’s legacy reservation and names the previous mentor’s', () => {
    const v1 = {
      studentId: 'stu-1',
      fromMentorId: 'men-1',
      toMentorId: 'men-2',
      reason: 'x',
      decidedBy: staff,
      requestId: null,
      changedAt: AT,
      student: contact,
      profile: profileSummaryOf(selfFunded),
    };
    expect(upcast('MentorChanged', 1, v1)).toEqual({ ...v1, reservationId: 'legacy:men-2:stu-1', previousReservationId: 'legacy:men-1:stu-1' });
  });

  it('TrainingCompleted v1 names the mentorship’s legacy reservation', () => {
    const v1 = { studentId: 'stu-1', mentorId: 'men-1', completedAt: AT };
    expect(upcast('TrainingCompleted', 1, v1)).toEqual({ ...v1, reservationId: 'legacy:men-1:stu-1' });
  });

  it('TrainingWithdrawn v1 names the mentorship’s legacy reservation, or none before any assignment', () => {
    const v1 = { studentId: 'stu-1', mentorId: 'men-1', reason: 'x', withdrawnBy: staff, withdrawnAt: AT };
    expect(upcast('TrainingWithdrawn', 1, v1)).toEqual({ ...v1, reservationId: 'legacy:men-1:stu-1' });
    const early = { ...v1, mentorId: null };
    expect(upcast('TrainingWithdrawn', 1, early)).toEqual({ ...early, reservationId: null });
  });

  it('DiscoverySessionBooked and SessionBooked v1 consume the slot keyed by their session', () => {
    const v1 = { ...session, durationMinutes: 30, bookedAt: AT };
    expect(upcast('DiscoverySessionBooked', 1, v1)).toEqual({ ...v1, slotId: 'ses-1' });
    expect(upcast('SessionBooked', 1, v1)).toEqual({ ...v1, slotId: 'ses-1' });
  });

  it('SessionRescheduled v1 moved its slot in place: the same slot before and after', () => {
    const v1 = { ...session, previousStart: '2026-03-02T10:00:00.000Z', previousEnd: '2026-03-02T10:30:00.000Z', rescheduledAt: AT };
    expect(upcast('SessionRescheduled', 1, v1)).toEqual({ ...v1, slotId: 'ses-1', previousSlotId: 'ses-1' });
  });

  it('SessionCancelled v1 names the slot keyed by its session', () => {
    const v1 = { ...session, reason: 'mentor', text: null, late: false, cancelledAt: AT };
    expect(upcast('SessionCancelled', 1, v1)).toEqual({ ...v1, slotId: 'ses-1' });
  });

  it('CaseloadSlotReserved and CaseloadSlotReleased v1 read as the legacy reservation of the mentor and the student', () => {
    const reserved = { mentorId: 'men-1', studentId: 'stu-1', reservedAt: AT };
    expect(upcast('CaseloadSlotReserved', 1, reserved)).toEqual({ ...reserved, reservationId: 'legacy:men-1:stu-1' });
    const released = { mentorId: 'men-1', studentId: 'stu-1', reason: 'training_completed', releasedAt: AT };
    expect(upcast('CaseloadSlotReleased', 1, released)).toEqual({ ...released, reservationId: 'legacy:men-1:stu-1' });
  });

  it('MentorSlotReserved and MentorSlotReleased v1 read as the slot keyed by their session', () => {
    const reserved = { ...session, reservedAt: AT };
    expect(upcast('MentorSlotReserved', 1, reserved)).toEqual({ ...reserved, slotId: 'ses-1' });
    const released = { mentorId: 'men-1', sessionId: 'ses-1', studentId: 'stu-1', reason: 'booking_aborted', releasedAt: AT };
    expect(upcast('MentorSlotReleased', 1, released)).toEqual({ ...released, slotId: 'ses-1' });
  });

  it('has a v1 → v2 step for every type at version 2, and never changes the stored data', () => {
    for (const type of V2_TYPES) {
      const stored = Object.freeze({ ...session, toMentorId: 'men-2', fromMentorId: 'men-1' });
      const read = upcast(type, 1, stored);
      expect(read).not.toBe(stored);
      expect(read).toMatchObject(stored);
    }
  });

  it('R9: a v1 history reads with legacy ids that match across the student’s and the mentor’s streams', () => {
    const student = [
      studentEnrolled(),
      {
        type: 'StudentAssigned',
        data: upcast('StudentAssigned', 1, {
          studentId: 'stu-1',
          mentorId: 'men-1',
          assignedAt: AT,
          assignedBy: staff,
          student: contact,
          profile: profileSummaryOf(selfFunded),
        }),
      } as StudentEvent,
    ];
    const completed = studentDecider.decide(
      { type: 'CompleteTraining', data: { studentId: 'stu-1', at: '2026-06-01T00:00:00.000Z', by: staff } },
      fold(studentDecider, student),
    );
    expect(completed).toEqual([
      { type: 'TrainingCompleted', data: { studentId: 'stu-1', mentorId: 'men-1', reservationId: 'legacy:men-1:stu-1', completedAt: '2026-06-01T00:00:00.000Z' } },
    ]);

    const registered: MentorEvent = {
      type: 'MentorRegistered',
      data: {
        mentorId: 'men-1',
        name: 'Mo Mentor',
        email: 'mo@mentors.example',
        trainingPaths: ['web-developer'],
        capacity: 1,
        disabilityFriendly: false,
        disabilityTrainingCompletedOn: null,
        registeredAt: '2026-01-10T10:00:00.000Z',
      },
    };
    const reserved = { type: 'CaseloadSlotReserved', data: upcast('CaseloadSlotReserved', 1, { mentorId: 'men-1', studentId: 'stu-1', reservedAt: AT }) } as MentorEvent;
    const [fact] = completed;
    if (fact.type !== 'TrainingCompleted') throw new Error('expected TrainingCompleted');
    const released = mentorDecider.decide(
      { type: 'ReleaseCaseloadSlot', data: { mentorId: 'men-1', reservationId: fact.data.reservationId, reason: 'training_completed', at: AT, by: staff } },
      fold(mentorDecider, [registered, reserved]),
    );
    expect(released).toEqual([
      { type: 'CaseloadSlotReleased', data: { mentorId: 'men-1', studentId: 'stu-1', reservationId: 'legacy:men-1:stu-1', reason: 'training_completed', releasedAt: AT } },
    ]);
  });
});
