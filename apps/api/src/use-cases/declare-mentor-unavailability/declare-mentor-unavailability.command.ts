import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class DeclareMentorUnavailabilityCommand extends Command<CommandOutcome & { unavailabilityId: string }> {
  constructor(
    readonly mentorId: string,
    readonly from: string,
    readonly to: string,
    readonly reason: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
