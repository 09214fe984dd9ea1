// Test data for the student specifications: actors, profiles and the events of a typical history.
import { DEFAULT_POLICY } from '../policy';
import { Actor } from '../shared/actor';
import { FundingProfile } from './funding';
import { MentorSnapshot } from './student.commands';
import {
  DiscoverySessionBooked,
  MentorChanged,
  ProfileSummary,
  SessionBooked,
  SessionHeld,
  SessionRescheduled,
  StudentAssigned,
  StudentEnrolled,
} from './student.events';

export const STUDENT_ID = 'stu-1';
export const MENTOR_ID = 'men-1';
export const OTHER_MENTOR_ID = 'men-2';

export const staff: Actor = { id: 'staff-1', role: 'staff' };
export const admin: Actor = { id: 'admin-1', role: 'admin' };
export const system: Actor = { id: 'system', role: 'system' };
export const theStudent: Actor = { id: STUDENT_ID, role: 'student' };
export const anotherStudent: Actor = { id: 'stu-2', role: 'student' };
export const theMentor: Actor = { id: MENTOR_ID, role: 'mentor' };
export const otherMentor: Actor = { id: OTHER_MENTOR_ID, role: 'mentor' };
export const analyst: Actor = { id: 'ana-1', role: 'analyst' };
export const tutor: Actor = { id: 'tut-1', role: 'tutor' };

/** Monday 2 March 2026, 09:00 UTC: "now" in most specifications. */
export const NOW = '2026-03-02T09:00:00.000Z';
export const TRAINING_PATH = 'web-developer';

export const apprenticeship: FundingProfile = {
  kind: 'apprenticeship',
  company: { id: 'co-1', name: 'Acme SA' },
  employer: { id: 'emp-1', name: 'Jane Employer' },
  tutor: { id: 'tut-1', name: 'Tom Tutor', email: 'tom@acme.example' },
  rhythm: { studyWeeks: 1, workWeeks: 3 },
  endDate: '2027-02-28',
};

export const employee: FundingProfile = {
  kind: 'employee',
  employer: { id: 'emp-2', name: 'Globex' },
  schedule: 'Tuesdays 09:00-12:00',
  purpose: 'internal_job_change',
  endDate: '2026-12-31',
};

export const socialProgramme: FundingProfile = {
  kind: 'social_programme',
  publicFunder: { id: 'pf-1', name: 'Regional Employment Agency' },
  cohort: '2026-spring',
  attendanceContractRef: 'contract-778',
  endDate: '2026-09-30',
};

export const selfFunded: FundingProfile = { kind: 'self_funded' };

export const friendlyMentor: MentorSnapshot = { mentorId: MENTOR_ID, disabilityFriendly: true, trainingPaths: [TRAINING_PATH], active: true };
export const otherFriendlyMentor: MentorSnapshot = { ...friendlyMentor, mentorId: OTHER_MENTOR_ID };

export function enrolmentData(funding: FundingProfile = selfFunded, registeredDisability = false) {
  return {
    studentId: STUDENT_ID,
    name: 'Ada Student',
    email: 'ada@student.example',
    trainingPath: TRAINING_PATH,
    registeredDisability,
    startDate: '2026-03-01',
    funding,
  };
}

export function studentEnrolled(funding: FundingProfile = selfFunded, registeredDisability = false): StudentEnrolled {
  return {
    type: 'StudentEnrolled',
    data: {
      ...enrolmentData(funding, registeredDisability),
      attendanceObligatory: DEFAULT_POLICY.obligatoryAttendance[funding.kind],
      enrolledAt: '2026-02-20T10:00:00.000Z',
    },
  };
}

export function profileSummaryOf(funding: FundingProfile): ProfileSummary {
  const funder =
    funding.kind === 'apprenticeship'
      ? funding.company
      : funding.kind === 'employee'
        ? funding.employer
        : funding.kind === 'social_programme'
          ? funding.publicFunder
          : null;
  return {
    kind: funding.kind,
    funderId: funder?.id ?? null,
    funder: funder?.name ?? null,
    cohort: funding.kind === 'social_programme' ? funding.cohort : null,
    endDate: funding.kind === 'self_funded' ? null : funding.endDate,
    sessionMinutes: DEFAULT_POLICY.sessionMinutes[funding.kind],
    attendanceObligatory: DEFAULT_POLICY.obligatoryAttendance[funding.kind],
  };
}

/** The caseload reservation id the fixtures' assignments to `mentorId` consume. */
export function reservationIdFor(mentorId: string): string {
  return `res-${mentorId}`;
}

/** The calendar slot id the fixtures' bookings of `sessionId` consume. */
export function slotIdFor(sessionId: string): string {
  return `slot-${sessionId}`;
}

export function studentAssigned(funding: FundingProfile = selfFunded, mentorId = MENTOR_ID, overrides: Partial<StudentAssigned['data']> = {}): StudentAssigned {
  return {
    type: 'StudentAssigned',
    data: {
      studentId: STUDENT_ID,
      mentorId,
      reservationId: reservationIdFor(mentorId),
      assignedAt: '2026-02-21T10:00:00.000Z',
      assignedBy: staff,
      student: { name: 'Ada Student', email: 'ada@student.example', trainingPath: TRAINING_PATH },
      profile: profileSummaryOf(funding),
      ...overrides,
    },
  };
}

/** Staff change the mentor (by default from MENTOR_ID to OTHER_MENTOR_ID), consuming the new mentor's fixture reservation. */
export function mentorChanged(funding: FundingProfile = selfFunded, overrides: Partial<MentorChanged['data']> = {}): MentorChanged {
  const fromMentorId = overrides.fromMentorId ?? MENTOR_ID;
  const toMentorId = overrides.toMentorId ?? OTHER_MENTOR_ID;
  return {
    type: 'MentorChanged',
    data: {
      studentId: STUDENT_ID,
      fromMentorId,
      toMentorId,
      reservationId: reservationIdFor(toMentorId),
      previousReservationId: reservationIdFor(fromMentorId),
      reason: 'x',
      decidedBy: staff,
      requestId: null,
      changedAt: '2026-03-01T00:00:00.000Z',
      student: { name: 'Ada Student', email: 'ada@student.example', trainingPath: TRAINING_PATH },
      profile: profileSummaryOf(funding),
      ...overrides,
    },
  };
}

function booked(sessionId: string, start: string, minutes: number, mentorId: string) {
  return {
    sessionId,
    studentId: STUDENT_ID,
    mentorId,
    start,
    end: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
    durationMinutes: minutes,
    slotId: slotIdFor(sessionId),
    bookedAt: '2026-02-25T10:00:00.000Z',
  };
}

export function discoveryBooked(sessionId: string, start: string, minutes = 30, mentorId = MENTOR_ID): DiscoverySessionBooked {
  return { type: 'DiscoverySessionBooked', data: booked(sessionId, start, minutes, mentorId) };
}

export function sessionBooked(sessionId: string, start: string, minutes = 30, mentorId = MENTOR_ID): SessionBooked {
  return { type: 'SessionBooked', data: booked(sessionId, start, minutes, mentorId) };
}

/** A booked session moved from `previousStart` to `start` onto the calendar slot `slotId` (by default from its fixture slot). */
export function sessionRescheduled(
  sessionId: string,
  previousStart: string,
  start: string,
  slotId: string,
  options: { minutes?: number; previousSlotId?: string; mentorId?: string; rescheduledAt?: string } = {},
): SessionRescheduled {
  const minutes = options.minutes ?? 30;
  const endOf = (at: string) => new Date(Date.parse(at) + minutes * 60_000).toISOString();
  return {
    type: 'SessionRescheduled',
    data: {
      sessionId,
      studentId: STUDENT_ID,
      mentorId: options.mentorId ?? MENTOR_ID,
      previousStart,
      previousEnd: endOf(previousStart),
      start,
      end: endOf(start),
      slotId,
      previousSlotId: options.previousSlotId ?? slotIdFor(sessionId),
      rescheduledAt: options.rescheduledAt ?? NOW,
    },
  };
}

export function sessionHeld(
  sessionId: string,
  start: string,
  minutes = 30,
  options: { discovery?: boolean; firstOfMentorship?: boolean; mentorId?: string } = {},
): SessionHeld {
  return {
    type: 'SessionHeld',
    data: {
      sessionId,
      studentId: STUDENT_ID,
      mentorId: options.mentorId ?? MENTOR_ID,
      start,
      end: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
      discovery: options.discovery ?? false,
      firstOfMentorship: options.firstOfMentorship ?? false,
      heldAt: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
    },
  };
}
