import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { ChangeMentorCommand } from './change-mentor.command';
import { ChangeMentorDto } from './change-mentor.dto';

@ApiTags('students')
@Controller('students')
export class ChangeMentorController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/mentor-change')
  @CommandEndpoint('ChangeMentor', 'Staff change a student’s mentor, effective at once (R8); R7 and R9 hold as for a first assignment', {
    403: 'Only staff change mentors',
    404: 'Unknown student or mentor, change_request_not_found',
    409: 'mentor_changed_meanwhile, R9_mentor_at_capacity, R7_mentor_not_disability_friendly, R8_same_mentor, mentor_not_available, mentor_unavailable, mentor_does_not_cover_training_path, mentor_not_assigned, training_closed',
    412: 'If-Match does not name the student’s current revision',
  }, { ids: ['studentId', 'mentorId'] })
  async change(
    @IdParam('studentId') studentId: string,
    @Body() body: ChangeMentorDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new ChangeMentorCommand(studentId, body.mentorId, body.fromMentorId, body.reason, body.requestId, ctx));
    return answerCommand(reply, outcome, { studentId, mentorId: body.mentorId });
  }
}
