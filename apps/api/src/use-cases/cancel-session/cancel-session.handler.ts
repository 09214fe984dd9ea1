import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { releaseSlotsOfCancelledSessions } from '../../shared/consequences';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { CancelSessionCommand } from './cancel-session.command';

@CommandHandler(CancelSessionCommand)
export class CancelSessionHandler implements ICommandHandler<CancelSessionCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ studentId, sessionId, reason, text, ctx }: CancelSessionCommand): Promise<CommandOutcome> {
    const outcome = await executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'CancelSession' as const,
      data: { studentId, sessionId, reason, text: text ?? null, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
    await releaseSlotsOfCancelledSessions(this.streams, this.deciders, ctx, outcome.events);
    return outcome;
  }
}
