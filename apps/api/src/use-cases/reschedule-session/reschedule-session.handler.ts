// A reschedule reserves the new time as a new slot on the mentor's calendar (R14: refused when it is taken),
// then records SessionRescheduled on the student, naming the new slot and the previous one; the previous slot
// is given back by the reservations process. The student side is decided first (docs/adr/0002).
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { takeSessionSlot } from '../../shared/session-booking';
import { RescheduleSessionCommand } from './reschedule-session.command';

@CommandHandler(RescheduleSessionCommand)
export class RescheduleSessionHandler implements ICommandHandler<RescheduleSessionCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, sessionId, start, ctx }: RescheduleSessionCommand): Promise<CommandOutcome> {
    return takeSessionSlot(this.streams, this.deciders, ctx, studentId, sessionId, (slotId, at) => ({
      type: 'RescheduleSession',
      data: { studentId, sessionId, slotId, start, at, by: ctx.actor },
    }));
  }
}
