import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { releaseSlotsOfCancelledSessions } from '../../shared/consequences';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { PauseTrainingCommand } from './pause-training.command';

@CommandHandler(PauseTrainingCommand)
export class PauseTrainingHandler implements ICommandHandler<PauseTrainingCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ studentId, reason, ctx }: PauseTrainingCommand): Promise<CommandOutcome> {
    const outcome = await executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'PauseTraining' as const,
      data: { studentId, reason: reason ?? null, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
    await releaseSlotsOfCancelledSessions(this.streams, this.deciders, ctx, outcome.events);
    return outcome;
  }
}
