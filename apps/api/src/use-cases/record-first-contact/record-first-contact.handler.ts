import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { RecordFirstContactCommand } from './record-first-contact.command';

@CommandHandler(RecordFirstContactCommand)
export class RecordFirstContactHandler implements ICommandHandler<RecordFirstContactCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, ctx }: RecordFirstContactCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'RecordFirstContact' as const,
      data: { studentId, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
