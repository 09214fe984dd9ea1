import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TrainingCompleted } from '@mentoring/domain';
import { releaseCaseloadAfter, releaseSlotsOfCancelledSessions } from '../../shared/consequences';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { CompleteTrainingCommand } from './complete-training.command';

@CommandHandler(CompleteTrainingCommand)
export class CompleteTrainingHandler implements ICommandHandler<CompleteTrainingCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ studentId, ctx }: CompleteTrainingCommand): Promise<CommandOutcome> {
    const outcome = await executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'CompleteTraining' as const,
      data: { studentId, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
    const completed = outcome.events.find((e) => e.type === 'TrainingCompleted') as TrainingCompleted | undefined;
    if (completed) await releaseCaseloadAfter(this.streams, this.deciders, ctx, completed.data.mentorId, studentId, 'training_completed');
    await releaseSlotsOfCancelledSessions(this.streams, this.deciders, ctx, outcome.events);
    return outcome;
  }
}
