import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { RecordSessionHeldCommand } from './record-session-held.command';

@CommandHandler(RecordSessionHeldCommand)
export class RecordSessionHeldHandler implements ICommandHandler<RecordSessionHeldCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, sessionId, ctx }: RecordSessionHeldCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'RecordSessionHeld' as const,
      data: { studentId, sessionId, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
