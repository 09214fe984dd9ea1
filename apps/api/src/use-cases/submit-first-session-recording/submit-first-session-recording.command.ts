import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';

export class SubmitFirstSessionRecordingCommand extends Command<CommandOutcome> {
  constructor(
    readonly studentId: string,
    readonly sessionId: string,
    readonly recordingUrl: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
