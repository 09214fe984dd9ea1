// A reschedule moves the slot on the mentor's calendar first (R14: refused when the new time is taken),
// then records SessionRescheduled on the student; the student side is decided first (docs/adr/0002).
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { MentorCalendarCommand, SessionRescheduled } from '@mentoring/domain';
import { CommandContext } from '../../shared/command-context';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { loadMentorCalendar, loadStudent } from '../../shared/loaders';
import { runReservation } from '../../shared/reservation';
import { mentorCalendarStream, studentStream } from '../../shared/streams';
import { RescheduleSessionCommand } from './reschedule-session.command';

@CommandHandler(RescheduleSessionCommand)
export class RescheduleSessionHandler implements ICommandHandler<RescheduleSessionCommand> {
  private readonly logger = new Logger('RescheduleSession');

  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, sessionId, start, ctx }: RescheduleSessionCommand): Promise<CommandOutcome> {
    return runReservation(this.streams, ctx, async () => {
      const student = await loadStudent(this.streams, this.deciders, studentId);
      this.streams.checkIfMatch(ctx, student.revision);
      const at = this.streams.now().toISOString();
      const by = ctx.actor;
      const decided = this.deciders.student.decide({ type: 'RescheduleSession', data: { studentId, sessionId, start, at, by } }, student.state);
      if (decided.length === 0) return { streamId: studentStream(studentId), revision: student.revision, position: null, events: [] };

      const moved = decided.find((e): e is SessionRescheduled => e.type === 'SessionRescheduled');
      if (!moved) throw new Error('RescheduleSession decided no SessionRescheduled');
      const { mentorId, end, previousStart, previousEnd } = moved.data;
      const calendar = await loadMentorCalendar(this.streams, this.deciders, mentorId);
      // A session whose slot is missing (a booking interrupted before this code existed, or repaired by hand)
      // gets its slot reserved at the new time instead of moved.
      const slotCommand: MentorCalendarCommand = calendar.state.slots[sessionId]
        ? { type: 'MoveMentorSlot', data: { mentorId, sessionId, start: moved.data.start, end, at, by } }
        : { type: 'ReserveMentorSlot', data: { mentorId, sessionId, studentId, start: moved.data.start, end, at, by } };
      const reserved = this.deciders.mentorCalendar.decide(slotCommand, calendar.state);
      return {
        reservations: [{ streamId: mentorCalendarStream(mentorId), revision: calendar.revision, events: reserved }],
        target: { streamId: studentStream(studentId), revision: student.revision, events: decided },
        release: () => this.moveBack(ctx, mentorId, sessionId, previousStart, previousEnd),
      };
    });
  }

  /** The student append lost its race: the slot goes back to the session's previous times before re-deciding. */
  private async moveBack(ctx: CommandContext, mentorId: string, sessionId: string, start: string, end: string): Promise<void> {
    try {
      await this.streams.execute(
        mentorCalendarStream(mentorId),
        this.deciders.mentorCalendar,
        () => ({ type: 'MoveMentorSlot' as const, data: { mentorId, sessionId, start, end, at: this.streams.now().toISOString(), by: ctx.actor } }),
        { ...ctx, idempotencyKey: undefined, expectedRevision: undefined },
      );
    } catch (error) {
      // The previous time was taken meanwhile: the slot stays at the new time, which the retry re-decides.
      this.logger.warn(`could not move session ${sessionId} back on mentor ${mentorId}'s calendar: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
