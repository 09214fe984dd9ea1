// The slots this frees (the caseload reservation, the calendar slots of cancelled sessions) are given back by
// the reservations process, driven by the recorded events (docs/adr/0002), never by this request.
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
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

  execute({ studentId, ctx }: CompleteTrainingCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'CompleteTraining' as const,
      data: { studentId, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
