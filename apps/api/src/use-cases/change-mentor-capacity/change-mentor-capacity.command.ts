import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class ChangeMentorCapacityCommand extends Command<CommandOutcome> {
  constructor(
    readonly mentorId: string,
    readonly capacity: number,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
