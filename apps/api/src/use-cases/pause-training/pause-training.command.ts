import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class PauseTrainingCommand extends Command<CommandOutcome> {
  constructor(
    readonly studentId: string,
    readonly reason: string | undefined,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
