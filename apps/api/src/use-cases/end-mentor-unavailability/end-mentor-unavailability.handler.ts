import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnMentor } from '../../shared/loaders';
import { EndMentorUnavailabilityCommand } from './end-mentor-unavailability.command';

@CommandHandler(EndMentorUnavailabilityCommand)
export class EndMentorUnavailabilityHandler implements ICommandHandler<EndMentorUnavailabilityCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ mentorId, unavailabilityId, ctx }: EndMentorUnavailabilityCommand): Promise<CommandOutcome> {
    return executeOnMentor(this.streams, this.deciders, mentorId, ctx, () => ({
      type: 'EndMentorUnavailability' as const,
      data: { mentorId, unavailabilityId, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
