import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { AssignMentorCommand } from './assign-mentor.command';
import { AssignMentorDto } from './assign-mentor.dto';

@ApiTags('students')
@Controller('students')
export class AssignMentorController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/assignment')
  @CommandEndpoint('AssignMentor', 'Assign a mentor to a student waiting for one (R7, R9)', {
    403: 'Only staff assign mentors',
    404: 'Unknown student or mentor',
    409: 'Refused: R7_mentor_not_disability_friendly, R9_mentor_at_capacity, already assigned, or a concurrent change',
    412: 'If-Match does not name the student’s current revision',
  }, { ids: ['studentId', 'mentorId'] })
  async assign(
    @IdParam('studentId') studentId: string,
    @Body() body: AssignMentorDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new AssignMentorCommand(studentId, body.mentorId, ctx));
    return answerCommand(reply, outcome, { studentId, mentorId: body.mentorId });
  }
}
