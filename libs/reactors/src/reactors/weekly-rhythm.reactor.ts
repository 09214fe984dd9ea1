// Weekly rhythm (R4, R15, "rhythm" default): a student whose attendance is obligatory (third-party
// funded) has a session every week; a whole week of mentored training without a held session is an
// attendance fact and an alert. Each such student has one item of due work, the next week to check,
// due when that week is over plus a grace period (mentors record Friday's session on Monday). The tick
// issues RecordWeekWithoutSession as the system; the domain decides (a held session that week, a week
// outside the mentored training, a paused training: nothing is recorded), and the check moves on to
// the following week until the end date. A completion or withdrawal does not drop the weeks that ended
// before it (R4: the funder's facts go to the last week): the pending check keeps its time, now bounded
// by the close, so the remaining whole weeks before the close are still checked, then it stops; a check
// of a week that had not ended at the close is cancelled.
import { studentStream, systemActor } from '@mentoring/application';
import type { MentorChanged, StudentAssigned, TrainingCompleted, TrainingWithdrawn } from '@mentoring/domain';
import type { RecordedEvent } from '@mentoring/event-store';
import { DUE_WORK, cancel, findDueWork, schedule, type DueWorkDoc } from '../due-work';
import type { DueWorkOutcome, ReactionContext, Reactor } from '../reactor';
import { DAY_MS, HOUR_MS, ReactorDeps, addMs, dataOf, isRefusal, loadStudent, mondayOnOrAfter } from './shared';

export const WEEKLY_RHYTHM = 'weekly-rhythm';

export interface WeeklyRhythmOptions {
  /** Hours after the end of a week before it is checked, for sessions recorded late. Default 24. */
  graceHours?: number;
}

interface WeekCheck {
  studentId: string;
  /** Monday (YYYY-MM-DD) of the week to check. */
  weekStart: string;
  endDate: string | null;
  /** Set once the training is completed or withdrawn: only weeks that ended by then are checked. */
  closedAt?: string | null;
}

export function weeklyRhythmReactor(deps: ReactorDeps, options: WeeklyRhythmOptions = {}): Reactor {
  const graceMs = (options.graceHours ?? 24) * HOUR_MS;
  const key = (studentId: string) => `week:${studentId}`;
  const dueAtOf = (weekStart: string) => addMs(`${weekStart}T00:00:00.000Z`, 7 * DAY_MS + graceMs);
  const nextWeek = (weekStart: string) => addMs(`${weekStart}T00:00:00.000Z`, 7 * DAY_MS).slice(0, 10);
  /** The week ended by the instant `closedAt` (a whole week of the training before its close). */
  const endedBy = (weekStart: string, closedAt: string) => Date.parse(`${weekStart}T00:00:00.000Z`) + 7 * DAY_MS <= Date.parse(closedAt);

  return {
    name: WEEKLY_RHYTHM,
    eventTypes: new Set(['StudentAssigned', 'MentorChanged', 'TrainingCompleted', 'TrainingWithdrawn']),

    async react(event: RecordedEvent, ctx: ReactionContext) {
      if (event.type === 'TrainingCompleted' || event.type === 'TrainingWithdrawn') {
        const { studentId, closedAt } =
          event.type === 'TrainingCompleted'
            ? (({ studentId, completedAt }) => ({ studentId, closedAt: completedAt }))(dataOf<TrainingCompleted['data']>(event))
            : (({ studentId, withdrawnAt }) => ({ studentId, closedAt: withdrawnAt }))(dataOf<TrainingWithdrawn['data']>(event));
        ctx.write(async (tx) => {
          const work = await findDueWork(tx, WEEKLY_RHYTHM, key(studentId));
          if (!work || (work.state !== 'pending' && work.state !== 'failed')) return;
          const check = work.data as unknown as WeekCheck;
          // No whole week left before the close: nothing more to check.
          if (!endedBy(check.weekStart, closedAt)) return cancel(tx, WEEKLY_RHYTHM, key(studentId), event.type);
          // The weeks that ended before the close are still checked, at their usual time (after the grace), then the check stops.
          // Idempotent: handling the event again sets the same bound.
          await tx
            .collection<DueWorkDoc>(DUE_WORK)
            .updateOne({ _id: work._id, state: work.state }, { $set: { data: { ...check, closedAt } satisfies WeekCheck } });
        });
        return;
      }
      const d =
        event.type === 'StudentAssigned'
          ? (({ studentId, assignedAt, profile }) => ({ studentId, since: assignedAt, profile }))(dataOf<StudentAssigned['data']>(event))
          : (({ studentId, changedAt, profile }) => ({ studentId, since: changedAt, profile }))(dataOf<MentorChanged['data']>(event));
      if (!d.profile.attendanceObligatory) return;
      const student = await loadStudent(deps, d.studentId);
      if (!student) throw new Error(`student ${d.studentId} is not enrolled`);
      // The first whole week of this mentorship inside the training (the domain counts no other).
      const startOfTraining = `${student.file.enrolment.startDate}T00:00:00.000Z`;
      const weekStart = mondayOnOrAfter(Date.parse(d.since) > Date.parse(startOfTraining) ? d.since : startOfTraining);
      const endDate = d.profile.endDate;
      if (endDate !== null && weekStart > endDate) return;
      const check: WeekCheck = { studentId: d.studentId, weekStart, endDate };
      ctx.write((tx) => schedule(tx, WEEKLY_RHYTHM, key(d.studentId), { kind: 'weekly-rhythm-check', dueAt: dueAtOf(weekStart), data: { ...check } }, event));
    },

    async perform(work: DueWorkDoc, ctx: ReactionContext): Promise<DueWorkOutcome> {
      const check = work.data as unknown as WeekCheck;
      const actor = systemActor(WEEKLY_RHYTHM);
      let outcome: string;
      try {
        const result = await deps.streams.execute(
          studentStream(check.studentId),
          deps.studentDecider,
          () => ({ type: 'RecordWeekWithoutSession' as const, data: { studentId: check.studentId, weekStart: check.weekStart, at: ctx.now().toISOString(), by: actor } }),
          { actor, correlationId: work.correlationId, causationId: work.causationId, idempotencyKey: `week:${check.studentId}:${check.weekStart}` },
        );
        outcome = result.events.length > 0 ? 'week_without_session' : 'nothing_to_record';
      } catch (error) {
        if (!isRefusal(error)) throw error;
        if (error.code === 'training_closed' || error.code === 'student_not_enrolled') return { outcome: error.code };
        // The training closed before this week ended (the close not yet handled here): no later week counts either.
        if (error.code === 'R15_week_outside_mentored_training' && typeof error.details?.closedAt === 'string') return { outcome: 'training_closed' };
        outcome = error.code === 'R15_week_had_a_held_session' ? 'held_session' : `refused:${error.code}`;
      }
      const next = nextWeek(check.weekStart);
      if (check.endDate !== null && next > check.endDate) return { outcome: `${outcome}; end of training` };
      if (check.closedAt && !endedBy(next, check.closedAt)) return { outcome: `${outcome}; training closed` };
      return { outcome, reschedule: { dueAt: dueAtOf(next), data: { ...check, weekStart: next } } };
    },
  };
}
