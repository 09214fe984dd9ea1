import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { GiveFirstSessionFeedbackCommand } from './give-first-session-feedback.command';

@CommandHandler(GiveFirstSessionFeedbackCommand)
export class GiveFirstSessionFeedbackHandler implements ICommandHandler<GiveFirstSessionFeedbackCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, sessionId, feedback, ctx }: GiveFirstSessionFeedbackCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'GiveFirstSessionFeedback' as const,
      data: { studentId, sessionId, feedback, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
