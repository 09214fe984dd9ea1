import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { PauseTrainingCommand } from './pause-training.command';
import { PauseTrainingDto } from './pause-training.dto';

@ApiTags('students')
@Controller('students')
export class PauseTrainingController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/pause')
  @CommandEndpoint('PauseTraining', 'Pause a self-funded training (R5); booked sessions to come are cancelled and their slots freed', {
    403: 'Only the student themself or staff',
    404: 'Unknown student',
    409: 'R5_only_self_funded_may_pause, mentor_not_assigned, training_closed',
  }, { ids: ['studentId'] })
  async pause(
    @IdParam('studentId') studentId: string,
    @Body() body: PauseTrainingDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new PauseTrainingCommand(studentId, body.reason, ctx));
    return answerCommand(reply, outcome, { studentId });
  }
}
