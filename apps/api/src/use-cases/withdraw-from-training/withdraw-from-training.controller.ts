import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { WithdrawFromTrainingCommand } from './withdraw-from-training.command';
import { WithdrawFromTrainingDto } from './withdraw-from-training.dto';

@ApiTags('students')
@Controller('students')
export class WithdrawFromTrainingController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/withdrawal')
  @CommandEndpoint('WithdrawFromTraining', 'The student (or staff) withdraws from the training; the mentor’s caseload slot and future sessions’ slots are freed', {
    403: 'Only the student themself or staff',
    404: 'Unknown student',
    409: 'training_closed',
  }, { ids: ['studentId'] })
  async withdraw(
    @IdParam('studentId') studentId: string,
    @Body() body: WithdrawFromTrainingDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new WithdrawFromTrainingCommand(studentId, body.reason, ctx));
    return answerCommand(reply, outcome, { studentId });
  }
}
