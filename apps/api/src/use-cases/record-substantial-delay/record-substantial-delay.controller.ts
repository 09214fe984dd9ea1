import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { RecordSubstantialDelayCommand } from './record-substantial-delay.command';
import { RecordSubstantialDelayDto } from './record-substantial-delay.dto';

@ApiTags('students')
@Controller('students')
export class RecordSubstantialDelayController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/sessions/:sessionId/delay')
  @CommandEndpoint('RecordSubstantialDelay', 'Record that the student came substantially late (R15); with obligatory attendance, a fact and an alert', {
    403: 'Only the session’s mentor or staff',
    404: 'Unknown student or session_not_found',
    409: 'session_not_booked, session_not_started, delay_already_recorded',
    422: 'R15_delay_is_a_no_show',
  }, { ids: ['studentId', 'sessionId'] })
  async delay(
    @IdParam('studentId') studentId: string,
    @IdParam('sessionId') sessionId: string,
    @Body() body: RecordSubstantialDelayDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new RecordSubstantialDelayCommand(studentId, sessionId, body.delayMinutes, ctx));
    return answerCommand(reply, outcome, { studentId, sessionId });
  }
}
