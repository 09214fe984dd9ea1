import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FundingProfile } from '@mentoring/domain';
import { deterministicUuid } from '../../shared/command-context';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { studentStream } from '../../shared/streams';
import { Inject } from '@nestjs/common';
import { EnrolStudentCommand } from './enrol-student.command';

@CommandHandler(EnrolStudentCommand)
export class EnrolStudentHandler implements ICommandHandler<EnrolStudentCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ input, ctx }: EnrolStudentCommand): Promise<CommandOutcome & { studentId: string }> {
    const keyed = ctx.idempotencyKey !== undefined;
    const studentId = keyed ? deterministicUuid('student', ctx.actor.id, ctx.idempotencyKey!) : this.streams.newId();
    const at = this.streams.now().toISOString();
    const outcome = await this.streams.execute(
      studentStream(studentId),
      this.deciders.student,
      () => ({
        type: 'EnrolStudent' as const,
        data: {
          studentId,
          name: input.name,
          email: input.email,
          trainingPath: input.trainingPath,
          registeredDisability: input.registeredDisability,
          startDate: input.startDate,
          // The DTO classes validated the shape; the decider checks the rules R1–R6 on it.
          funding: { ...input.funding } as unknown as FundingProfile,
          at,
          by: ctx.actor,
        },
      }),
      ctx,
      // A random id names no stream yet: nothing to read. A keyed request's id may be a retry's: read.
      { newStream: !keyed },
    );
    return { ...outcome, studentId };
  }
}
