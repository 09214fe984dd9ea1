// What follows a recorded fact on the other streams (docs/adr/0002): the previous mentor's caseload
// slot after a change or the end of a training, the calendar slots of the sessions the student's
// decision cancelled. They run after the student's append succeeded, so the fact stands whatever
// happens here: a failure is logged (and is for a reconciling reactor to repair), never answered as
// an error that would make the client retry a command that already happened.
import { Logger } from '@nestjs/common';
import { Actor, CaseloadReleaseReason, DomainEvent, isStaffOrSystem } from '@mentoring/domain';
import { CommandContext } from './command-context';
import { Deciders } from './deciders';
import { EventSourcedStreams } from './event-sourced-streams';
import { releaseCaseloadSlot, releaseMentorSlot } from './loaders';

const logger = new Logger('Consequences');

/**
 * The platform itself, for the consequences of a fact that the acting person may cause but not append
 * on another stream (a student who withdraws frees their mentor's caseload slot, which only staff or
 * the system may touch). The correlation id of the request stays on the events.
 */
export const PLATFORM_ACTOR: Actor = Object.freeze({ id: 'mentoring-api', role: 'system' });

async function bestEffort(what: string, ctx: CommandContext, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    logger.error(`${what} failed (correlation ${ctx.correlationId}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Releases, on each previous mentor's calendar, the slot of every session the decision cancelled. */
export async function releaseSlotsOfCancelledSessions(streams: EventSourcedStreams, deciders: Deciders, ctx: CommandContext, events: DomainEvent[]): Promise<void> {
  for (const event of events) {
    if (event.type !== 'SessionCancelled') continue;
    const { mentorId, sessionId } = event.data as { mentorId: string; sessionId: string };
    await bestEffort(`releasing the slot of session ${sessionId} on mentor ${mentorId}'s calendar`, ctx, () =>
      releaseMentorSlot(streams, deciders, ctx, mentorId, sessionId, 'session_cancelled'),
    );
  }
}

/** Frees a mentor's caseload slot (R9) once the student no longer counts against it. */
export async function releaseCaseloadAfter(
  streams: EventSourcedStreams,
  deciders: Deciders,
  ctx: CommandContext,
  mentorId: string | null,
  studentId: string,
  reason: CaseloadReleaseReason,
): Promise<void> {
  if (mentorId === null) return;
  const acting = isStaffOrSystem(ctx.actor) ? ctx : { ...ctx, actor: PLATFORM_ACTOR };
  await bestEffort(`releasing student ${studentId} from mentor ${mentorId}'s caseload (${reason})`, ctx, () =>
    releaseCaseloadSlot(streams, deciders, acting, mentorId, studentId, reason),
  );
}
