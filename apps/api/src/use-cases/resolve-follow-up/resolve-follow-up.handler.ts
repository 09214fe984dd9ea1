import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { ResolveFollowUpCommand } from './resolve-follow-up.command';

@CommandHandler(ResolveFollowUpCommand)
export class ResolveFollowUpHandler implements ICommandHandler<ResolveFollowUpCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, followUpId, resolution, ctx }: ResolveFollowUpCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'ResolveFollowUp' as const,
      data: { studentId, followUpId, resolution, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
