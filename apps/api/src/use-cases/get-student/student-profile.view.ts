// Who may read a student's profile, and what of it (R2 oversight, R7 sensitive data, R11 internal comments).
import type { Actor } from '@mentoring/event-store';
import type { StudentCommentDoc, StudentProfileDoc, StudentSessionDoc } from '@mentoring/projections';

/** The student's current mentor, joined when read: whom to contact. */
export interface StudentMentorContact {
  mentorId: string;
  name: string | null;
  /** Absent for tutors, funders and auditors (mayReadContacts). */
  email?: string | null;
}

/** What GET /students/{id} answers; optional fields are absent (not empty) for those who may not read them. */
export interface StudentProfileView {
  studentId: string;
  name: string;
  /** Only for the student, their mentor and staff (mayReadContacts). */
  email?: string;
  trainingPath: string;
  /** R7: only for the student, their mentor and staff. */
  registeredDisability?: boolean;
  startDate: string;
  funding: StudentProfileDoc['funding'];
  attendanceObligatory: boolean;
  status: StudentProfileDoc['status'];
  mentorId: string | null;
  assignedAt: string | null;
  enrolledAt: string;
  updatedAt: string;
  revision: number;
  /** Every session booked with its status and outcome, for everyone who may read the student. */
  sessions: StudentSessionDoc[];
  /** R11: only for staff and the student's current mentor; absent (not empty) for everyone else. */
  comments?: StudentCommentDoc[];
  /** The current mentor's name and contact; null while no mentor is assigned. */
  mentor: StudentMentorContact | null;
}

const STAFF = new Set(['staff', 'admin']);

function fundingParty(doc: StudentProfileDoc, key: string): string | undefined {
  const party = (doc.funding as Record<string, unknown>)[key] as { id?: string } | undefined;
  return party?.id;
}

/** The roles that may read some student: an analyst may read none (403 role_not_allowed, not 404). */
export const MAY_READ_SOME_STUDENT: ReadonlySet<string> = new Set(['staff', 'admin', 'auditor', 'student', 'mentor', 'tutor', 'funder']);

/** The student, their mentor, staff and auditors; a tutor or funder for the students they oversee or fund. */
export function mayReadStudent(actor: Actor, doc: StudentProfileDoc): boolean {
  if (STAFF.has(actor.role) || actor.role === 'auditor') return true;
  if (actor.role === 'student') return actor.id === doc.studentId;
  if (actor.role === 'mentor') return actor.id === doc.mentorId;
  if (actor.role === 'tutor') return fundingParty(doc, 'tutor') === actor.id;
  if (actor.role === 'funder') {
    return [fundingParty(doc, 'company'), fundingParty(doc, 'employer'), fundingParty(doc, 'publicFunder')].includes(actor.id);
  }
  return false;
}

/** R7: disability information only for the student, the assigned mentor and the mentorship team. */
export function mayReadDisability(actor: Actor, doc: StudentProfileDoc): boolean {
  return STAFF.has(actor.role) || (actor.role === 'student' && actor.id === doc.studentId) || (actor.role === 'mentor' && actor.id === doc.mentorId);
}

/** R11: internal comments for the mentorship team and the student's current mentor; never the student, a tutor, a funder or an analyst (auditors read them in the history). */
export function mayReadComments(actor: Actor, doc: StudentProfileDoc): boolean {
  return STAFF.has(actor.role) || (actor.role === 'mentor' && actor.id === doc.mentorId);
}

/**
 * Contact details (the student's e-mail, the tutor's and the mentor's) only for those who contact them:
 * the student, their mentor and staff. Tutors, funders and auditors see who, not how to reach them
 * (least privilege: their jobs are oversight, funding evidence and the audit).
 */
export function mayReadContacts(actor: Actor, doc: StudentProfileDoc): boolean {
  return STAFF.has(actor.role) || (actor.role === 'student' && actor.id === doc.studentId) || (actor.role === 'mentor' && actor.id === doc.mentorId);
}

/** The funding without the tutor's e-mail (the only contact detail it holds). */
function fundingWithoutContacts(funding: StudentProfileDoc['funding']): StudentProfileDoc['funding'] {
  const tutor = (funding as { tutor?: { id: string; name: string; email?: string } }).tutor;
  if (!tutor) return funding;
  return { ...funding, tutor: { id: tutor.id, name: tutor.name } } as StudentProfileDoc['funding'];
}

/** Field by field (never a spread of the stored document), so the answer is exactly STUDENT_PROFILE_SCHEMA. */
export function studentProfileView(actor: Actor, doc: StudentProfileDoc, mentor: StudentMentorContact | null = null): StudentProfileView {
  const contacts = mayReadContacts(actor, doc);
  return {
    studentId: doc.studentId,
    name: doc.name,
    ...(contacts ? { email: doc.email } : {}),
    trainingPath: doc.trainingPath,
    ...(mayReadDisability(actor, doc) ? { registeredDisability: doc.registeredDisability } : {}),
    startDate: doc.startDate,
    funding: contacts ? doc.funding : fundingWithoutContacts(doc.funding),
    attendanceObligatory: doc.attendanceObligatory,
    status: doc.status,
    mentorId: doc.mentorId,
    assignedAt: doc.assignedAt,
    enrolledAt: doc.enrolledAt,
    updatedAt: doc.updatedAt,
    revision: doc.revision,
    sessions: doc.sessions ?? [],
    ...(mayReadComments(actor, doc) ? { comments: doc.comments ?? [] } : {}),
    mentor: mentor && !contacts ? { mentorId: mentor.mentorId, name: mentor.name } : mentor,
  };
}
