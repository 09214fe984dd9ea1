import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { EndMentorUnavailabilityCommand } from './end-mentor-unavailability.command';
import { EndMentorUnavailabilityDto } from './end-mentor-unavailability.dto';

@ApiTags('mentors')
@Controller('mentors')
export class EndMentorUnavailabilityController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':mentorId/unavailabilities/:unavailabilityId/end')
  @CommandEndpoint('EndMentorUnavailability', 'End a declared unavailability now', {
    403: 'Only staff or the mentor themself',
    404: 'Unknown mentor or unavailability_not_found',
  }, { ids: ['mentorId', 'unavailabilityId'] })
  async end(
    @IdParam('mentorId') mentorId: string,
    @IdParam('unavailabilityId') unavailabilityId: string,
    @Body() _body: EndMentorUnavailabilityDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new EndMentorUnavailabilityCommand(mentorId, unavailabilityId, ctx));
    return answerCommand(reply, outcome, { mentorId, unavailabilityId });
  }
}
