import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { executeOnStudent, loadStudent } from '../../shared/loaders';
import { EraseStudentPersonalDataCommand } from './erase-student-personal-data.command';
import { ErasureCleanup } from './erasure-cleanup';

@CommandHandler(EraseStudentPersonalDataCommand)
export class EraseStudentPersonalDataHandler implements ICommandHandler<EraseStudentPersonalDataCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
    private readonly cleanup: ErasureCleanup,
  ) {}

  async execute({ studentId, reason, ctx }: EraseStudentPersonalDataCommand): Promise<CommandOutcome> {
    // Read while the key still opens them: the words the cleanup looks for in the outbox and the sent e-mails.
    const { enrolment } = await loadStudent(this.streams, this.deciders, studentId);
    const outcome = await executeOnStudent(this.streams, this.deciders, studentId, ctx, () => ({
      type: 'EraseStudentPersonalData' as const,
      data: { studentId, reason, at: this.streams.now().toISOString(), by: ctx.actor },
    }));
    // Recorded first, then the key destroyed: a crash in between leaves an erasure that the next start finishes
    // (ErasureReconciler), or that repeating the command ends.
    await this.cleanup.erase({ owner: 'student', id: studentId, name: enrolment.name, email: enrolment.email }, outcome.position ?? null);
    return outcome;
  }
}
