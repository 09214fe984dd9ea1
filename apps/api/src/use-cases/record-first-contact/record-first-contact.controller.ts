import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { RecordFirstContactCommand } from './record-first-contact.command';
import { RecordFirstContactDto } from './record-first-contact.dto';

@ApiTags('students')
@Controller('students')
export class RecordFirstContactController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/first-contact')
  @CommandEndpoint('RecordFirstContact', 'The mentor records the first contact with their newly assigned student (R11)', {
    403: 'Only the student’s mentor or staff (not_the_students_mentor, role_not_allowed)',
    404: 'Unknown student',
    409: 'mentor_not_assigned, training_closed',
  }, { ids: ['studentId'] })
  async record(
    @IdParam('studentId') studentId: string,
    @Body() _body: RecordFirstContactDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new RecordFirstContactCommand(studentId, ctx));
    return answerCommand(reply, outcome, { studentId });
  }
}
