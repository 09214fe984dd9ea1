import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { CompleteTrainingCommand } from './complete-training.command';
import { CompleteTrainingDto } from './complete-training.dto';

@ApiTags('students')
@Controller('students')
export class CompleteTrainingController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/completion')
  @CommandEndpoint('CompleteTraining', 'Staff record the training as completed; the mentor’s caseload slot and future sessions’ slots are freed', {
    403: 'Only staff',
    404: 'Unknown student',
    409: 'mentor_not_assigned, training_closed',
  }, { ids: ['studentId'] })
  async complete(
    @IdParam('studentId') studentId: string,
    @Body() _body: CompleteTrainingDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new CompleteTrainingCommand(studentId, ctx));
    return answerCommand(reply, outcome, { studentId });
  }
}
