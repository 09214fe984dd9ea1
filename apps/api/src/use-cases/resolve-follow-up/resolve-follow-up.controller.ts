import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { ResolveFollowUpCommand } from './resolve-follow-up.command';
import { ResolveFollowUpDto } from './resolve-follow-up.dto';

@ApiTags('students')
@Controller('students')
export class ResolveFollowUpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/follow-ups/:followUpId/resolve')
  @CommandEndpoint('ResolveFollowUp', 'Staff resolve an open follow-up (R11)', {
    403: 'Only staff resolve follow-ups',
    404: 'Unknown student or follow_up_not_found',
  }, { ids: ['studentId', 'followUpId'] })
  async resolve(
    @IdParam('studentId') studentId: string,
    @IdParam('followUpId') followUpId: string,
    @Body() body: ResolveFollowUpDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new ResolveFollowUpCommand(studentId, followUpId, body.resolution, ctx));
    return answerCommand(reply, outcome, { studentId, followUpId });
  }
}
