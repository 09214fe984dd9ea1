import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class BookSessionCommand extends Command<CommandOutcome & { sessionId: string }> {
  constructor(
    readonly studentId: string,
    readonly start: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
