import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnMentor } from '../../shared/loaders';
import { MarkMentorDisabilityFriendlyCommand } from './mark-mentor-disability-friendly.command';

@CommandHandler(MarkMentorDisabilityFriendlyCommand)
export class MarkMentorDisabilityFriendlyHandler implements ICommandHandler<MarkMentorDisabilityFriendlyCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ mentorId, trainingCompletedOn, ctx }: MarkMentorDisabilityFriendlyCommand): Promise<CommandOutcome> {
    return executeOnMentor(this.streams, this.deciders, mentorId, ctx, () => ({
      type: 'MarkMentorDisabilityFriendly' as const,
      data: { mentorId, trainingCompletedOn, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
