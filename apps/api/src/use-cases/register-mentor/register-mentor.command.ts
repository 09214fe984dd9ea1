import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';
import { RegisterMentorDto } from './register-mentor.dto';

export class RegisterMentorCommand extends Command<CommandOutcome & { mentorId: string }> {
  constructor(
    readonly input: RegisterMentorDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
