import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { deterministicUuid } from '../../shared/command-context';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { mentorStream } from '../../shared/streams';
import { RegisterMentorCommand } from './register-mentor.command';

@CommandHandler(RegisterMentorCommand)
export class RegisterMentorHandler implements ICommandHandler<RegisterMentorCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ input, ctx }: RegisterMentorCommand): Promise<CommandOutcome & { mentorId: string }> {
    // With an Idempotency-Key the new id is derived from it, so a retry lands on the same stream.
    const mentorId = ctx.idempotencyKey ? deterministicUuid('mentor', ctx.actor.id, ctx.idempotencyKey) : this.streams.newId();
    const at = this.streams.now().toISOString();
    const outcome = await this.streams.execute(
      mentorStream(mentorId),
      this.deciders.mentor,
      () => ({ type: 'RegisterMentor' as const, data: { mentorId, ...input, at, by: ctx.actor } }),
      ctx,
    );
    return { ...outcome, mentorId };
  }
}
