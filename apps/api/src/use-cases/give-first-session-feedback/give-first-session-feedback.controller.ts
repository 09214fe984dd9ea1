import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { GiveFirstSessionFeedbackCommand } from './give-first-session-feedback.command';
import { GiveFirstSessionFeedbackDto } from './give-first-session-feedback.dto';

@ApiTags('students')
@Controller('students')
export class GiveFirstSessionFeedbackController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/first-session-feedback')
  @CommandEndpoint('GiveFirstSessionFeedback', 'Staff give the mentor feedback on the recording of the first session (R13)', {
    403: 'Only staff',
    404: 'Unknown student or session_not_found',
    409: 'R13_not_first_session, R13_recording_not_submitted, R13_feedback_already_given',
  }, { ids: ['studentId'] })
  async give(
    @IdParam('studentId') studentId: string,
    @Body() body: GiveFirstSessionFeedbackDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new GiveFirstSessionFeedbackCommand(studentId, body.sessionId, body.feedback, ctx));
    return answerCommand(reply, outcome, { studentId });
  }
}
