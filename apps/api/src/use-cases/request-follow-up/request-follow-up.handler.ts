import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { newResourceId } from '../../shared/resource-id';
import { RequestFollowUpCommand } from './request-follow-up.command';

@CommandHandler(RequestFollowUpCommand)
export class RequestFollowUpHandler implements ICommandHandler<RequestFollowUpCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ studentId, reason, note, ctx }: RequestFollowUpCommand): Promise<CommandOutcome & { followUpId: string }> {
    const followUpId = newResourceId(this.streams, ctx, 'follow-up');
    const outcome = await executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'RequestFollowUp' as const,
      data: { studentId, followUpId, reason, note: note ?? null, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
    return { ...outcome, followUpId };
  }
}
