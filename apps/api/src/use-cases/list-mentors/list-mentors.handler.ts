// A page of mentors read through the read store's indexes, like the students' list: the remaining capacity
// (capacity − caseload) is kept in the mentor's document by the projection, so the capacity filter and the
// order by remaining capacity are the store's too. A school of 10,000 mentors costs a page, not a scan.
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MENTOR_CASELOADS, MentorCaseloadDoc, mentorCaseloadsProjection } from '@mentoring/projections';
import { Filter, ReadStore } from '@mentoring/read-store';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { READ_STORE } from '../../shared/tokens';
import { afterFilter, containsText, decodeCursor, Page, parseSort, toPage } from '../read-side-support/keyset';
import { requireRole, STAFF_ROLES } from '../read-side-support/params';
import { DEFAULT_PAGE_SIZE } from '../read-side-support/page-query.dto';
import { ListMentorsQuery } from './list-mentors.query';

export interface MentorListItem {
  mentorId: string;
  name: string;
  trainingPaths: string[];
  capacity: number;
  remainingCapacity: number;
  disabilityFriendly: boolean;
  unavailable: boolean;
}

@QueryHandler(ListMentorsQuery)
export class ListMentorsHandler implements IQueryHandler<ListMentorsQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ actor, params, waitFor }: ListMentorsQuery): Promise<Page<MentorListItem>> {
    requireRole(actor, STAFF_ROLES, 'the list of mentors');
    const sort = parseSort(params.sort, 'name');
    const after = decodeCursor(params.cursor, sort);
    const limit = params.limit ?? DEFAULT_PAGE_SIZE;

    const and: Filter[] = [];
    if (params.trainingPath !== undefined) and.push({ trainingPaths: params.trainingPath });
    if (params.disabilityFriendly !== undefined) and.push({ disabilityFriendly: params.disabilityFriendly === 'true' });
    if (params.unavailable !== undefined) and.push({ unavailable: params.unavailable === 'true' });
    if (params.hasCapacity !== undefined) and.push(params.hasCapacity === 'true' ? { remainingCapacity: { $gt: 0 } } : { remainingCapacity: 0 });
    if (params.q !== undefined && params.q !== '') and.push({ $or: [{ name: containsText(params.q) }, { email: containsText(params.q) }] });
    if (after) and.push(afterFilter(sort, after));

    await this.readYourWrites.waitFor(waitFor, [mentorCaseloadsProjection.name]);
    const rows = await this.readStore.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).find(and.length ? { $and: and } : {}, {
      sort: { [sort.field]: sort.dir, _id: sort.dir },
      limit: limit + 1,
    });
    const positionOf = (d: MentorCaseloadDoc) => ({ key: d[sort.field as 'name' | 'remainingCapacity'], id: d._id });
    return toPage(rows, limit, sort, positionOf, (d) => ({
      mentorId: d.mentorId,
      name: d.name,
      trainingPaths: d.trainingPaths,
      capacity: d.capacity,
      remainingCapacity: d.remainingCapacity,
      disabilityFriendly: d.disabilityFriendly,
      unavailable: d.unavailable,
    }));
  }
}
