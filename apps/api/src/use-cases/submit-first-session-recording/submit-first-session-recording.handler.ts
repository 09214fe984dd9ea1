import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { SubmitFirstSessionRecordingCommand } from './submit-first-session-recording.command';

@CommandHandler(SubmitFirstSessionRecordingCommand)
export class SubmitFirstSessionRecordingHandler implements ICommandHandler<SubmitFirstSessionRecordingCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, sessionId, recordingUrl, ctx }: SubmitFirstSessionRecordingCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'SubmitFirstSessionRecording' as const,
      data: { studentId, sessionId, recordingUrl, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
