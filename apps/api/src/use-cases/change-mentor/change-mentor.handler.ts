// ChangeMentor spans two consistency boundaries (docs/adr/0002): a caseload slot is reserved on the NEW
// mentor's stream (R9, R7 re-checked), then MentorChanged, naming that reservation and the previous one, is
// appended to the student's stream with the cancellation of the sessions booked with the previous mentor.
// Giving back the previous mentor's slot and those sessions' calendar slots is the reservations process's
// work, driven by MentorChanged and SessionCancelled.
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { caseloadReservationFor, newReservationId } from '@mentoring/application';
import { DomainError, mentorshipOf } from '@mentoring/domain';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { loadMentor, loadStudent } from '../../shared/loaders';
import { runReservation } from '../../shared/reservation';
import { mentorStream, studentStream } from '../../shared/streams';
import { ChangeMentorCommand } from './change-mentor.command';

@CommandHandler(ChangeMentorCommand)
export class ChangeMentorHandler implements ICommandHandler<ChangeMentorCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  execute({ studentId, mentorId, fromMentorId, reason, requestId, ctx }: ChangeMentorCommand): Promise<CommandOutcome> {
    return runReservation(this.streams, ctx, studentStream(studentId), async () => {
      const student = await loadStudent(this.streams, this.deciders, studentId);
      this.streams.checkIfMatch(ctx, student.revision);
      const mentor = await loadMentor(this.streams, this.deciders, mentorId);
      const at = this.streams.now().toISOString();
      const by = ctx.actor;
      const { file } = student.state;
      const reservationId = caseloadReservationFor(mentor.state, file, studentId, () =>
        newReservationId(ctx, file, `caseload:${mentorId}`, () => this.streams.newId()),
      );

      // The student's rules first (who may change, status, same mentor, R7): a refusal appends nothing.
      const changed = this.deciders.student.decide(
        { type: 'ChangeMentor', data: { studentId, mentor: mentor.snapshot, reservationId, reason, requestId: requestId ?? null, at, by } },
        student.state,
      );
      // A change decided on a mentor the student no longer has (another change won the race) is not re-applied
      // on top of it: the team decides again, knowing the new situation.
      const current = mentorshipOf(student.state)?.mentorId ?? null;
      if (current !== fromMentorId) {
        throw new DomainError('mentor_changed_meanwhile', 'conflict', `The student's mentor is now ${current}, not ${fromMentorId}.`, {
          currentMentorId: current,
        });
      }
      if (changed.length === 0) return { streamId: studentStream(studentId), revision: student.revision, position: null, events: [] };

      const { registeredDisability, trainingPath } = student.enrolment;
      const reserved = this.deciders.mentor.decide(
        { type: 'ReserveCaseloadSlot', data: { mentorId, studentId, reservationId, studentHasDisability: registeredDisability, trainingPath, at, by } },
        mentor.state,
      );
      return {
        reservation: { streamId: mentorStream(mentorId), revision: mentor.revision, events: reserved, reservationId },
        target: { streamId: studentStream(studentId), revision: student.revision, reservationId, events: changed },
      };
    });
  }
}
