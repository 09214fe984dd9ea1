import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { TrainingWithdrawn } from '@mentoring/domain';
import { releaseCaseloadAfter, releaseSlotsOfCancelledSessions } from '../../shared/consequences';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { WithdrawFromTrainingCommand } from './withdraw-from-training.command';

@CommandHandler(WithdrawFromTrainingCommand)
export class WithdrawFromTrainingHandler implements ICommandHandler<WithdrawFromTrainingCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ studentId, reason, ctx }: WithdrawFromTrainingCommand): Promise<CommandOutcome> {
    const outcome = await executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'WithdrawFromTraining' as const,
      data: { studentId, reason, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
    const withdrawn = outcome.events.find((e) => e.type === 'TrainingWithdrawn') as TrainingWithdrawn | undefined;
    if (withdrawn) await releaseCaseloadAfter(this.streams, this.deciders, ctx, withdrawn.data.mentorId, studentId, 'training_withdrawn');
    await releaseSlotsOfCancelledSessions(this.streams, this.deciders, ctx, outcome.events);
    return outcome;
  }
}
