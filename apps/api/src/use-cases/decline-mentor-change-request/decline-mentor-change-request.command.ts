import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class DeclineMentorChangeRequestCommand extends Command<CommandOutcome> {
  constructor(
    readonly studentId: string,
    readonly requestId: string,
    readonly reason: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
