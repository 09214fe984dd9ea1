// Cross-stream invariants without a multi-stream transaction (docs/adr/0002): first reserve on the boundary
// stream that owns the invariant (a mentor's caseload, a mentor's calendar) under a reservation id, with its
// expected revision; then record the fact on the student's stream, with its own, naming the reservation it
// consumes. A lost race on either stream re-decides from fresh reads. A request never gives a reservation
// back: a reservation no fact consumed lapses through the student's stream and is released by the
// reservations process (libs/reactors/src/processes/reservations.process.ts), so no interleaving of requests
// can free a slot that a student relies on.
import { DomainEvent } from '@mentoring/domain';
import { WrongExpectedRevisionError } from '@mentoring/event-store';
import { CommandContext } from './command-context';
import { CommandOutcome, EventSourcedStreams, MAX_CONFLICT_RETRIES, backoff } from './event-sourced-streams';
import { Problem } from '../http/problem';

export interface StreamWrite {
  streamId: string;
  /** The reservation (or slot) id this write is about: event ids derived from an Idempotency-Key include it. */
  reservationId?: string;
  /** Revision the events were decided on (-1: the stream does not exist). */
  revision: number;
  events: DomainEvent[];
}

export interface ReservationPlan {
  /** The reservation on the stream that owns the cross-stream invariant, appended first (no events: already held). */
  reservation: StreamWrite;
  /** The fact itself, appended last; it names the reservation it consumes. */
  target: StreamWrite;
}

/**
 * Runs `plan()` until its writes land, re-deciding after each lost race (bounded). `plan` reads the streams
 * and decides; it returns a finished outcome when there is nothing to write. A keyed request whose first run
 * appended its fact and died answers with that run's events (see EventSourcedStreams.orOwnOutcome).
 */
export function runReservation(
  streams: EventSourcedStreams,
  ctx: CommandContext,
  targetStreamId: string,
  plan: () => Promise<ReservationPlan | CommandOutcome>,
): Promise<CommandOutcome> {
  return streams.orOwnOutcome(targetStreamId, ctx, async () => {
    for (let attempt = 0; ; attempt++) {
      const decided = await plan();
      if (!('reservation' in decided)) return decided;
      const { reservation, target } = decided;
      try {
        // A keyed retry that takes a new reservation (its first one lapsed meanwhile) must not derive the ids of
        // the first one's events: those are stored, and the store would take the new append for a repeat.
        if (reservation.events.length > 0) {
          await streams.append(reservation.streamId, reservation.events, reservation.revision, ctx, attempt, reservation.reservationId);
        }
        const result = await streams.append(target.streamId, target.events, target.revision, ctx, attempt, target.reservationId);
        return { streamId: target.streamId, revision: result.nextExpectedRevision, position: result.position, events: target.events };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (ctx.expectedRevision !== undefined && error.streamId === target.streamId) {
          throw new Problem(412, 'revision_mismatch', 'Precondition Failed', 'The resource changed since the revision named by If-Match.');
        }
        if (attempt >= MAX_CONFLICT_RETRIES) throw error;
        await backoff(attempt);
      }
    }
  });
}
