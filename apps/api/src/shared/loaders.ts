// Loading the aggregates a command needs, with the 404s every use case shares.
import { CaseloadReleaseReason, DomainError, MentorSnapshot, MentorState, StudentEnrolled, StudentState, mentorSnapshotOf } from '@mentoring/domain';
import { CommandContext } from './command-context';
import { Deciders } from './deciders';
import { EventSourcedStreams } from './event-sourced-streams';
import { mentorStream, studentStream } from './streams';

export interface LoadedStudent {
  state: Exclude<StudentState, { status: 'not_enrolled' }>;
  revision: number;
  enrolment: StudentEnrolled['data'];
}

export interface LoadedMentor {
  state: MentorState;
  revision: number;
  snapshot: MentorSnapshot;
}

export async function loadStudent(streams: EventSourcedStreams, deciders: Deciders, studentId: string): Promise<LoadedStudent> {
  const { state, revision } = await streams.load(studentStream(studentId), deciders.student);
  if (state.status === 'not_enrolled') throw new DomainError('student_not_found', 'not_found', `No student ${studentId}.`);
  return { state, revision, enrolment: state.file.enrolment };
}

export async function loadMentor(streams: EventSourcedStreams, deciders: Deciders, mentorId: string): Promise<LoadedMentor> {
  const { state, revision } = await streams.load(mentorStream(mentorId), deciders.mentor);
  const snapshot = mentorSnapshotOf(state, streams.now().toISOString());
  if (!snapshot) throw new DomainError('mentor_not_found', 'not_found', `No mentor ${mentorId}.`);
  return { state, revision, snapshot };
}

/**
 * Gives a caseload slot back (compensation, or the old mentor's slot after a change). Retries its own
 * races; event ids are fresh so they never collide with the reservation's idempotency-derived ids.
 */
export async function releaseCaseloadSlot(
  streams: EventSourcedStreams,
  deciders: Deciders,
  ctx: CommandContext,
  mentorId: string,
  studentId: string,
  reason: CaseloadReleaseReason,
): Promise<void> {
  await streams.execute(
    mentorStream(mentorId),
    deciders.mentor,
    () => ({ type: 'ReleaseCaseloadSlot' as const, data: { mentorId, studentId, reason, at: streams.now().toISOString(), by: ctx.actor } }),
    { ...ctx, idempotencyKey: undefined, expectedRevision: undefined },
  );
}
