import { Command } from '@nestjs/cqrs';
import { FollowUpReason } from '@mentoring/domain';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class RequestFollowUpCommand extends Command<CommandOutcome & { followUpId: string }> {
  constructor(
    readonly studentId: string,
    readonly reason: FollowUpReason,
    readonly note: string | undefined,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
