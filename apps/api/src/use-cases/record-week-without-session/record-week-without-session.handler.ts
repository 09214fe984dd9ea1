import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { RecordWeekWithoutSessionCommand } from './record-week-without-session.command';

@CommandHandler(RecordWeekWithoutSessionCommand)
export class RecordWeekWithoutSessionHandler implements ICommandHandler<RecordWeekWithoutSessionCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, weekStart, ctx }: RecordWeekWithoutSessionCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'RecordWeekWithoutSession' as const,
      data: { studentId, weekStart, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
