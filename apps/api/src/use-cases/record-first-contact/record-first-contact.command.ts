import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class RecordFirstContactCommand extends Command<CommandOutcome> {
  constructor(
    readonly studentId: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
