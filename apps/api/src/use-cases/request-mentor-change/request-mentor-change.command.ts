import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class RequestMentorChangeCommand extends Command<CommandOutcome & { requestId: string }> {
  constructor(
    readonly studentId: string,
    readonly reason: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
