import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { RescheduleSessionCommand } from './reschedule-session.command';
import { RescheduleSessionDto } from './reschedule-session.dto';

@ApiTags('students')
@Controller('students')
export class RescheduleSessionController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/sessions/:sessionId/reschedule')
  @CommandEndpoint('RescheduleSession', 'Move a booked session to another time (R14); a student cannot move one less than 24 h before it', {
    403: 'Only the student themself, the session’s mentor or staff',
    404: 'Unknown student or session_not_found',
    409: 'R14_mentor_slot_taken, R14_student_slot_taken, R15_late_reschedule_by_student, session_not_booked, session_already_started, training_paused',
    412: 'If-Match does not name the student’s current revision',
    422: 'session_in_the_past',
  }, { ids: ['studentId', 'sessionId'] })
  async reschedule(
    @IdParam('studentId') studentId: string,
    @IdParam('sessionId') sessionId: string,
    @Body() body: RescheduleSessionDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new RescheduleSessionCommand(studentId, sessionId, body.start, ctx));
    return answerCommand(reply, outcome, { studentId, sessionId });
  }
}
