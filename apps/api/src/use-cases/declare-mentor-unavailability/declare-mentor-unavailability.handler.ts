import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnMentor } from '../../shared/loaders';
import { newResourceId } from '../../shared/resource-id';
import { DeclareMentorUnavailabilityCommand } from './declare-mentor-unavailability.command';

@CommandHandler(DeclareMentorUnavailabilityCommand)
export class DeclareMentorUnavailabilityHandler implements ICommandHandler<DeclareMentorUnavailabilityCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ mentorId, from, to, reason, ctx }: DeclareMentorUnavailabilityCommand): Promise<CommandOutcome & { unavailabilityId: string }> {
    const unavailabilityId = newResourceId(this.streams, ctx, 'unavailability');
    const outcome = await executeOnMentor(this.streams, this.deciders, mentorId, ctx, () => ({
      type: 'DeclareMentorUnavailability' as const,
      data: { mentorId, unavailabilityId, from, to, reason, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
    return { ...outcome, unavailabilityId };
  }
}
