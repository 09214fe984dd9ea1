import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class EraseMentorPersonalDataCommand extends Command<CommandOutcome> {
  constructor(
    readonly mentorId: string,
    readonly reason: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
