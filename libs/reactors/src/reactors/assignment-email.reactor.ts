// R10: when a student is assigned (StudentAssigned) or changes mentor (MentorChanged, "transfers"), the
// (new) mentor receives an e-mail with everything needed to contact the student and the presentation
// material for the discovery session, from templates/assignment-email.txt. Once per assignment: the
// message key (and its Message-ID) is derived from the event id, and `_sent_emails` records it.
import type { MentorChanged, ProfileSummary, StudentAssigned, StudentContact } from '@mentoring/domain';
import type { RecordedEvent } from '@mentoring/event-store';
import type { ReactionContext, Reactor } from '../reactor';
import { formatDay, render } from '../templates';
import { DAY_MS, PROFILE_LABELS, ReactorDeps, addMs, dataOf, loadMentor } from './shared';

export const ASSIGNMENT_EMAIL = 'assignment-email';

const PROFILE_RULES: Record<ProfileSummary['kind'], string> = {
  apprenticeship:
    'the training alternates study and work periods; the employer and the tutor may follow its progress (sessions, attendance, mentor); attendance is obligatory.',
  employee: 'the training follows the schedule agreed with the employer, who funds it; attendance is obligatory.',
  social_programme:
    'the student signed an attendance contract with the public funder: every missed session, late cancellation or substantial delay is recorded and reported, and can affect the funding.',
  self_funded: 'the student funds the training, has no end date, and may pause it and resume it later.',
};

export function assignmentEmailReactor(deps: ReactorDeps): Reactor {
  return {
    name: ASSIGNMENT_EMAIL,
    eventTypes: new Set(['StudentAssigned', 'MentorChanged']),
    async react(event: RecordedEvent, ctx: ReactionContext) {
      let mentorId: string;
      let student: StudentContact;
      let profile: ProfileSummary;
      let at: string;
      let sentence: string;
      if (event.type === 'StudentAssigned') {
        const d = dataOf<StudentAssigned['data']>(event);
        ({ mentorId, student, profile } = d);
        at = d.assignedAt;
        sentence = `${student.name} has been assigned to you as their mentor on ${formatDay(at)}.`;
      } else {
        const d = dataOf<MentorChanged['data']>(event);
        ({ student, profile } = d);
        mentorId = d.toMentorId;
        at = d.changedAt;
        sentence = `${student.name} changes mentor: from ${formatDay(at)} you are their mentor. Treat this as a first assignment: contact the student and hold a discovery session.`;
      }
      const mentor = await loadMentor(deps, mentorId);
      if (!mentor) throw new Error(`${event.type} ${event.eventId} names mentor ${mentorId}, who is not registered`);
      const days = deps.policy.escalation.unresponsiveDays;
      const mail = render('assignment-email', {
        mentorName: mentor.name,
        assignmentSentence: sentence,
        studentName: student.name,
        studentEmail: student.email,
        trainingPath: student.trainingPath,
        studentId: event.streamId.replace(/^student-/, ''),
        profileLabel: PROFILE_LABELS[profile.kind],
        funder: profile.funder ?? 'the student',
        cohort: profile.cohort ?? '-',
        endDate: profile.endDate ? formatDay(profile.endDate) : 'none (self-funded)',
        sessionMinutes: profile.sessionMinutes,
        attendance: profile.attendanceObligatory ? 'obligatory (missed sessions are recorded and reported to the funder)' : 'not obligatory',
        unresponsiveDays: days,
        firstContactDeadline: formatDay(addMs(at, days * DAY_MS)),
        rhythm: profile.kind === 'self_funded' ? 'at the rhythm you agree with the student' : 'every week for the whole training, with no pause',
        profileRules: PROFILE_RULES[profile.kind],
        reference: event.eventId,
      });
      await ctx.sendOnce({ key: `assignment.${event.eventId}`, to: mentor.email, about: { studentId: event.streamId.replace(/^student-/, ''), mentorId }, ...mail });
    },
  };
}
