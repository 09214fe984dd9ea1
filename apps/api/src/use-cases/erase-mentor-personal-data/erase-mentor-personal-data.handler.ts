import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnMentor, loadMentor } from '../../shared/loaders';
import { ErasureCleanup } from '../erase-student-personal-data/erasure-cleanup';
import { EraseMentorPersonalDataCommand } from './erase-mentor-personal-data.command';

@CommandHandler(EraseMentorPersonalDataCommand)
export class EraseMentorPersonalDataHandler implements ICommandHandler<EraseMentorPersonalDataCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
    private readonly cleanup: ErasureCleanup,
  ) {}

  async execute({ mentorId, reason, ctx }: EraseMentorPersonalDataCommand): Promise<CommandOutcome> {
    const { state } = await loadMentor(this.streams, this.deciders, mentorId);
    const profile = state.status === 'registered' ? state.profile : null;
    const outcome = await executeOnMentor(this.streams, this.deciders, mentorId, ctx, () => ({
      type: 'EraseMentorPersonalData' as const,
      data: { mentorId, reason, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
    await this.cleanup.erase({ owner: 'mentor', id: mentorId, name: profile?.name ?? '', email: profile?.email ?? '' }, outcome.position ?? null);
    return outcome;
  }
}
