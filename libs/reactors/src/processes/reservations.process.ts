// The reservations process (docs/adr/0002): the only code that gives a caseload slot (R9) or a calendar slot
// (R14) back. It runs like every reactor, from its own checkpoint, one event at a time, and every command it
// issues derives its event ids from the triggering event, so processing an event twice appends nothing more.
//
// - Releases that follow a fact: the previous mentor's reservation after MentorChanged, the mentorship's after
//   TrainingCompleted / TrainingWithdrawn, the slot of a SessionCancelled, the previous time's slot after a
//   SessionRescheduled, and the reservation of a ReservationLapsed. Each names the reservation the fact
//   stopped relying on; a reservation is consumed at most once, so nothing can rely on it again.
// - The reconciler: every reservation (CaseloadSlotReserved, MentorSlotReserved) schedules a check after the
//   grace period. If the student's stream has not consumed it by then (the request died, or was refused after
//   reserving), the reservation is first voided on the student's stream (ReservationLapsed, appended with the
//   stream's expected revision, so it is ordered against any late fact that would consume it), and only then
//   released. A late request that loses that race re-reads, sees the lapse and reserves again.
//
// A failure that persists (not a store outage, which is waited out) parks the event or marks the due work
// failed: `/health` is degraded and `npm run parked -- list` names it.
import { CommandContext, EventSourcedStreams, mentorCalendarStream, mentorStream, reactionContext, studentStream, systemActor } from '@mentoring/application';
import {
  CaseloadReleaseReason,
  CaseloadSlotReserved,
  MentorChanged,
  MentorSlotReleaseReason,
  MentorSlotReserved,
  ReservationLapsed,
  SessionCancelled,
  SessionRescheduled,
  TrainingCompleted,
  TrainingWithdrawn,
  mentorCalendarDecider,
  mentorDecider,
} from '@mentoring/domain';
import type { RecordedEvent } from '@mentoring/event-store';
import { schedule, type DueWorkDoc } from '../due-work';
import type { DueWorkOutcome, ReactionContext, Reactor } from '../reactor';
import { ReactorDeps, addMs, dataOf } from '../reactors/shared';

export const RESERVATIONS = 'reservations';

export interface ReservationsOptions {
  /** How long a reservation may wait for its fact before it lapses (RESERVATION_GRACE_SECONDS). Default 120 s. */
  graceSeconds?: number;
}

/** What the reconciler checks, once the grace period is over. */
interface ReservationCheck {
  kind: 'caseload' | 'calendar';
  mentorId: string;
  studentId: string;
  reservationId: string;
}

export function reservationsProcess(deps: ReactorDeps, options: ReservationsOptions = {}): Reactor {
  const graceMs = (options.graceSeconds ?? 120) * 1000;
  const streams: EventSourcedStreams = deps.streams;

  function releaseCaseload(mentorId: string, reservationId: string, reason: CaseloadReleaseReason, ctx: CommandContext, at: string) {
    return streams.execute(
      mentorStream(mentorId),
      mentorDecider,
      () => ({ type: 'ReleaseCaseloadSlot' as const, data: { mentorId, reservationId, reason, at, by: ctx.actor } }),
      ctx,
    );
  }

  function releaseCalendarSlot(mentorId: string, slotId: string, reason: MentorSlotReleaseReason, ctx: CommandContext, at: string) {
    return streams.execute(
      mentorCalendarStream(mentorId),
      mentorCalendarDecider,
      () => ({ type: 'ReleaseMentorSlot' as const, data: { mentorId, slotId, reason, at, by: ctx.actor } }),
      ctx,
    );
  }

  function release(check: Omit<ReservationCheck, 'studentId'>, reason: 'reservation_lapsed', ctx: CommandContext, at: string) {
    return check.kind === 'caseload'
      ? releaseCaseload(check.mentorId, check.reservationId, reason, ctx, at)
      : releaseCalendarSlot(check.mentorId, check.reservationId, reason, ctx, at);
  }

  /** Whether the reservation still holds its slot on the mentor's stream or calendar. */
  async function isOpen(check: ReservationCheck): Promise<boolean> {
    if (check.kind === 'caseload') {
      const { state } = await streams.load(mentorStream(check.mentorId), mentorDecider);
      return state.status === 'registered' && check.reservationId in state.reservations;
    }
    const { state } = await streams.load(mentorCalendarStream(check.mentorId), mentorCalendarDecider);
    return check.reservationId in state.slots;
  }

  return {
    name: RESERVATIONS,
    eventTypes: new Set([
      'MentorChanged',
      'TrainingCompleted',
      'TrainingWithdrawn',
      'SessionCancelled',
      'SessionRescheduled',
      'ReservationLapsed',
      'CaseloadSlotReserved',
      'MentorSlotReserved',
    ]),

    async react(event: RecordedEvent, ctx: ReactionContext) {
      const acting = reactionContext(RESERVATIONS, event);
      const at = ctx.now().toISOString();
      switch (event.type) {
        case 'MentorChanged': {
          const d = dataOf<MentorChanged['data']>(event);
          await releaseCaseload(d.fromMentorId, d.previousReservationId, 'mentor_changed', acting, at);
          return;
        }
        case 'TrainingCompleted': {
          const d = dataOf<TrainingCompleted['data']>(event);
          await releaseCaseload(d.mentorId, d.reservationId, 'training_completed', acting, at);
          return;
        }
        case 'TrainingWithdrawn': {
          const d = dataOf<TrainingWithdrawn['data']>(event);
          if (d.mentorId !== null && d.reservationId !== null) await releaseCaseload(d.mentorId, d.reservationId, 'training_withdrawn', acting, at);
          return;
        }
        case 'SessionCancelled': {
          const d = dataOf<SessionCancelled['data']>(event);
          await releaseCalendarSlot(d.mentorId, d.slotId, 'session_cancelled', acting, at);
          return;
        }
        case 'SessionRescheduled': {
          const d = dataOf<SessionRescheduled['data']>(event);
          // v1 moved the slot in place: nothing to give back.
          if (d.previousSlotId !== d.slotId) await releaseCalendarSlot(d.mentorId, d.previousSlotId, 'session_rescheduled', acting, at);
          return;
        }
        case 'ReservationLapsed': {
          // Normally released right after the lapse by the check below; this covers a crash between the two.
          const d = dataOf<ReservationLapsed['data']>(event);
          await release(d, 'reservation_lapsed', acting, at);
          return;
        }
        case 'CaseloadSlotReserved':
        case 'MentorSlotReserved': {
          const check: ReservationCheck =
            event.type === 'CaseloadSlotReserved'
              ? (({ mentorId, studentId, reservationId }) => ({ kind: 'caseload' as const, mentorId, studentId, reservationId }))(
                  dataOf<CaseloadSlotReserved['data']>(event),
                )
              : (({ mentorId, studentId, slotId }) => ({ kind: 'calendar' as const, mentorId, studentId, reservationId: slotId }))(
                  dataOf<MentorSlotReserved['data']>(event),
                );
          // Already released (history read on a first start): nothing to watch.
          if (!(await isOpen(check))) return;
          const dueAt = addMs(event.metadata.occurredAt, graceMs);
          ctx.write((tx) => schedule(tx, RESERVATIONS, `${check.kind}:${check.reservationId}`, { kind: 'reservation-check', dueAt, data: { ...check } }, event));
          return;
        }
      }
    },

    async perform(work: DueWorkDoc, ctx: ReactionContext): Promise<DueWorkOutcome> {
      const check = work.data as unknown as ReservationCheck;
      const at = ctx.now().toISOString();
      const actor = systemActor(RESERVATIONS);
      const acting: CommandContext = {
        actor,
        correlationId: work.correlationId,
        causationId: work.causationId,
        idempotencyKey: `lapse:${check.kind}:${check.reservationId}`,
      };
      if (!(await isOpen(check))) return { outcome: 'already_released' };
      const { state } = await streams.load(studentStream(check.studentId), deps.studentDecider);
      if (state.status !== 'not_enrolled') {
        const seen = state.file.reservations[check.reservationId];
        if (seen === 'consumed') return { outcome: 'consumed' };
        if (seen === undefined) {
          await streams.execute(
            studentStream(check.studentId),
            deps.studentDecider,
            () => ({ type: 'LapseReservation' as const, data: { ...check, at, by: actor } }),
            acting,
          );
          // The lapse may have lost to a fact that consumed the reservation after all.
          const after = await streams.load(studentStream(check.studentId), deps.studentDecider);
          if (after.state.status !== 'not_enrolled' && after.state.file.reservations[check.reservationId] === 'consumed') return { outcome: 'consumed' };
        }
      }
      const released = await release(check, 'reservation_lapsed', acting, at);
      return { outcome: released.events.length > 0 ? 'lapsed_and_released' : 'lapsed' };
    },
  };
}
