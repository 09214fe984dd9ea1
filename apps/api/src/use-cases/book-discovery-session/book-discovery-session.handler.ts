// Reserves the slot on the mentor's calendar, then records the booking on the student (shared/session-booking.ts).
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { newResourceId } from '../../shared/resource-id';
import { bookSessionWithSlot } from '../../shared/session-booking';
import { BookDiscoverySessionCommand } from './book-discovery-session.command';

@CommandHandler(BookDiscoverySessionCommand)
export class BookDiscoverySessionHandler implements ICommandHandler<BookDiscoverySessionCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ studentId, start, ctx }: BookDiscoverySessionCommand): Promise<CommandOutcome & { sessionId: string }> {
    // Fixed before the first attempt, so that every retry of the reservation books the same session.
    const sessionId = newResourceId(this.streams, ctx, 'session');
    const outcome = await bookSessionWithSlot(this.streams, this.deciders, ctx, 'BookDiscoverySession' as const, studentId, sessionId, start);
    return { ...outcome, sessionId };
  }
}
