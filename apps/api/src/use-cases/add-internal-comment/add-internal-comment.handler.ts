import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { newResourceId } from '../../shared/resource-id';
import { AddInternalCommentCommand } from './add-internal-comment.command';

@CommandHandler(AddInternalCommentCommand)
export class AddInternalCommentHandler implements ICommandHandler<AddInternalCommentCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ studentId, text, ctx }: AddInternalCommentCommand): Promise<CommandOutcome & { commentId: string }> {
    const commentId = newResourceId(this.streams, ctx, 'internal-comment');
    const outcome = await executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'AddInternalComment' as const,
      data: { studentId, commentId, text, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
    return { ...outcome, commentId };
  }
}
