import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { SubmitFirstSessionRecordingCommand } from './submit-first-session-recording.command';
import { SubmitFirstSessionRecordingDto } from './submit-first-session-recording.dto';

@ApiTags('students')
@Controller('students')
export class SubmitFirstSessionRecordingController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/first-session-recording')
  @CommandEndpoint('SubmitFirstSessionRecording', 'The mentor sends the link to the recording of the first session held with the student (R13)', {
    403: 'Only the session’s mentor',
    404: 'Unknown student or session_not_found',
    409: 'R13_not_first_session, R13_recording_already_submitted',
  }, { ids: ['studentId'] })
  async submit(
    @IdParam('studentId') studentId: string,
    @Body() body: SubmitFirstSessionRecordingDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new SubmitFirstSessionRecordingCommand(studentId, body.sessionId, body.recordingUrl, ctx));
    return answerCommand(reply, outcome, { studentId });
  }
}
