import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class EraseStudentPersonalDataCommand extends Command<CommandOutcome> {
  constructor(
    readonly studentId: string,
    readonly reason: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
