import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { STUDENT_PROFILES, StudentProfileDoc, studentProfilesProjection } from '@mentoring/projections';
import { Filter, ReadStore } from '@mentoring/read-store';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { READ_STORE } from '../../shared/tokens';
import { afterFilter, containsText, decodeCursor, Page, parseSort, toPage } from '../read-side-support/keyset';
import { requireRole } from '../read-side-support/params';
import { DEFAULT_PAGE_SIZE } from '../read-side-support/page-query.dto';
import { ListStudentsQuery } from './list-students.query';

export interface StudentListItem {
  studentId: string;
  name: string;
  /** Staff only. */
  email?: string;
  status: string;
  fundingProfile: string;
  trainingPath: string;
  mentorId: string | null;
  enrolledAt: string;
}

const STAFF = ['staff', 'admin'];

@QueryHandler(ListStudentsQuery)
export class ListStudentsHandler implements IQueryHandler<ListStudentsQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ actor, params, waitFor }: ListStudentsQuery): Promise<Page<StudentListItem>> {
    requireRole(actor, [...STAFF, 'mentor'], 'the list of students');
    const staff = STAFF.includes(actor.role);
    const sort = parseSort(params.sort, 'name');
    const after = decodeCursor(params.cursor, sort);
    const limit = params.limit ?? DEFAULT_PAGE_SIZE;
    // 403 or 404 (README): a list is what the reader may see, narrowed by the filters; a filter never widens
    // it. A mentor naming another mentor gets an empty page (neither 403 nor a hint that the mentor exists).
    if (!staff && params.mentorId !== undefined && params.mentorId !== actor.id) return { items: [], nextCursor: null };

    const and: Filter[] = [];
    const mentorId = staff ? params.mentorId : actor.id;
    if (mentorId !== undefined) and.push({ mentorId });
    if (params.status !== undefined) and.push({ status: params.status });
    if (params.profile !== undefined) and.push({ 'funding.kind': params.profile });
    if (params.trainingPath !== undefined) and.push({ trainingPath: params.trainingPath });
    if (params.cohort !== undefined) and.push({ 'funding.cohort': params.cohort });
    if (params.funder !== undefined) {
      const f = params.funder;
      and.push({ $or: [{ 'funding.company.id': f }, { 'funding.employer.id': f }, { 'funding.publicFunder.id': f }] });
    }
    if (params.q !== undefined && params.q !== '') {
      const text = containsText(params.q);
      // Mentors do not search by e-mail (they are not shown it).
      and.push(staff ? { $or: [{ name: text }, { email: text }] } : { name: text });
    }
    if (after) and.push(afterFilter(sort, after));

    await this.readYourWrites.waitFor(waitFor, [studentProfilesProjection.name]);
    const rows = await this.readStore.collection<StudentProfileDoc>(STUDENT_PROFILES).find(and.length ? { $and: and } : {}, {
      sort: { [sort.field]: sort.dir, _id: sort.dir },
      limit: limit + 1,
    });
    return toPage(
      rows,
      limit,
      sort,
      (d) => ({ key: (d as unknown as Record<string, string>)[sort.field], id: d._id }),
      (d) => ({
        studentId: d.studentId,
        name: d.name,
        ...(staff ? { email: d.email } : {}),
        status: d.status,
        fundingProfile: d.funding.kind,
        trainingPath: d.trainingPath,
        mentorId: d.mentorId,
        enrolledAt: d.enrolledAt,
      }),
    );
  }
}
