import { Command } from '@nestjs/cqrs';
import { CommandContext } from '../../shared/command-context';
import { CommandOutcome } from '../../shared/event-sourced-streams';
import { EnrolStudentDto } from './enrol-student.dto';

export class EnrolStudentCommand extends Command<CommandOutcome & { studentId: string }> {
  constructor(
    readonly input: EnrolStudentDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}
