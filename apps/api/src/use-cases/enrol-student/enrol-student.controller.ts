import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { EnrolStudentCommand } from './enrol-student.command';
import { EnrolStudentDto } from './enrol-student.dto';

@ApiTags('students')
@Controller('students')
export class EnrolStudentController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @CommandEndpoint('EnrolStudent', 'Enrol a student on a training path with their funding profile (R1–R6)', {
    403: 'Only staff enrol students',
    422: 'Refused by a rule (e.g. R2_apprenticeship_requires_tutor, R6_end_date_required)',
  }, { ids: ['studentId'], location: '/students/{studentId}' })
  async enrol(@Body() body: EnrolStudentDto, @Ctx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new EnrolStudentCommand(body, ctx));
    return answerCommand(reply, outcome, { studentId: outcome.studentId }, `/students/${outcome.studentId}`);
  }
}
