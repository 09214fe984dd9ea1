// Who may read a student's profile, and what of it (R2 oversight, R7 sensitive data).
import type { Actor } from '@mentoring/event-store';
import type { StudentProfileDoc } from '@mentoring/projections';

export type StudentProfileView = Omit<StudentProfileDoc, '_id' | 'registeredDisability'> & { registeredDisability?: boolean };

const STAFF = new Set(['staff', 'admin']);

function fundingParty(doc: StudentProfileDoc, key: string): string | undefined {
  const party = (doc.funding as Record<string, unknown>)[key] as { id?: string } | undefined;
  return party?.id;
}

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

export function studentProfileView(actor: Actor, doc: StudentProfileDoc): StudentProfileView {
  const { _id, registeredDisability, ...rest } = doc;
  return mayReadDisability(actor, doc) ? { ...rest, registeredDisability } : rest;
}
