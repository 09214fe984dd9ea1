import { Command } from '@nestjs/cqrs';
import { CancellationReason } from '@mentoring/domain';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class CancelSessionCommand extends Command<CommandOutcome> {
  constructor(
    readonly studentId: string,
    readonly sessionId: string,
    readonly reason: CancellationReason,
    readonly text: string | undefined,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
