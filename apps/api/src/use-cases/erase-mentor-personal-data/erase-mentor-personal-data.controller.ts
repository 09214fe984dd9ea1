import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { ErasePersonalDataDto } from '../erase-student-personal-data/erase-student-personal-data.dto';
import { EraseMentorPersonalDataCommand } from './erase-mentor-personal-data.command';

@ApiTags('mentors')
@Controller('mentors')
export class EraseMentorPersonalDataController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':mentorId/personal-data-erasure')
  @CommandEndpoint(
    'EraseMentorPersonalData',
    'Erase the personal data of a mentor who left (GDPR Art. 17): their data key is destroyed; only a mentor with no students',
    {
      403: 'Only staff',
      404: 'Unknown mentor',
      409: 'mentor_has_students (change their students’ mentor first), mentor_personal_data_erased',
    },
    { ids: ['mentorId'] },
  )
  async erase(
    @IdParam('mentorId') mentorId: string,
    @Body() body: ErasePersonalDataDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new EraseMentorPersonalDataCommand(mentorId, body.reason, ctx));
    return answerCommand(reply, outcome, { mentorId });
  }
}
