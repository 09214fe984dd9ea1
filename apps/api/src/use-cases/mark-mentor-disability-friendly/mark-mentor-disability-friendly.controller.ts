import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { MarkMentorDisabilityFriendlyCommand } from './mark-mentor-disability-friendly.command';
import { MarkMentorDisabilityFriendlyDto } from './mark-mentor-disability-friendly.dto';

@ApiTags('mentors')
@Controller('mentors')
export class MarkMentorDisabilityFriendlyController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':mentorId/disability-friendly')
  @CommandEndpoint('MarkMentorDisabilityFriendly', 'Mark a mentor as disability-friendly once they completed the training (R7)', {
    403: 'Only staff or the mentor themself',
    404: 'Unknown mentor',
  }, { ids: ['mentorId'] })
  async mark(
    @IdParam('mentorId') mentorId: string,
    @Body() body: MarkMentorDisabilityFriendlyDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new MarkMentorDisabilityFriendlyCommand(mentorId, body.trainingCompletedOn, ctx));
    return answerCommand(reply, outcome, { mentorId });
  }
}
