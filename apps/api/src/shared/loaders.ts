// Loading the aggregates a command needs, with the 404s every use case shares.
import {
  DomainError,
  MentorCalendarState,
  MentorCommand,
  MentorSnapshot,
  MentorState,
  StudentCommand,
  StudentEnrolled,
  StudentState,
  mentorSnapshotOf,
} from '@mentoring/domain';
import { CommandContext } from './command-context';
import { Deciders } from './deciders';
import { CommandOutcome, EventSourcedStreams, Loaded } from './event-sourced-streams';
import { mentorCalendarStream, mentorStream, studentStream } from './streams';

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

/** The student's stream: load, decide, append (one stream). An unknown student is 404 `student_not_found`. */
export async function executeOnStudent(
  streams: EventSourcedStreams,
  deciders: Deciders,
  studentId: string,
  ctx: CommandContext,
  makeCommand: (state: LoadedStudent['state']) => StudentCommand,
): Promise<CommandOutcome> {
  return streams.execute(
    studentStream(studentId),
    deciders.student,
    (state) => {
      if (state.status === 'not_enrolled') throw new DomainError('student_not_found', 'not_found', `No student ${studentId}.`);
      return makeCommand(state);
    },
    ctx,
  );
}

/** The mentor's stream: load, decide, append (one stream). An unknown mentor is 404 `mentor_not_found`. */
export async function executeOnMentor(
  streams: EventSourcedStreams,
  deciders: Deciders,
  mentorId: string,
  ctx: CommandContext,
  makeCommand: (state: Extract<MentorState, { status: 'registered' }>) => MentorCommand,
): Promise<CommandOutcome> {
  return streams.execute(
    mentorStream(mentorId),
    deciders.mentor,
    (state) => {
      if (state.status !== 'registered') throw new DomainError('mentor_not_found', 'not_found', `No mentor ${mentorId}.`);
      return makeCommand(state);
    },
    ctx,
  );
}

export async function loadMentorCalendar(streams: EventSourcedStreams, deciders: Deciders, mentorId: string): Promise<Loaded<MentorCalendarState>> {
  return streams.load(mentorCalendarStream(mentorId), deciders.mentorCalendar);
}
