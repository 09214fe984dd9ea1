import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { RecordSessionNoShowCommand } from './record-session-no-show.command';
import { RecordSessionNoShowDto } from './record-session-no-show.dto';

@ApiTags('students')
@Controller('students')
export class RecordSessionNoShowController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/sessions/:sessionId/no-show')
  @CommandEndpoint('RecordSessionNoShow', 'Record that the student did not come (R14); with obligatory attendance, a fact and an alert naming the funder (R15)', {
    403: 'Only the session’s mentor or staff',
    404: 'Unknown student or session_not_found',
    409: 'session_not_booked, R14_no_show_too_early',
  }, { ids: ['studentId', 'sessionId'] })
  async noShow(
    @IdParam('studentId') studentId: string,
    @IdParam('sessionId') sessionId: string,
    @Body() _body: RecordSessionNoShowDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new RecordSessionNoShowCommand(studentId, sessionId, ctx));
    return answerCommand(reply, outcome, { studentId, sessionId });
  }
}
