import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { EraseStudentPersonalDataCommand } from './erase-student-personal-data.command';
import { ErasePersonalDataDto } from './erase-student-personal-data.dto';

@ApiTags('students')
@Controller('students')
export class EraseStudentPersonalDataController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/personal-data-erasure')
  @CommandEndpoint(
    'EraseStudentPersonalData',
    'Erase the student’s personal data (GDPR Art. 17): their data key is destroyed, names, e-mails, disability and free texts read as “[erased]”; the facts (assignments, sessions, attendance) stay',
    {
      403: 'Only staff',
      404: 'Unknown student',
      409: 'erasure_requires_closed_training (withdraw or complete the training first), student_personal_data_erased',
    },
    { ids: ['studentId'] },
  )
  async erase(
    @IdParam('studentId') studentId: string,
    @Body() body: ErasePersonalDataDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new EraseStudentPersonalDataCommand(studentId, body.reason, ctx));
    return answerCommand(reply, outcome, { studentId });
  }
}
