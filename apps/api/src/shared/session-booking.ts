// Booking a session spans two consistency boundaries (docs/adr/0002): the mentor's calendar (R14: a slot
// is booked once for the mentor, even under concurrent requests) and the student (the student's own
// overlaps, the profile's session length, R12). The student side is decided first, so that a refusal
// appends nothing and the reserved slot has exactly the end the student decider derived from the policy.
import { DiscoverySessionBooked, SessionBooked } from '@mentoring/domain';
import { CommandContext } from './command-context';
import { Deciders } from './deciders';
import { CommandOutcome, EventSourcedStreams } from './event-sourced-streams';
import { loadMentorCalendar, loadStudent, releaseMentorSlot } from './loaders';
import { runReservation } from './reservation';
import { mentorCalendarStream, studentStream } from './streams';

export async function bookSessionWithSlot(
  streams: EventSourcedStreams,
  deciders: Deciders,
  ctx: CommandContext,
  type: 'BookDiscoverySession' | 'BookSession',
  studentId: string,
  sessionId: string,
  start: string,
): Promise<CommandOutcome> {
  return runReservation(streams, ctx, async () => {
    const student = await loadStudent(streams, deciders, studentId);
    streams.checkIfMatch(ctx, student.revision);
    const at = streams.now().toISOString();
    const by = ctx.actor;
    const booked = deciders.student.decide({ type, data: { studentId, sessionId, start, at, by } }, student.state);
    if (booked.length === 0) return { streamId: studentStream(studentId), revision: student.revision, position: null, events: [] };

    const session = booked.find((e): e is DiscoverySessionBooked | SessionBooked => e.type === 'DiscoverySessionBooked' || e.type === 'SessionBooked');
    if (!session) throw new Error(`${type} decided no booking event`);
    const { mentorId, end } = session.data;
    const calendar = await loadMentorCalendar(streams, deciders, mentorId);
    const reserved = deciders.mentorCalendar.decide(
      { type: 'ReserveMentorSlot', data: { mentorId, sessionId, studentId, start: session.data.start, end, at, by } },
      calendar.state,
    );
    return {
      reservations: [{ streamId: mentorCalendarStream(mentorId), revision: calendar.revision, events: reserved }],
      target: { streamId: studentStream(studentId), revision: student.revision, events: booked },
      release: () => releaseMentorSlot(streams, deciders, ctx, mentorId, sessionId, 'booking_aborted'),
    };
  });
}
