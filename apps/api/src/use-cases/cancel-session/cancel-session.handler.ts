// The slots this frees (the caseload reservation, the calendar slots of cancelled sessions) are given back by
// the reservations process, driven by the recorded events (docs/adr/0002), never by this request.
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent } from '../../shared/loaders';
import { CancelSessionCommand } from './cancel-session.command';

@CommandHandler(CancelSessionCommand)
export class CancelSessionHandler implements ICommandHandler<CancelSessionCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, sessionId, reason, text, ctx }: CancelSessionCommand): Promise<CommandOutcome> {
    return executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'CancelSession' as const,
      data: { studentId, sessionId, reason, text: text ?? null, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
  }
}
