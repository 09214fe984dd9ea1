import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { RegisterMentorCommand } from './register-mentor.command';
import { RegisterMentorDto } from './register-mentor.dto';

@ApiTags('mentors')
@Controller('mentors')
export class RegisterMentorController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @CommandEndpoint('RegisterMentor', 'Register a mentor with their training paths, capacity and disability-friendly mark', {
    403: 'Only staff register mentors',
    422: 'Refused by a rule',
  }, { ids: ['mentorId'], location: '/mentors/{mentorId}' })
  async register(@Body() body: RegisterMentorDto, @Ctx() ctx: CommandContext, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new RegisterMentorCommand(body, ctx));
    return answerCommand(reply, outcome, { mentorId: outcome.mentorId }, `/mentors/${outcome.mentorId}`);
  }
}
