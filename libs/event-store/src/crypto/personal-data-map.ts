// Which fields of which event are personal data, and whose key seals them. Everything not listed stays in clear:
// ids, dates, funding kinds, organisations (funders, employers, companies: not natural persons), cohorts, session
// times, attendance facts and actors' ids. Those are the funders' legal evidence and the pseudonymous history that
// survives an erasure. The event-catalogue test (libs/domain) checks that every event type has an entry here.

/** Whose data key seals a field: the student's (`studentId` of the event) or the mentor's (`mentorId`). */
export type KeyOwner = 'student' | 'mentor';

export interface PersonalField {
  /** Dotted path in the event's data (`funding.tutor.email`). Absent or null values are left as they are. */
  path: string;
  owner: KeyOwner;
  /** What the field reads as once its owner's key is destroyed. */
  placeholder: string | boolean;
}

export const ERASED = '[erased]';

const s = (path: string): PersonalField => ({ path, owner: 'student', placeholder: ERASED });
const m = (path: string): PersonalField => ({ path, owner: 'mentor', placeholder: ERASED });

/**
 * Per event type, its personal fields. Every event type of the domain is listed, an empty list saying "nothing
 * personal" was decided, not forgotten.
 */
export const PERSONAL_DATA_MAP: Readonly<Record<string, readonly PersonalField[]>> = Object.freeze({
  // The student's identity and contact, their health data (R7: erased reads as `false`; an erased student can be
  // given no new mentor, so no R7 decision ever rests on the placeholder), and the tutor's contact (a person).
  // trainingPath, startDate, funding kind, organisations, cohort, contract reference and end date stay clear.
  StudentEnrolled: [s('name'), s('email'), { path: 'registeredDisability', owner: 'student', placeholder: false }, s('funding.tutor.name'), s('funding.tutor.email')],
  // The copy of the contact for the mentor's e-mail (R10).
  StudentAssigned: [s('student.name'), s('student.email')],
  // The student's reason for wanting another mentor (free text, may describe the person).
  MentorChangeRequested: [s('reason')],
  // The team's answer to it (free text).
  MentorChangeRequestDeclined: [s('reason')],
  // The reason of the change (free text) and the copy of the contact for the new mentor's e-mail.
  MentorChanged: [s('reason'), s('student.name'), s('student.email')],
  // Ids and a date only.
  FirstContactRecorded: [],
  // The mentor's internal comment about the student (R11).
  InternalCommentAdded: [s('text')],
  // The follow-up's free note; its reason is a closed list and stays clear.
  FollowUpRequested: [s('note')],
  // The team's free-text resolution.
  FollowUpResolved: [s('resolution')],
  // The pause's free-text reason (may be health or family).
  TrainingPaused: [s('reason')],
  TrainingResumed: [],
  TrainingCompleted: [],
  // The withdrawal's free-text reason.
  TrainingWithdrawn: [s('reason')],
  DiscoverySessionBooked: [],
  SessionBooked: [],
  SessionRescheduled: [],
  // The cancellation's free text; the reason (a closed list) and `late` are attendance facts and stay clear.
  SessionCancelled: [s('text')],
  SessionHeld: [],
  SessionMissed: [],
  SubstantialDelayRecorded: [],
  // The link to the recording of the student's first session (their image and voice).
  FirstSessionRecordingSubmitted: [s('recordingUrl')],
  // The team's feedback on that session (free text about the student and the mentor).
  FirstSessionFeedbackGiven: [s('feedback')],
  // Funders' evidence: kind, funder, cohort, dates (R4, R15). Nothing personal beyond the pseudonymous id.
  AttendanceFactRecorded: [],
  AttendanceAlertRaised: [],
  ReservationLapsed: [],
  // Recorded in clear by design: the erasure's reason is about the erasure (who asked, under which article), must
  // name no person, and stays readable for the auditor.
  StudentPersonalDataErased: [],
  MentorPersonalDataErased: [],
  // The mentor's identity and contact; paths, capacity and disability training are professional facts.
  MentorRegistered: [m('name'), m('email')],
  MentorMarkedDisabilityFriendly: [],
  MentorCapacityChanged: [],
  // The unavailability's free-text reason (may be health or family).
  MentorUnavailabilityDeclared: [m('reason')],
  MentorUnavailabilityEnded: [],
  CaseloadSlotReserved: [],
  CaseloadSlotReleased: [],
  MentorSlotReserved: [],
  MentorSlotMoved: [],
  MentorSlotReleased: [],
  // The access log: who read which student's record, when, why (X-Purpose). Evidence of access kept for the auditor
  // after an erasure; the purpose is the reader's, about their work, and names the student by id only.
  SensitiveDataRead: [],
});

/** The erasure events: on seeing one, a reader forgets the cached key of its subject before decrypting further. */
export const ERASURE_EVENTS: Readonly<Record<string, KeyOwner>> = Object.freeze({
  StudentPersonalDataErased: 'student',
  MentorPersonalDataErased: 'mentor',
});
