import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { RecordSubstantialDelayCommand } from './record-substantial-delay.command';

@CommandHandler(RecordSubstantialDelayCommand)
export class RecordSubstantialDelayHandler implements ICommandHandler<RecordSubstantialDelayCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, sessionId, delayMinutes, ctx }: RecordSubstantialDelayCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'RecordSubstantialDelay' as const,
      data: { studentId, sessionId, delayMinutes, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
