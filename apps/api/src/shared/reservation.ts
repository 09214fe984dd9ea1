// Cross-stream invariants without a multi-stream transaction (docs/adr/0002): first reserve on the
// boundary stream that owns the invariant (a mentor's caseload, a mentor's calendar), with its
// expected revision; then record the fact on the target stream (the student), with its own. If the
// target append loses a race, the reservation is given back and the whole decision is retried.
import { DomainEvent } from '@mentoring/domain';
import { WrongExpectedRevisionError } from '@mentoring/event-store';
import { CommandContext } from './command-context';
import { CommandOutcome, EventSourcedStreams, MAX_CONFLICT_RETRIES, backoff } from './event-sourced-streams';
import { Problem } from '../http/problem';

export interface StreamWrite {
  streamId: string;
  /** Revision the events were decided on (-1: the stream does not exist). */
  revision: number;
  events: DomainEvent[];
}

export interface ReservationPlan {
  /** Reservations on the streams that own the cross-stream invariants, appended first, in order. */
  reservations: StreamWrite[];
  /** The fact itself, appended last. */
  target: StreamWrite;
  /** Gives the reservations back (called only when the target append lost its race). */
  release: () => Promise<void>;
}

/**
 * Runs `plan(attempt)` until its writes land, re-deciding after each lost race (bounded). `plan` reads
 * the streams and decides; it returns a finished outcome when there is nothing to write.
 */
export async function runReservation(
  streams: EventSourcedStreams,
  ctx: CommandContext,
  plan: (attempt: number) => Promise<ReservationPlan | CommandOutcome>,
): Promise<CommandOutcome> {
  for (let attempt = 0; ; attempt++) {
    const decided = await plan(attempt);
    if (!('reservations' in decided)) return decided;
    try {
      let reserved = false;
      for (const reservation of decided.reservations) {
        if (reservation.events.length === 0) continue;
        await streams.append(reservation.streamId, reservation.events, reservation.revision, ctx, attempt);
        reserved = true;
      }
      try {
        const { target } = decided;
        const result = await streams.append(target.streamId, target.events, target.revision, ctx, attempt);
        return { streamId: target.streamId, revision: result.nextExpectedRevision, position: result.position, events: target.events };
      } catch (error) {
        if (reserved && error instanceof WrongExpectedRevisionError) await decided.release();
        throw error;
      }
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (ctx.expectedRevision !== undefined && error.streamId === decided.target.streamId) {
        throw new Problem(412, 'revision_mismatch', 'Precondition Failed', 'The resource changed since the revision named by If-Match.');
      }
      if (attempt >= MAX_CONFLICT_RETRIES) throw error;
      await backoff(attempt);
    }
  }
}
