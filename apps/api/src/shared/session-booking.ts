// Booking a session spans two consistency boundaries (docs/adr/0002): the mentor's calendar (R14: a time is
// booked once for the mentor, even under concurrent requests) and the student (the student's own overlaps,
// the profile's session length, R12). The student side is decided first, so that a refusal appends nothing
// and the reserved slot has exactly the end the student decider derived from the policy; the booking names
// the calendar slot it consumes.
import { calendarSlotFor, newReservationId } from '@mentoring/application';
import { DiscoverySessionBooked, DomainEvent, SessionBooked, SessionRescheduled, StudentCommand } from '@mentoring/domain';
import { CommandContext } from './command-context';
import { Deciders } from './deciders';
import { CommandOutcome, EventSourcedStreams } from './event-sourced-streams';
import { LoadedStudent, loadMentorCalendar, loadStudent } from './loaders';
import { runReservation } from './reservation';
import { mentorCalendarStream, studentStream } from './streams';

type SlotTaking = DiscoverySessionBooked | SessionBooked | SessionRescheduled;

/**
 * A booking or a reschedule: the student decides with a provisional slot id; the slot is then chosen (an open
 * one of this session at these times that the student's stream has not seen, or a new one), decided again with
 * it if it differs, and reserved on the mentor's calendar before the fact is appended.
 */
export async function takeSessionSlot(
  streams: EventSourcedStreams,
  deciders: Deciders,
  ctx: CommandContext,
  studentId: string,
  sessionId: string,
  command: (slotId: string, at: string) => StudentCommand,
): Promise<CommandOutcome> {
  return runReservation(streams, ctx, studentStream(studentId), async () => {
    const student: LoadedStudent = await loadStudent(streams, deciders, studentId);
    streams.checkIfMatch(ctx, student.revision);
    const at = streams.now().toISOString();
    const { file } = student.state;
    const fresh = () => newReservationId(ctx, file, `slot:${sessionId}:${student.revision}`, () => streams.newId());
    const provisional = fresh();
    let decided: DomainEvent[] = deciders.student.decide(command(provisional, at), student.state);
    if (decided.length === 0) return { streamId: studentStream(studentId), revision: student.revision, position: null, events: [] };

    const taking = decided.find((e): e is SlotTaking => e.type === 'DiscoverySessionBooked' || e.type === 'SessionBooked' || e.type === 'SessionRescheduled');
    if (!taking) throw new Error(`${command(provisional, at).type} decided no event that takes a slot`);
    const { mentorId, start, end } = taking.data;
    const calendar = await loadMentorCalendar(streams, deciders, mentorId);
    const slotId = calendarSlotFor(calendar.state, file, { sessionId, start, end }, () => provisional);
    if (slotId !== provisional) decided = deciders.student.decide(command(slotId, at), student.state);
    const reserved = deciders.mentorCalendar.decide(
      { type: 'ReserveMentorSlot', data: { mentorId, slotId, sessionId, studentId, start, end, at, by: ctx.actor } },
      calendar.state,
    );
    return {
      reservation: { streamId: mentorCalendarStream(mentorId), revision: calendar.revision, events: reserved, reservationId: slotId },
      target: { streamId: studentStream(studentId), revision: student.revision, events: decided, reservationId: slotId },
    };
  });
}

export function bookSessionWithSlot(
  streams: EventSourcedStreams,
  deciders: Deciders,
  ctx: CommandContext,
  type: 'BookDiscoverySession' | 'BookSession',
  studentId: string,
  sessionId: string,
  start: string,
): Promise<CommandOutcome> {
  return takeSessionSlot(streams, deciders, ctx, studentId, sessionId, (slotId, at) => ({
    type,
    data: { studentId, sessionId, slotId, start, at, by: ctx.actor },
  }));
}
