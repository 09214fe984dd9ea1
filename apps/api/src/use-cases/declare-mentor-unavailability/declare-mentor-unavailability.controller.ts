import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { DeclareMentorUnavailabilityCommand } from './declare-mentor-unavailability.command';
import { DeclareMentorUnavailabilityDto } from './declare-mentor-unavailability.dto';

@ApiTags('mentors')
@Controller('mentors')
export class DeclareMentorUnavailabilityController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':mentorId/unavailabilities')
  @CommandEndpoint('DeclareMentorUnavailability', 'Declare a period in which the mentor takes no new student', {
    403: 'Only staff or the mentor themself',
    404: 'Unknown mentor',
    422: 'unavailability_must_end_after_start',
  }, { ids: ['mentorId', 'unavailabilityId'] })
  async declare(
    @IdParam('mentorId') mentorId: string,
    @Body() body: DeclareMentorUnavailabilityDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new DeclareMentorUnavailabilityCommand(mentorId, body.from, body.to, body.reason, ctx));
    return answerCommand(reply, outcome, { mentorId, unavailabilityId: outcome.unavailabilityId });
  }
}
