import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { BookSessionCommand } from './book-session.command';
import { BookSessionDto } from './book-session.dto';

@ApiTags('students')
@Controller('students')
export class BookSessionController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/sessions')
  @CommandEndpoint('BookSession', 'Book a mentoring session after the discovery session (R14); its length comes from the profile (R6)', {
    403: 'Only the student themself, their mentor or staff (not_the_student, not_the_students_mentor, role_not_allowed)',
    404: 'Unknown student',
    409: 'R14_mentor_slot_taken, R14_student_slot_taken, R12_mentor_not_assigned, R12_discovery_session_already_booked, R12_discovery_session_required, training_paused, training_closed',
    412: 'If-Match does not name the student’s current revision',
    422: 'session_in_the_past',
  }, { ids: ['studentId', 'sessionId'] })
  async book(
    @IdParam('studentId') studentId: string,
    @Body() body: BookSessionDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new BookSessionCommand(studentId, body.start, ctx));
    return answerCommand(reply, outcome, { studentId, sessionId: outcome.sessionId });
  }
}
