// AssignMentor spans two consistency boundaries: the mentor's caseload (R9 capacity) and the student.
// A caseload slot is reserved on the mentor's stream under a reservation id, then StudentAssigned, naming
// that reservation, is appended to the student's stream; see docs/adr/0002-capacity-across-streams.md.
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { caseloadReservationFor, DecideOnReads, newReservationId, Trust } from '@mentoring/application';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { loadMentor, loadStudent } from '../../shared/loaders';
import { runReservation } from '../../shared/reservation';
import { mentorStream, studentStream } from '../../shared/streams';
import { AssignMentorCommand } from './assign-mentor.command';

@CommandHandler(AssignMentorCommand)
export class AssignMentorHandler implements ICommandHandler<AssignMentorCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, mentorId, ctx }: AssignMentorCommand): Promise<CommandOutcome> {
    // An accepted assignment appends to both streams (their expected revisions confirm the states it was decided
    // on), so the states this process's own appends left there are taken without a read (`deciding`; a refusal or a
    // no-op is decided again on reads). One exception: relying on a slot already reserved appends nothing to the
    // mentor's stream, so that is only decided on a mentor's state that was read.
    return this.streams.deciding((streams, trust) => this.decide(streams, trust, studentId, mentorId, ctx));
  }

  private decide(streams: EventSourcedStreams, trust: Trust, studentId: string, mentorId: string, ctx: AssignMentorCommand['ctx']): Promise<CommandOutcome> {
    return runReservation(streams, ctx, studentStream(studentId), async () => {
      const student = await loadStudent(streams, this.deciders, studentId);
      streams.checkIfMatch(ctx, student.revision);
      const unreadBefore = trust.taken;
      const mentor = await loadMentor(streams, this.deciders, mentorId);
      const mentorUnread = trust.taken > unreadBefore;
      const at = this.streams.now().toISOString();
      const by = ctx.actor;
      const { file } = student.state;
      const reservationId = caseloadReservationFor(mentor.state, file, studentId, () =>
        newReservationId(ctx, file, `caseload:${mentorId}`, () => this.streams.newId()),
      );

      // The student's rules first (status, R7 re-checked, who may assign): a refusal appends nothing.
      const assigned = this.deciders.student.decide(
        { type: 'AssignMentor', data: { studentId, mentor: mentor.snapshot, reservationId, at, by } },
        student.state,
      );
      if (assigned.length === 0) return { streamId: studentStream(studentId), revision: student.revision, position: null, events: [] };

      const { registeredDisability, trainingPath } = student.enrolment;
      const reserved = this.deciders.mentor.decide(
        { type: 'ReserveCaseloadSlot', data: { mentorId, studentId, reservationId, studentHasDisability: registeredDisability, trainingPath, at, by } },
        mentor.state,
      );
      if (reserved.length === 0 && mentorUnread) throw new DecideOnReads('the slot relied on was held by a mentor state not read');
      return {
        reservation: { streamId: mentorStream(mentorId), revision: mentor.revision, events: reserved, reservationId },
        target: { streamId: studentStream(studentId), revision: student.revision, reservationId, events: assigned },
      };
    });
  }
}
