import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CommandEndpoint } from '../../shared/api-docs';
import { CommandContext, Ctx } from '../../shared/command-context';
import { answerCommand, CommandAnswer } from '../../shared/command-response';
import { IdParam } from '../../shared/id-param';
import { AddInternalCommentCommand } from './add-internal-comment.command';
import { AddInternalCommentDto } from './add-internal-comment.dto';

@ApiTags('students')
@Controller('students')
export class AddInternalCommentController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':studentId/internal-comments')
  @CommandEndpoint('AddInternalComment', 'An internal comment on the student’s profile, visible to staff and mentors, never to the student (R11)', {
    403: 'Only the student’s mentor or staff',
    404: 'Unknown student',
    409: 'comment_id_already_used',
  }, { ids: ['studentId', 'commentId'] })
  async add(
    @IdParam('studentId') studentId: string,
    @Body() body: AddInternalCommentDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const outcome = await this.commands.execute(new AddInternalCommentCommand(studentId, body.text, ctx));
    return answerCommand(reply, outcome, { studentId, commentId: outcome.commentId });
  }
}
