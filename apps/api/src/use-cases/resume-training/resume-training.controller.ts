import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { ResumeTrainingCommand } from './resume-training.command';
import { ResumeTrainingDto } from './resume-training.dto';

@ApiTags('students')
@Controller('students')
export class ResumeTrainingController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/resume')
  @CommandEndpoint('ResumeTraining', 'Resume a paused self-funded training (R5)', {
    403: 'Only the student themself or staff',
    404: 'Unknown student',
    409: 'R5_only_self_funded_may_pause, training_not_paused',
  }, { ids: ['studentId'] })
  async resume(
    @IdParam('studentId') studentId: string,
    @Body() _body: ResumeTrainingDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new ResumeTrainingCommand(studentId, ctx));
    return answerCommand(reply, outcome, { studentId });
  }
}
