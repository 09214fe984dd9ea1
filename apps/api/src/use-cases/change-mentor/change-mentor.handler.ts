// ChangeMentor spans three consistency boundaries (docs/adr/0002): a caseload slot is reserved on the NEW
// mentor's stream (R9, R7 re-checked), MentorChanged is appended to the student's stream (with the
// cancellation of the sessions booked with the previous mentor), and only then the previous mentor's
// caseload slot and those sessions' calendar slots are given back.
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, MentorChanged, mentorshipOf } from '@mentoring/domain';
import { releaseCaseloadAfter, releaseSlotsOfCancelledSessions } from '../../shared/consequences';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { CommandOutcome, EventSourcedStreams } from '../../shared/event-sourced-streams';
import { loadMentor, loadStudent, releaseCaseloadSlot } from '../../shared/loaders';
import { runReservation } from '../../shared/reservation';
import { mentorStream, studentStream } from '../../shared/streams';
import { ChangeMentorCommand } from './change-mentor.command';

@CommandHandler(ChangeMentorCommand)
export class ChangeMentorHandler implements ICommandHandler<ChangeMentorCommand> {
  constructor(
    private readonly streams: EventSourcedStreams,
    @Inject(DECIDERS) private readonly deciders: Deciders,
  ) {}

  async execute({ studentId, mentorId, fromMentorId, reason, requestId, ctx }: ChangeMentorCommand): Promise<CommandOutcome> {
    const outcome = await runReservation(this.streams, ctx, async () => {
      const student = await loadStudent(this.streams, this.deciders, studentId);
      this.streams.checkIfMatch(ctx, student.revision);
      const mentor = await loadMentor(this.streams, this.deciders, mentorId);
      const at = this.streams.now().toISOString();
      const by = ctx.actor;

      // The student's rules first (who may change, status, same mentor, R7): a refusal appends nothing.
      const changed = this.deciders.student.decide(
        { type: 'ChangeMentor', data: { studentId, mentor: mentor.snapshot, reason, requestId: requestId ?? null, at, by } },
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
        { type: 'ReserveCaseloadSlot', data: { mentorId, studentId, studentHasDisability: registeredDisability, trainingPath, at, by } },
        mentor.state,
      );
      return {
        reservations: [{ streamId: mentorStream(mentorId), revision: mentor.revision, events: reserved }],
        target: { streamId: studentStream(studentId), revision: student.revision, events: changed },
        release: () => releaseCaseloadSlot(this.streams, this.deciders, ctx, mentorId, studentId, 'assignment_aborted'),
      };
    });

    const change = outcome.events.find((e): e is MentorChanged => e.type === 'MentorChanged');
    if (change) await releaseCaseloadAfter(this.streams, this.deciders, ctx, change.data.fromMentorId, studentId, 'mentor_changed');
    await releaseSlotsOfCancelledSessions(this.streams, this.deciders, ctx, outcome.events);
    return outcome;
  }
}
