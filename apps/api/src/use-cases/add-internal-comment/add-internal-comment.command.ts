import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class AddInternalCommentCommand extends Command<CommandOutcome & { commentId: string }> {
  constructor(
    readonly studentId: string,
    readonly text: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
