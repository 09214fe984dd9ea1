import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { RecordSessionNoShowCommand } from './record-session-no-show.command';

@CommandHandler(RecordSessionNoShowCommand)
export class RecordSessionNoShowHandler implements ICommandHandler<RecordSessionNoShowCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, sessionId, ctx }: RecordSessionNoShowCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'RecordSessionNoShow' as const,
      data: { studentId, sessionId, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
