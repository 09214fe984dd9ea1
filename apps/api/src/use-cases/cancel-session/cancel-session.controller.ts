import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { CancelSessionCommand } from './cancel-session.command';
import { CancelSessionDto } from './cancel-session.dto';

@ApiTags('students')
@Controller('students')
export class CancelSessionController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/sessions/:sessionId/cancel')
  @CommandEndpoint('CancelSession', 'Cancel a booked session with a reason (R14); a student’s late cancellation is an attendance fact (R15)', {
    403: 'Only the student, the session’s mentor or staff',
    404: 'Unknown student or session_not_found',
    409: 'session_not_booked, session_already_started',
    422: 'cancellation_text_required',
  }, { ids: ['studentId', 'sessionId'] })
  async cancel(
    @IdParam('studentId') studentId: string,
    @IdParam('sessionId') sessionId: string,
    @Body() body: CancelSessionDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new CancelSessionCommand(studentId, sessionId, body.reason, body.text, ctx));
    return answerCommand(reply, outcome, { studentId, sessionId });
  }
}
