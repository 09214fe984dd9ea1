import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MENTOR_CASELOADS, MentorCaseloadDoc, mentorCaseloadsProjection, STUDENT_PROFILES, StudentProfileDoc, studentProfilesProjection } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { Problem } from '../../http/problem';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { READ_STORE } from '../../shared/tokens';
import { GetStudentQuery } from './get-student.query';
import { MAY_READ_SOME_STUDENT, mayReadStudent, StudentMentorContact, StudentProfileView, studentProfileView } from './student-profile.view';

@QueryHandler(GetStudentQuery)
export class GetStudentHandler implements IQueryHandler<GetStudentQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ studentId, actor, waitFor }: GetStudentQuery): Promise<StudentProfileView> {
    // 403 or 404 (README): a role that may read no student at all is refused as such; anyone else who may
    // not read this student learns nothing about whether it exists (404, as for a student that does not).
    if (!MAY_READ_SOME_STUDENT.has(actor.role)) {
      throw new Problem(403, 'role_not_allowed', 'Forbidden', `A ${actor.role} may not read students’ profiles.`, { role: actor.role });
    }
    await this.readYourWrites.waitFor(waitFor, [studentProfilesProjection.name, mentorCaseloadsProjection.name]);
    const doc = await this.readStore.collection<StudentProfileDoc>(STUDENT_PROFILES).findOne({ _id: studentId });
    if (!doc || !mayReadStudent(actor, doc)) throw new Problem(404, 'student_not_found', 'Not Found', `No student ${studentId}.`);
    return studentProfileView(actor, doc, await this.mentorContact(doc.mentorId));
  }

  /** The current mentor's name and e-mail, joined from the mentor read model when read. */
  private async mentorContact(mentorId: string | null): Promise<StudentMentorContact | null> {
    if (!mentorId) return null;
    const mentor = await this.readStore.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).findOne({ _id: mentorId }, { projection: { name: 1, email: 1 } });
    return { mentorId, name: mentor?.name ?? null, email: mentor?.email ?? null };
  }
}
