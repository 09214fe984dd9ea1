import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { newResourceId } from '../../shared/resource-id';
import { RequestMentorChangeCommand } from './request-mentor-change.command';

@CommandHandler(RequestMentorChangeCommand)
export class RequestMentorChangeHandler implements ICommandHandler<RequestMentorChangeCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ studentId, reason, ctx }: RequestMentorChangeCommand): Promise<CommandOutcome & { requestId: string }> {
    const requestId = newResourceId(this.streams, ctx, 'mentor-change-request');
    const outcome = await executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'RequestMentorChange' as const,
      data: { studentId, requestId, reason, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
    return { ...outcome, requestId };
  }
}
