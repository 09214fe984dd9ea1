import { Actor } from '../shared/actor';
import { given } from '../shared/testing';
import { MentorCommand, RegisterMentor, ReserveCaseloadSlot } from './mentor.commands';
import { mentorDecider } from './mentor.decider';
import { CaseloadReleaseReason, CaseloadSlotReleased, CaseloadSlotReserved, MentorEvent, MentorRegistered } from './mentor.events';
import { RegisteredMentorState, caseloadSize, caseloadStudents, mentorSnapshotOf, remainingCapacity, reservationsOf } from './mentor.state';

const MENTOR_ID = 'men-1';
const NOW = '2026-03-02T09:00:00.000Z';
const staff: Actor = { id: 'staff-1', role: 'staff' };
const admin: Actor = { id: 'admin-1', role: 'admin' };
const system: Actor = { id: 'system', role: 'system' };
const theMentor: Actor = { id: MENTOR_ID, role: 'mentor' };
const otherMentor: Actor = { id: 'men-2', role: 'mentor' };
const aStudent: Actor = { id: 'stu-1', role: 'student' };

const registration: Omit<RegisterMentor['data'], 'at' | 'by'> = {
  mentorId: MENTOR_ID,
  name: 'Mo Mentor',
  email: 'mo@mentors.example',
  trainingPaths: ['web-developer', 'data-analyst'],
  capacity: 2,
  disabilityFriendly: false,
};

function registered(overrides: Partial<MentorRegistered['data']> = {}): MentorRegistered {
  return {
    type: 'MentorRegistered',
    data: { ...registration, disabilityTrainingCompletedOn: null, registeredAt: '2026-01-10T10:00:00.000Z', ...overrides },
  };
}

/** The reservation id the specifications use for a student's (first) reservation. */
function resOf(studentId: string): string {
  return `res-${studentId}`;
}

function reserved(studentId: string, reservationId = resOf(studentId)): CaseloadSlotReserved {
  return { type: 'CaseloadSlotReserved', data: { mentorId: MENTOR_ID, studentId, reservationId, reservedAt: '2026-02-01T10:00:00.000Z' } };
}

function reservedNow(studentId: string, reservationId = resOf(studentId)): CaseloadSlotReserved {
  return { type: 'CaseloadSlotReserved', data: { mentorId: MENTOR_ID, studentId, reservationId, reservedAt: NOW } };
}

function reserve(studentId: string, extra: Partial<ReserveCaseloadSlot['data']> = {}): MentorCommand {
  return {
    type: 'ReserveCaseloadSlot',
    data: {
      mentorId: MENTOR_ID,
      studentId,
      reservationId: resOf(studentId),
      studentHasDisability: false,
      trainingPath: 'web-developer',
      at: NOW,
      by: staff,
      ...extra,
    },
  };
}

function release(reservationId: string, reason: CaseloadReleaseReason, by: Actor = system): MentorCommand {
  return { type: 'ReleaseCaseloadSlot', data: { mentorId: MENTOR_ID, reservationId, reason, at: NOW, by } };
}

function released(studentId: string, reservationId: string, reason: CaseloadReleaseReason, releasedAt = NOW): CaseloadSlotReleased {
  return { type: 'CaseloadSlotReleased', data: { mentorId: MENTOR_ID, studentId, reservationId, reason, releasedAt } };
}

function registeredState(history: MentorEvent[]): RegisteredMentorState {
  const state = given(mentorDecider, history).state();
  if (state.status !== 'registered') throw new Error('expected a registered mentor');
  return state;
}

describe('mentor registration', () => {
  it('registers a mentor with training paths, capacity and disability-friendliness', () => {
    given(mentorDecider)
      .when({ type: 'RegisterMentor', data: { ...registration, at: NOW, by: staff } })
      .then([{ type: 'MentorRegistered', data: { ...registration, disabilityTrainingCompletedOn: null, registeredAt: NOW } }]);
  });

  it('R7: registers a disability-friendly mentor with the date of their training', () => {
    given(mentorDecider)
      .when({
        type: 'RegisterMentor',
        data: { ...registration, disabilityFriendly: true, disabilityTrainingCompletedOn: '2025-11-03', at: NOW, by: admin },
      })
      .then([
        {
          type: 'MentorRegistered',
          data: { ...registration, disabilityFriendly: true, disabilityTrainingCompletedOn: '2025-11-03', registeredAt: NOW },
        },
      ]);
  });

  it('R7: refuses a disability-friendly registration without the training date', () => {
    given(mentorDecider)
      .when({ type: 'RegisterMentor', data: { ...registration, disabilityFriendly: true, at: NOW, by: staff } })
      .thenThrows('R7_disability_training_date_required', 'validation');
  });

  it('R9: refuses a capacity below one', () => {
    given(mentorDecider)
      .when({ type: 'RegisterMentor', data: { ...registration, capacity: 0, at: NOW, by: staff } })
      .thenThrows('R9_capacity_must_be_positive', 'validation');
    given(mentorDecider)
      .when({ type: 'RegisterMentor', data: { ...registration, capacity: 1.5, at: NOW, by: staff } })
      .thenThrows('R9_capacity_must_be_positive', 'validation');
  });

  it('refuses a mentor without training paths or with a malformed e-mail', () => {
    given(mentorDecider)
      .when({ type: 'RegisterMentor', data: { ...registration, trainingPaths: [], at: NOW, by: staff } })
      .thenThrows('training_paths_required', 'validation');
    given(mentorDecider)
      .when({ type: 'RegisterMentor', data: { ...registration, email: 'mo', at: NOW, by: staff } })
      .thenThrows('invalid_email', 'validation');
  });

  it('refuses registration by anyone but staff or admin', () => {
    for (const by of [theMentor, aStudent, system]) {
      given(mentorDecider)
        .when({ type: 'RegisterMentor', data: { ...registration, at: NOW, by } })
        .thenThrows('role_not_allowed', 'forbidden');
    }
  });

  it('is an idempotent no-op when the same registration is retried', () => {
    given(mentorDecider, [registered()])
      .when({ type: 'RegisterMentor', data: { ...registration, at: '2026-03-05T00:00:00Z', by: staff } })
      .thenNothing();
  });

  it('refuses registering the same mentor with other data', () => {
    given(mentorDecider, [registered()])
      .when({ type: 'RegisterMentor', data: { ...registration, capacity: 5, at: NOW, by: staff } })
      .thenThrows('mentor_already_registered', 'conflict');
  });

  it('refuses commands on a mentor who is not registered', () => {
    given(mentorDecider).when(reserve('stu-1')).thenThrows('mentor_not_registered', 'not_found');
  });
});

describe('disability-friendly mentors (R7)', () => {
  it('R7: marks a mentor disability-friendly once the training is done, by the mentor themself', () => {
    given(mentorDecider, [registered()])
      .when({ type: 'MarkMentorDisabilityFriendly', data: { mentorId: MENTOR_ID, trainingCompletedOn: '2026-02-27', at: NOW, by: theMentor } })
      .then([{ type: 'MentorMarkedDisabilityFriendly', data: { mentorId: MENTOR_ID, trainingCompletedOn: '2026-02-27', markedAt: NOW } }]);
  });

  it('R7: refuses marking another mentor disability-friendly', () => {
    given(mentorDecider, [registered()])
      .when({ type: 'MarkMentorDisabilityFriendly', data: { mentorId: MENTOR_ID, trainingCompletedOn: '2026-02-27', at: NOW, by: otherMentor } })
      .thenThrows('not_own_mentor_profile', 'forbidden');
  });

  it('R7: is an idempotent no-op for a mentor already disability-friendly', () => {
    given(mentorDecider, [registered({ disabilityFriendly: true, disabilityTrainingCompletedOn: '2025-11-03' })])
      .when({ type: 'MarkMentorDisabilityFriendly', data: { mentorId: MENTOR_ID, trainingCompletedOn: '2026-02-27', at: NOW, by: staff } })
      .thenNothing();
  });
});

describe('caseload and capacity (R9)', () => {
  it('R9: reserves a caseload slot while the mentor has capacity left', () => {
    given(mentorDecider, [registered(), reserved('stu-0')])
      .when(reserve('stu-1'))
      .then([reservedNow('stu-1')]);
  });

  it('R9: refuses a slot when the caseload equals the capacity', () => {
    given(mentorDecider, [registered(), reserved('stu-0'), reserved('stu-2')]).when(reserve('stu-1')).thenThrows('R9_mentor_at_capacity', 'conflict');
  });

  it('R9: a released slot can be reserved by another student', () => {
    given(mentorDecider, [registered(), reserved('stu-0'), reserved('stu-2'), released('stu-0', resOf('stu-0'), 'mentor_changed', '2026-02-15T00:00:00.000Z')])
      .when(reserve('stu-1', { by: system }))
      .then([reservedNow('stu-1')]);
  });

  it('R9: reserving again under the same reservation id for the same student is an idempotent no-op, even at capacity', () => {
    given(mentorDecider, [registered(), reserved('stu-0'), reserved('stu-1')]).when(reserve('stu-1')).thenNothing();
  });

  it('R9: refuses a reservation id already held for another student', () => {
    given(mentorDecider, [registered(), reserved('stu-0', 'res-shared')])
      .when(reserve('stu-1', { reservationId: 'res-shared' }))
      .thenThrows('reservation_id_already_used', 'conflict');
  });

  it('refuses a reservation without a reservation id', () => {
    given(mentorDecider, [registered()]).when(reserve('stu-1', { reservationId: '' })).thenThrows('missing_field', 'validation');
  });

  it('R9: derives the remaining capacity from capacity and caseload', () => {
    const state = registeredState([registered(), reserved('stu-0')]);
    expect(remainingCapacity(state)).toBe(1);
  });

  it('R9: capacity counts open reservations: a student holding two (a new one before the old one is released) counts twice', () => {
    const history = [registered(), reserved('stu-1', 'res-a'), reserved('stu-1', 'res-b')];
    const state = registeredState(history);
    expect({ size: caseloadSize(state), remaining: remainingCapacity(state), students: caseloadStudents(state), held: reservationsOf(state, 'stu-1') }).toEqual({
      size: 2,
      remaining: 0,
      students: ['stu-1'],
      held: ['res-a', 'res-b'],
    });
    given(mentorDecider, history).when(reserve('stu-2')).thenThrows('R9_mentor_at_capacity', 'conflict');
  });

  it('R9: a student may take a second reservation under a new id while the mentor has room', () => {
    given(mentorDecider, [registered(), reserved('stu-1', 'res-a')])
      .when(reserve('stu-1', { reservationId: 'res-b' }))
      .then([reservedNow('stu-1', 'res-b')]);
  });

  it('R9: releasing one of a student’s two reservations by its id keeps the other, and frees one slot', () => {
    const history = [registered(), reserved('stu-1', 'res-a'), reserved('stu-1', 'res-b')];
    given(mentorDecider, history).when(release('res-a', 'mentor_changed')).then([released('stu-1', 'res-a', 'mentor_changed')]);
    const after = [...history, released('stu-1', 'res-a', 'mentor_changed')];
    const state = registeredState(after);
    expect({ held: reservationsOf(state, 'stu-1'), remaining: remainingCapacity(state) }).toEqual({ held: ['res-b'], remaining: 1 });
    given(mentorDecider, after).when(release('res-a', 'mentor_changed')).thenNothing();
    given(mentorDecider, after).when(reserve('stu-2')).then([reservedNow('stu-2')]);
  });

  it('R7: refuses a slot for a student with a registered disability when the mentor is not disability-friendly', () => {
    given(mentorDecider, [registered()])
      .when(reserve('stu-1', { studentHasDisability: true }))
      .thenThrows('R7_mentor_not_disability_friendly', 'conflict');
  });

  it('R7: reserves a slot for a student with a registered disability with a disability-friendly mentor', () => {
    given(mentorDecider, [registered({ disabilityFriendly: true, disabilityTrainingCompletedOn: '2025-11-03' })])
      .when(reserve('stu-1', { studentHasDisability: true }))
      .then([reservedNow('stu-1')]);
  });

  it('refuses a slot for a training path the mentor does not cover', () => {
    given(mentorDecider, [registered()])
      .when(reserve('stu-1', { trainingPath: 'ux-designer' }))
      .thenThrows('mentor_does_not_cover_training_path', 'conflict');
  });

  it('refuses a slot while the mentor is unavailable, and accepts it once the unavailability ended', () => {
    const declared: MentorEvent = {
      type: 'MentorUnavailabilityDeclared',
      data: {
        mentorId: MENTOR_ID,
        unavailabilityId: 'off-1',
        from: '2026-03-01T00:00:00.000Z',
        to: '2026-03-15T00:00:00.000Z',
        reason: 'holiday',
        declaredAt: '2026-02-01T00:00:00.000Z',
      },
    };
    given(mentorDecider, [registered(), declared]).when(reserve('stu-1')).thenThrows('mentor_unavailable', 'conflict');
    const ended: MentorEvent = { type: 'MentorUnavailabilityEnded', data: { mentorId: MENTOR_ID, unavailabilityId: 'off-1', endedAt: '2026-03-02T08:00:00.000Z' } };
    given(mentorDecider, [registered(), declared, ended])
      .when(reserve('stu-1'))
      .then([reservedNow('stu-1')]);
  });

  it('refuses a reservation by a mentor or a student', () => {
    given(mentorDecider, [registered()]).when(reserve('stu-1', { by: theMentor })).thenThrows('role_not_allowed', 'forbidden');
    given(mentorDecider, [registered()]).when(reserve('stu-1', { by: aStudent })).thenThrows('role_not_allowed', 'forbidden');
  });

  it('releases a held slot by its reservation id, with its reason and the student who held it', () => {
    given(mentorDecider, [registered(), reserved('stu-1')])
      .when(release(resOf('stu-1'), 'training_completed'))
      .then([released('stu-1', resOf('stu-1'), 'training_completed')]);
  });

  it('releases a lapsed reservation (reservation_lapsed)', () => {
    given(mentorDecider, [registered(), reserved('stu-1', 'res-lost')])
      .when(release('res-lost', 'reservation_lapsed'))
      .then([released('stu-1', 'res-lost', 'reservation_lapsed')]);
  });

  it('is an idempotent no-op when releasing a reservation id that is not held', () => {
    given(mentorDecider, [registered(), reserved('stu-1')]).when(release('res-unknown', 'assignment_aborted', staff)).thenNothing();
  });

  it('refuses an unknown release reason, or a release by a mentor or a student', () => {
    given(mentorDecider, [registered(), reserved('stu-1')])
      .when(release(resOf('stu-1'), 'bored' as never, staff))
      .thenThrows('invalid_release_reason', 'validation');
    for (const by of [theMentor, aStudent]) {
      given(mentorDecider, [registered(), reserved('stu-1')]).when(release(resOf('stu-1'), 'mentor_changed', by)).thenThrows('role_not_allowed', 'forbidden');
    }
  });

  it('R9: the mentor changes their own capacity', () => {
    given(mentorDecider, [registered(), reserved('stu-1')])
      .when({ type: 'ChangeMentorCapacity', data: { mentorId: MENTOR_ID, capacity: 4, at: NOW, by: theMentor } })
      .then([{ type: 'MentorCapacityChanged', data: { mentorId: MENTOR_ID, previousCapacity: 2, capacity: 4, changedAt: NOW } }]);
  });

  it('R9: refuses a capacity below the current caseload', () => {
    given(mentorDecider, [registered(), reserved('stu-1'), reserved('stu-2')])
      .when({ type: 'ChangeMentorCapacity', data: { mentorId: MENTOR_ID, capacity: 1, at: NOW, by: staff } })
      .thenThrows('R9_capacity_below_caseload', 'conflict');
  });

  it('R9: refuses a capacity below the open reservations, even when one student holds two', () => {
    given(mentorDecider, [registered(), reserved('stu-1', 'res-a'), reserved('stu-1', 'res-b')])
      .when({ type: 'ChangeMentorCapacity', data: { mentorId: MENTOR_ID, capacity: 1, at: NOW, by: staff } })
      .thenThrows('R9_capacity_below_caseload', 'conflict');
  });

  it('R9: is an idempotent no-op when the capacity does not change', () => {
    given(mentorDecider, [registered()])
      .when({ type: 'ChangeMentorCapacity', data: { mentorId: MENTOR_ID, capacity: 2, at: NOW, by: staff } })
      .thenNothing();
  });

  it('refuses another mentor changing the capacity', () => {
    given(mentorDecider, [registered()])
      .when({ type: 'ChangeMentorCapacity', data: { mentorId: MENTOR_ID, capacity: 3, at: NOW, by: otherMentor } })
      .thenThrows('not_own_mentor_profile', 'forbidden');
  });
});

describe('mentor unavailability', () => {
  const declare = (extra: Record<string, unknown> = {}): MentorCommand => ({
    type: 'DeclareMentorUnavailability',
    data: {
      mentorId: MENTOR_ID,
      unavailabilityId: 'off-1',
      from: '2026-04-01T00:00:00Z',
      to: '2026-04-15T00:00:00Z',
      reason: 'holiday',
      at: NOW,
      by: theMentor,
      ...extra,
    },
  });
  const declaredEvent: MentorEvent = {
    type: 'MentorUnavailabilityDeclared',
    data: {
      mentorId: MENTOR_ID,
      unavailabilityId: 'off-1',
      from: '2026-04-01T00:00:00.000Z',
      to: '2026-04-15T00:00:00.000Z',
      reason: 'holiday',
      declaredAt: NOW,
    },
  };

  it('declares a period of unavailability (times normalised to UTC)', () => {
    given(mentorDecider, [registered()]).when(declare()).then([declaredEvent]);
  });

  it('is an idempotent no-op when the same unavailability is declared again', () => {
    given(mentorDecider, [registered(), declaredEvent]).when(declare()).thenNothing();
  });

  it('refuses a period that ends before it starts, or a reused id with other dates', () => {
    given(mentorDecider, [registered()]).when(declare({ to: '2026-03-01T00:00:00Z' })).thenThrows('unavailability_must_end_after_start', 'validation');
    given(mentorDecider, [registered(), declaredEvent]).when(declare({ to: '2026-04-20T00:00:00Z' })).thenThrows('unavailability_id_already_used', 'conflict');
  });

  it('ends an unavailability early, once', () => {
    const end: MentorCommand = { type: 'EndMentorUnavailability', data: { mentorId: MENTOR_ID, unavailabilityId: 'off-1', at: '2026-04-05T00:00:00.000Z', by: staff } };
    given(mentorDecider, [registered(), declaredEvent])
      .when(end)
      .then([{ type: 'MentorUnavailabilityEnded', data: { mentorId: MENTOR_ID, unavailabilityId: 'off-1', endedAt: '2026-04-05T00:00:00.000Z' } }]);
    given(mentorDecider, [
      registered(),
      declaredEvent,
      { type: 'MentorUnavailabilityEnded', data: { mentorId: MENTOR_ID, unavailabilityId: 'off-1', endedAt: '2026-04-05T00:00:00.000Z' } },
    ])
      .when(end)
      .thenNothing();
    given(mentorDecider, [registered()]).when(end).thenThrows('unavailability_not_found', 'not_found');
  });

  it('gives the application the snapshot that AssignMentor and ChangeMentor carry', () => {
    const state = given(mentorDecider, [registered(), declaredEvent]).state();
    expect(mentorSnapshotOf(state, NOW)).toEqual({ mentorId: MENTOR_ID, disabilityFriendly: false, trainingPaths: ['web-developer', 'data-analyst'], active: true });
    expect(mentorSnapshotOf(state, '2026-04-02T00:00:00Z')).toEqual({
      mentorId: MENTOR_ID,
      disabilityFriendly: false,
      trainingPaths: ['web-developer', 'data-analyst'],
      active: false,
    });
    expect(mentorSnapshotOf(mentorDecider.initialState, NOW)).toBeNull();
  });
});

describe('erasure of a mentor\'s personal data (GDPR Art. 17, after they left)', () => {
  const erased: MentorEvent = { type: 'MentorPersonalDataErased', data: { mentorId: MENTOR_ID, reason: 'left the school, Art. 17', erasedBy: staff, erasedAt: NOW } };

  it('R9: staff erase a mentor with no students', () => {
    given(mentorDecider, [registered(), reserved('stu-1'), released('stu-1', resOf('stu-1'), 'training_withdrawn')])
      .when({ type: 'EraseMentorPersonalData', data: { mentorId: MENTOR_ID, reason: 'left the school, Art. 17', at: NOW, by: staff } })
      .then([erased]);
  });

  it('R9: refuses to erase a mentor who still has students', () => {
    given(mentorDecider, [registered(), reserved('stu-1')])
      .when({ type: 'EraseMentorPersonalData', data: { mentorId: MENTOR_ID, reason: 'left', at: NOW, by: staff } })
      .thenThrows('mentor_has_students', 'conflict');
  });

  it('R7: refuses a student for an erased mentor, and any change of the profile; a repeated erasure is a no-op', () => {
    given(mentorDecider, [registered(), erased])
      .when({ type: 'ReserveCaseloadSlot', data: { mentorId: MENTOR_ID, studentId: 'stu-9', reservationId: 'res-9', trainingPath: 'web-developer', studentHasDisability: false, at: NOW, by: staff } })
      .thenThrows('mentor_personal_data_erased', 'conflict');
    given(mentorDecider, [registered(), erased])
      .when({ type: 'ChangeMentorCapacity', data: { mentorId: MENTOR_ID, capacity: 5, at: NOW, by: staff } })
      .thenThrows('mentor_personal_data_erased', 'conflict');
    given(mentorDecider, [registered(), erased])
      .when({ type: 'EraseMentorPersonalData', data: { mentorId: MENTOR_ID, reason: 'again', at: NOW, by: staff } })
      .thenNothing();
  });

  it('refuses an erasure by the mentor themself', () => {
    given(mentorDecider, [registered()])
      .when({ type: 'EraseMentorPersonalData', data: { mentorId: MENTOR_ID, reason: 'left', at: NOW, by: theMentor } })
      .thenThrows('role_not_allowed', 'forbidden');
  });
});
