import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { DeclineMentorChangeRequestCommand } from './decline-mentor-change-request.command';

@CommandHandler(DeclineMentorChangeRequestCommand)
export class DeclineMentorChangeRequestHandler implements ICommandHandler<DeclineMentorChangeRequestCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, requestId, reason, ctx }: DeclineMentorChangeRequestCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'DeclineMentorChangeRequest' as const,
      data: { studentId, requestId, reason, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
