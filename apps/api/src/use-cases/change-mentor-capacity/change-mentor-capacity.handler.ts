import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnMentor } from '../../shared/loaders';
import { ChangeMentorCapacityCommand } from './change-mentor-capacity.command';

@CommandHandler(ChangeMentorCapacityCommand)
export class ChangeMentorCapacityHandler implements ICommandHandler<ChangeMentorCapacityCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ mentorId, capacity, ctx }: ChangeMentorCapacityCommand): Promise<CommandOutcome> {
    return executeOnMentor(this.streams, this.deciders, mentorId, ctx, () => ({
      type: 'ChangeMentorCapacity' as const,
      data: { mentorId, capacity, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
