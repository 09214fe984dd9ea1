import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { RequestMentorChangeCommand } from './request-mentor-change.command';
import { RequestMentorChangeDto } from './request-mentor-change.dto';

@ApiTags('students')
@Controller('students')
export class RequestMentorChangeController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/mentor-change-requests')
  @CommandEndpoint('RequestMentorChange', 'The student asks the mentorship team for another mentor, with a reason (R8)', {
    403: 'Only the student themself asks (not_the_student, role_not_allowed)',
    404: 'Unknown student',
    409: 'R8_change_already_requested, mentor_not_assigned, training_closed',
  }, { ids: ['studentId', 'requestId'] })
  async request(
    @IdParam('studentId') studentId: string,
    @Body() body: RequestMentorChangeDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new RequestMentorChangeCommand(studentId, body.reason, ctx));
    return answerCommand(reply, outcome, { studentId, requestId: outcome.requestId });
  }
}
