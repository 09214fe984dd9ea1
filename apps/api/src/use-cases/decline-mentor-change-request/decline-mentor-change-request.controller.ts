import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { DeclineMentorChangeRequestCommand } from './decline-mentor-change-request.command';
import { DeclineMentorChangeRequestDto } from './decline-mentor-change-request.dto';

@ApiTags('students')
@Controller('students')
export class DeclineMentorChangeRequestController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/mentor-change-requests/:requestId/decline')
  @CommandEndpoint('DeclineMentorChangeRequest', 'Staff decline a student’s request for another mentor, with a reason (R8)', {
    403: 'Only staff decide on change requests',
    404: 'Unknown student or change_request_not_found',
  }, { ids: ['studentId', 'requestId'] })
  async decline(
    @IdParam('studentId') studentId: string,
    @IdParam('requestId') requestId: string,
    @Body() body: DeclineMentorChangeRequestDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new DeclineMentorChangeRequestCommand(studentId, requestId, body.reason, ctx));
    return answerCommand(reply, outcome, { studentId, requestId });
  }
}
