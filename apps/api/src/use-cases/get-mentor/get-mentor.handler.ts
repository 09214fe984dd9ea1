import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  CaseloadEntryDoc,
  MENTOR_CASELOAD_ENTRIES,
  MENTOR_CASELOADS,
  MentorCaseloadDoc,
  mentorCaseloadsProjection,
  STUDENT_PROFILES,
  StudentProfileDoc,
  studentProfilesProjection,
} from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { Problem } from '../../http/problem';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { READ_STORE } from '../../shared/tokens';
import { GetMentorQuery } from './get-mentor.query';

export interface CaseloadStudentView {
  studentId: string;
  since: string;
  name: string | null;
  trainingPath: string | null;
  fundingProfile: string | null;
  status: string | null;
}

export interface MentorView {
  mentorId: string;
  name: string;
  email: string;
  trainingPaths: string[];
  capacity: number;
  disabilityFriendly: boolean;
  unavailable: boolean;
  caseload: CaseloadStudentView[];
  /** Derived: capacity minus the students held, never stored (R9). */
  remainingCapacity: number;
  revision: number;
}

const MAY_READ_ANY_MENTOR = new Set(['staff', 'admin', 'auditor']);

@QueryHandler(GetMentorQuery)
export class GetMentorHandler implements IQueryHandler<GetMentorQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ mentorId, actor, waitFor }: GetMentorQuery): Promise<MentorView> {
    // 403 or 404 (README): a role that may read no mentor is refused as such; another mentor learns
    // nothing about whether this one exists (404, as for a mentor that does not).
    if (!MAY_READ_ANY_MENTOR.has(actor.role) && actor.role !== 'mentor') {
      throw new Problem(403, 'role_not_allowed', 'Forbidden', `A ${actor.role} may not read mentors.`, { role: actor.role });
    }
    await this.readYourWrites.waitFor(waitFor, [mentorCaseloadsProjection.name, studentProfilesProjection.name]);
    const mayRead = MAY_READ_ANY_MENTOR.has(actor.role) || (actor.role === 'mentor' && actor.id === mentorId);
    const doc = mayRead ? await this.readStore.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).findOne({ _id: mentorId }) : null;
    if (!doc) throw new Problem(404, 'mentor_not_found', 'Not Found', `No mentor ${mentorId}.`);

    const caseload = await this.readStore
      .collection<CaseloadEntryDoc>(MENTOR_CASELOAD_ENTRIES)
      .find({ mentorId }, { sort: { since: 1, _id: 1 } });
    const ids = caseload.map((entry) => entry.studentId);
    const students = await this.readStore
      .collection<StudentProfileDoc>(STUDENT_PROFILES)
      .find({ _id: { $in: ids } }, { projection: { name: 1, trainingPath: 1, funding: 1, status: 1 } });
    const byId = new Map(students.map((s) => [s._id, s]));
    return {
      mentorId: doc.mentorId,
      name: doc.name,
      email: doc.email,
      trainingPaths: doc.trainingPaths,
      capacity: doc.capacity,
      disabilityFriendly: doc.disabilityFriendly,
      unavailable: doc.unavailable,
      // A student holding two reservations for a moment (a new one before the old one is released) is listed once.
      caseload: [...new Map(caseload.map((entry) => [entry.studentId, entry])).values()].map((entry) => {
        const s = byId.get(entry.studentId);
        return {
          studentId: entry.studentId,
          since: entry.since,
          name: s?.name ?? null,
          trainingPath: s?.trainingPath ?? null,
          fundingProfile: s?.funding?.kind ?? null,
          status: s?.status ?? null,
        };
      }),
      remainingCapacity: Math.max(0, doc.capacity - caseload.length), // slots held, not distinct students (R9)
      revision: doc.revision,
    };
  }
}
