// Automatic escalations (R11, "escalation" default): a follow-up is requested from the mentorship team,
// by the system actor, when
// - no first contact is recorded `unresponsiveDays` (7) days after an assignment or a change of mentor
//   (due work checked by the scheduler's tick against the student's stream), or
// - the student missed `missedSessionsInARow` (2) sessions in a row: a no-show or a late cancellation by
//   the student counts as missed, a held session breaks the run (decided from the student's stream up
//   to the triggering event, so a replay decides the same).
// The follow-up's id and the event ids derive from the triggering event: a replay appends nothing.
// Every follow-up requested by the system is e-mailed to the mentorship team (once per event).
import { CommandContext, deterministicUuid, reactionContext, studentStream, systemActor } from '@mentoring/application';
import type { FollowUpRequested, FollowUpReason, MentorChanged, SessionCancelled, StudentAssigned } from '@mentoring/domain';
import type { RecordedEvent } from '@mentoring/event-store';
import { cancel, schedule, type DueWorkDoc } from '../due-work';
import type { DueWorkOutcome, ReactionContext, Reactor } from '../reactor';
import { formatInstant, render } from '../templates';
import { DAY_MS, PROFILE_LABELS, ReactorDeps, addMs, dataOf, isRefusal, loadMentor, loadStudent } from './shared';

export const ESCALATIONS = 'escalations';

const REASON_LABELS: Record<FollowUpReason, string> = {
  unresponsive_student: 'no first contact with the student',
  missed_sessions: 'missed sessions in a row',
  other: 'other',
};

export function escalationsReactor(deps: ReactorDeps): Reactor {
  const { unresponsiveDays, missedSessionsInARow } = deps.policy.escalation;
  const firstContactKey = (studentId: string) => `first-contact:${studentId}`;

  /** Requests a follow-up as the system; a refusal (training closed, …) means there is nothing to do. */
  async function requestFollowUp(studentId: string, followUpId: string, reason: FollowUpReason, note: string, ctx: CommandContext, at: string): Promise<string> {
    try {
      const outcome = await deps.streams.execute(
        studentStream(studentId),
        deps.studentDecider,
        () => ({ type: 'RequestFollowUp' as const, data: { studentId, followUpId, reason, note, at, by: ctx.actor } }),
        ctx,
      );
      return outcome.events.length > 0 ? 'follow_up_requested' : 'already_requested';
    } catch (error) {
      if (isRefusal(error)) return `refused:${error.code}`;
      throw error;
    }
  }

  /** Missed sessions in a row at the end of the student's stream up to `event` (a held session resets the run). */
  async function missedRunAt(event: RecordedEvent): Promise<number> {
    const history = await deps.eventStore.readStream(event.streamId, { toPosition: event.position });
    let run = 0;
    for (const e of history) {
      if (e.type === 'SessionHeld') run = 0;
      else if (e.type === 'SessionMissed') run++;
      else if (e.type === 'SessionCancelled' && dataOf<SessionCancelled['data']>(e).late) run++;
    }
    return run;
  }

  return {
    name: ESCALATIONS,
    eventTypes: new Set([
      'StudentAssigned',
      'MentorChanged',
      'FirstContactRecorded',
      'TrainingCompleted',
      'TrainingWithdrawn',
      'SessionMissed',
      'SessionCancelled',
      'FollowUpRequested',
    ]),
    historySkippedDueKinds: new Set(['first-contact-check']),

    async react(event: RecordedEvent, ctx: ReactionContext) {
      switch (event.type) {
        case 'StudentAssigned':
        case 'MentorChanged': {
          const d =
            event.type === 'StudentAssigned'
              ? (({ studentId, mentorId, assignedAt }) => ({ studentId, mentorId, since: assignedAt }))(dataOf<StudentAssigned['data']>(event))
              : (({ studentId, toMentorId, changedAt }) => ({ studentId, mentorId: toMentorId, since: changedAt }))(dataOf<MentorChanged['data']>(event));
          ctx.write((tx) =>
            schedule(tx, ESCALATIONS, firstContactKey(d.studentId), { kind: 'first-contact-check', dueAt: addMs(d.since, unresponsiveDays * DAY_MS), data: d }, event),
          );
          return;
        }
        case 'FirstContactRecorded':
        case 'TrainingCompleted':
        case 'TrainingWithdrawn': {
          const { studentId } = dataOf<{ studentId: string }>(event);
          ctx.write((tx) => cancel(tx, ESCALATIONS, firstContactKey(studentId), event.type));
          return;
        }
        case 'SessionMissed':
        case 'SessionCancelled': {
          if (event.type === 'SessionCancelled' && !dataOf<SessionCancelled['data']>(event).late) return;
          // A first start on an existing log: no follow-up (and no e-mail) about a run of sessions long past.
          if (ctx.historic) return;
          const run = await missedRunAt(event);
          if (run === 0 || run % missedSessionsInARow !== 0) return;
          const { studentId } = dataOf<{ studentId: string }>(event);
          await requestFollowUp(
            studentId,
            deterministicUuid('follow-up', ESCALATIONS, 'missed-sessions', event.eventId),
            'missed_sessions',
            `${run} sessions missed in a row (no-shows or late cancellations), the last one recorded at ${formatInstant(event.metadata.occurredAt)}.`,
            reactionContext(ESCALATIONS, event, 'missed-sessions'),
            ctx.now().toISOString(),
          );
          return;
        }
        case 'FollowUpRequested': {
          const d = dataOf<FollowUpRequested['data']>(event);
          if (d.requestedBy.role !== 'system') return;
          const student = await loadStudent(deps, d.studentId);
          const mentor = d.mentorId ? await loadMentor(deps, d.mentorId) : null;
          const enrolment = student?.file.enrolment;
          const mail = render('follow-up-requested', {
            studentName: enrolment?.name ?? d.studentId,
            studentEmail: enrolment?.email ?? '-',
            trainingPath: enrolment?.trainingPath ?? '-',
            profileLabel: enrolment ? PROFILE_LABELS[enrolment.funding.kind] : '-',
            reasonLabel: REASON_LABELS[d.reason] ?? d.reason,
            note: d.note ?? '-',
            mentorName: mentor ? `${mentor.name} (${mentor.email})` : 'none',
            requestedAt: formatInstant(d.requestedAt),
            followUpId: d.followUpId,
            reference: event.eventId,
          });
          await ctx.sendOnce({ key: `follow-up.${event.eventId}`, to: deps.mentorshipTeamEmail, about: { studentId: d.studentId, mentorId: d.mentorId ?? null }, ...mail });
          return;
        }
      }
    },

    async perform(work: DueWorkDoc, ctx: ReactionContext): Promise<DueWorkOutcome> {
      const { studentId, mentorId, since } = work.data as { studentId: string; mentorId: string; since: string };
      const student = await loadStudent(deps, studentId);
      // Only the mentorship this check was scheduled for, still active and still without a first contact.
      if (!student || student.status !== 'active') return { outcome: 'not_active' };
      if (student.mentorship.mentorId !== mentorId || student.mentorship.since !== since) return { outcome: 'obsolete' };
      if (student.mentorship.firstContactAt !== null) return { outcome: 'contacted' };
      const outcome = await requestFollowUp(
        studentId,
        deterministicUuid('follow-up', ESCALATIONS, 'unresponsive', work.causationId),
        'unresponsive_student',
        `No first contact recorded ${unresponsiveDays} days after the assignment of the mentor on ${formatInstant(since)}.`,
        {
          actor: systemActor(ESCALATIONS),
          correlationId: work.correlationId,
          causationId: work.causationId,
          idempotencyKey: `event:${work.causationId}:unresponsive`,
        },
        ctx.now().toISOString(),
      );
      return { outcome };
    },
  };
}
