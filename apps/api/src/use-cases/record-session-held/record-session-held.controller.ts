import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { RecordSessionHeldCommand } from './record-session-held.command';
import { RecordSessionHeldDto } from './record-session-held.dto';

@ApiTags('students')
@Controller('students')
export class RecordSessionHeldController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/sessions/:sessionId/held')
  @CommandEndpoint('RecordSessionHeld', 'Record a booked session as held (R14); the first one with a mentor goes to review (R13)', {
    403: 'Only the session’s mentor or staff',
    404: 'Unknown student or session_not_found',
    409: 'session_not_booked, session_not_started',
  }, { ids: ['studentId', 'sessionId'] })
  async held(
    @IdParam('studentId') studentId: string,
    @IdParam('sessionId') sessionId: string,
    @Body() _body: RecordSessionHeldDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new RecordSessionHeldCommand(studentId, sessionId, ctx));
    return answerCommand(reply, outcome, { studentId, sessionId });
  }
}
