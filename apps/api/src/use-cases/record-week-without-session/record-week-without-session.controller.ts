import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { RecordWeekWithoutSessionCommand } from './record-week-without-session.command';
import { RecordWeekWithoutSessionDto } from './record-week-without-session.dto';

@ApiTags('students')
@Controller('students')
export class RecordWeekWithoutSessionController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/weeks-without-session')
  @CommandEndpoint('RecordWeekWithoutSession', 'Staff record that a whole week of mentored training passed without a held session (rhythm, R15), also after the training closed (R4)', {
    403: 'Only staff (or the platform)',
    404: 'Unknown student',
    409: 'week_not_over, R15_week_had_a_held_session, R15_week_outside_mentored_training (also a week not over by the completion or withdrawal), mentor_not_assigned',
    422: 'week_must_start_on_monday',
  }, { ids: ['studentId'] })
  async record(
    @IdParam('studentId') studentId: string,
    @Body() body: RecordWeekWithoutSessionDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new RecordWeekWithoutSessionCommand(studentId, body.weekStart, ctx));
    return answerCommand(reply, outcome, { studentId });
  }
}
