// Commands on a student's stream. Every command carries `at` (ISO instant, from the application's clock) and `by`.
import { Actor } from '../shared/actor';
import { DomainCommand } from '../shared/decider';
import { FundingProfile } from './funding';
import { CancellationReason, FollowUpReason } from './student.events';

interface Acting {
  at: string;
  by: Actor;
}

/** The mentor as the application read it from the mentor's stream, re-checked by the student decider (R7). */
export interface MentorSnapshot {
  mentorId: string;
  disabilityFriendly: boolean;
  trainingPaths: string[];
  /** Registered and not unavailable at the time of the command. */
  active: boolean;
}

export type EnrolStudent = DomainCommand<
  'EnrolStudent',
  Acting & {
    studentId: string;
    name: string;
    email: string;
    trainingPath: string;
    registeredDisability: boolean;
    /** YYYY-MM-DD. */
    startDate: string;
    funding: FundingProfile;
  }
>;

/** `reservationId`: the caseload reservation the application holds on the mentor's stream for this student. */
export type AssignMentor = DomainCommand<'AssignMentor', Acting & { studentId: string; mentor: MentorSnapshot; reservationId: string }>;
export type RequestMentorChange = DomainCommand<'RequestMentorChange', Acting & { studentId: string; requestId: string; reason: string }>;
export type DeclineMentorChangeRequest = DomainCommand<
  'DeclineMentorChangeRequest',
  Acting & { studentId: string; requestId: string; reason: string }
>;
export type ChangeMentor = DomainCommand<
  'ChangeMentor',
  Acting & { studentId: string; mentor: MentorSnapshot; reservationId: string; reason: string; requestId?: string | null }
>;
export type RecordFirstContact = DomainCommand<'RecordFirstContact', Acting & { studentId: string }>;
export type AddInternalComment = DomainCommand<'AddInternalComment', Acting & { studentId: string; commentId: string; text: string }>;
export type RequestFollowUp = DomainCommand<
  'RequestFollowUp',
  Acting & { studentId: string; followUpId: string; reason: FollowUpReason; note?: string | null }
>;
export type ResolveFollowUp = DomainCommand<'ResolveFollowUp', Acting & { studentId: string; followUpId: string; resolution: string }>;
export type PauseTraining = DomainCommand<'PauseTraining', Acting & { studentId: string; reason?: string | null }>;
export type ResumeTraining = DomainCommand<'ResumeTraining', Acting & { studentId: string }>;
export type CompleteTraining = DomainCommand<'CompleteTraining', Acting & { studentId: string }>;
export type WithdrawFromTraining = DomainCommand<'WithdrawFromTraining', Acting & { studentId: string; reason: string }>;
/** `start` is an ISO instant; the end follows from the profile's session length (policy). */
/** `slotId`: the calendar slot the application reserves for this booking (or reschedule) on the mentor's calendar. */
export type BookDiscoverySession = DomainCommand<'BookDiscoverySession', Acting & { studentId: string; sessionId: string; slotId: string; start: string }>;
export type BookSession = DomainCommand<'BookSession', Acting & { studentId: string; sessionId: string; slotId: string; start: string }>;
export type RescheduleSession = DomainCommand<'RescheduleSession', Acting & { studentId: string; sessionId: string; slotId: string; start: string }>;
/** Voids a reservation no fact consumed, before the reservations process releases it (system, staff). */
export type LapseReservation = DomainCommand<
  'LapseReservation',
  Acting & { studentId: string; kind: 'caseload' | 'calendar'; mentorId: string; reservationId: string }
>;
export type CancelSession = DomainCommand<
  'CancelSession',
  Acting & { studentId: string; sessionId: string; reason: CancellationReason; text?: string | null }
>;
export type RecordSessionHeld = DomainCommand<'RecordSessionHeld', Acting & { studentId: string; sessionId: string }>;
export type RecordSessionNoShow = DomainCommand<'RecordSessionNoShow', Acting & { studentId: string; sessionId: string }>;
export type RecordSubstantialDelay = DomainCommand<
  'RecordSubstantialDelay',
  Acting & { studentId: string; sessionId: string; delayMinutes: number }
>;
export type SubmitFirstSessionRecording = DomainCommand<
  'SubmitFirstSessionRecording',
  Acting & { studentId: string; sessionId: string; recordingUrl: string }
>;
export type GiveFirstSessionFeedback = DomainCommand<
  'GiveFirstSessionFeedback',
  Acting & { studentId: string; sessionId: string; feedback: string }
>;
/** From the weekly rhythm reactor: the week starting on this Monday (YYYY-MM-DD) ended without a held session. */
export type RecordWeekWithoutSession = DomainCommand<'RecordWeekWithoutSession', Acting & { studentId: string; weekStart: string }>;

export type StudentCommand =
  | EnrolStudent
  | AssignMentor
  | RequestMentorChange
  | DeclineMentorChangeRequest
  | ChangeMentor
  | RecordFirstContact
  | AddInternalComment
  | RequestFollowUp
  | ResolveFollowUp
  | PauseTraining
  | ResumeTraining
  | CompleteTraining
  | WithdrawFromTraining
  | BookDiscoverySession
  | BookSession
  | RescheduleSession
  | CancelSession
  | RecordSessionHeld
  | RecordSessionNoShow
  | RecordSubstantialDelay
  | SubmitFirstSessionRecording
  | GiveFirstSessionFeedback
  | RecordWeekWithoutSession
  | LapseReservation
  | EraseStudentPersonalData;

/** GDPR Art. 17: destroys the student's data key. `reason`: about the erasure, naming no person. */
export type EraseStudentPersonalData = DomainCommand<'EraseStudentPersonalData', Acting & { studentId: string; reason: string }>;

export type StudentCommandType = StudentCommand['type'];
