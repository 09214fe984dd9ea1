import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { RequestFollowUpCommand } from './request-follow-up.command';
import { RequestFollowUpDto } from './request-follow-up.dto';

@ApiTags('students')
@Controller('students')
export class RequestFollowUpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/follow-ups')
  @CommandEndpoint('RequestFollowUp', 'The mentor (or staff) asks the mentorship team to follow the student up (R11)', {
    403: 'Only the student’s mentor or staff',
    404: 'Unknown student',
    409: 'training_closed, follow_up_id_already_used',
    422: 'follow_up_note_required (reason other without a note)',
  }, { ids: ['studentId', 'followUpId'] })
  async request(
    @IdParam('studentId') studentId: string,
    @Body() body: RequestFollowUpDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new RequestFollowUpCommand(studentId, body.reason, body.note, ctx));
    return answerCommand(reply, outcome, { studentId, followUpId: outcome.followUpId });
  }
}
