// Choosing the reservation a request relies on (docs/adr/0002). A fact on the student's stream consumes a
// reservation at most once, and never one that lapsed; so a request may share an open reservation that the
// student's stream has not seen yet (a concurrent identical request, or its own first run that died), and
// otherwise takes a new id. Which reservation a slot belongs to is decided here; when it is given back is
// decided only by the reservations process (libs/reactors/src/processes/reservations.process.ts).
import { MentorCalendarState, MentorState, StudentFile, reservationsOf } from '@mentoring/domain';
import { CommandContext, deterministicUuid } from './command-context';

type Fresh = () => string;

/**
 * A new reservation id: derived from the request's Idempotency-Key when it has one (concurrent duplicates of
 * one request reserve the same slot), random otherwise, and never one the student's stream has already seen.
 */
export function newReservationId(ctx: CommandContext, file: StudentFile, purpose: string, random: Fresh): string {
  if (ctx.idempotencyKey) {
    const derived = deterministicUuid('reservation', ctx.actor.role, ctx.actor.id, ctx.idempotencyKey, purpose);
    if (file.reservations[derived] === undefined) return derived;
  }
  return random();
}

/** The caseload reservation an assignment or change to this mentor relies on. */
export function caseloadReservationFor(mentor: MentorState, file: StudentFile, studentId: string, fresh: Fresh): string {
  if (mentor.status === 'registered') {
    const open = reservationsOf(mentor, studentId).find((id) => file.reservations[id] === undefined);
    if (open) return open;
  }
  return fresh();
}

/** The calendar slot a booking or reschedule of `sessionId` at these times relies on. */
export function calendarSlotFor(calendar: MentorCalendarState, file: StudentFile, slot: { sessionId: string; start: string; end: string }, fresh: Fresh): string {
  const open = Object.values(calendar.slots).find(
    (s) => s.sessionId === slot.sessionId && s.start === slot.start && s.end === slot.end && file.reservations[s.slotId] === undefined,
  );
  return open ? open.slotId : fresh();
}
