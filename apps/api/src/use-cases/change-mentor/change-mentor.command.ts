import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class ChangeMentorCommand extends Command<CommandOutcome> {
  constructor(
    readonly studentId: string,
    readonly mentorId: string,
    readonly fromMentorId: string,
    readonly reason: string,
    readonly requestId: string | undefined,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
