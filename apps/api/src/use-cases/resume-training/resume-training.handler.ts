import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { ResumeTrainingCommand } from './resume-training.command';

@CommandHandler(ResumeTrainingCommand)
export class ResumeTrainingHandler implements ICommandHandler<ResumeTrainingCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, ctx }: ResumeTrainingCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'ResumeTraining' as const,
      data: { studentId, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
