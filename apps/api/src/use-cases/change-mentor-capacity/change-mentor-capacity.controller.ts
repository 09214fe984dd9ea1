import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { ChangeMentorCapacityCommand } from './change-mentor-capacity.command';
import { ChangeMentorCapacityDto } from './change-mentor-capacity.dto';

@ApiTags('mentors')
@Controller('mentors')
export class ChangeMentorCapacityController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':mentorId/capacity')
  @CommandEndpoint('ChangeMentorCapacity', 'Change how many students a mentor takes at once; never below the current caseload (R9)', {
    403: 'Only staff or the mentor themself',
    404: 'Unknown mentor',
    409: 'R9_capacity_below_caseload',
  }, { ids: ['mentorId'] })
  async change(
    @IdParam('mentorId') mentorId: string,
    @Body() body: ChangeMentorCapacityDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new ChangeMentorCapacityCommand(mentorId, body.capacity, ctx));
    return answerCommand(reply, outcome, { mentorId });
  }
}
