// The remaining capacity is derived (capacity − caseload), never stored: the mentors matching the stored
// filters are read, and the capacity filter, the order and the page are applied here. Mentors are few
// (hundreds), unlike students, whose list is paged by the read store.
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MENTOR_CASELOADS, MentorCaseloadDoc, mentorCaseloadsProjection } from '@mentoring/projections';
import { Filter, ReadStore } from '@mentoring/read-store';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { READ_STORE } from '../../shared/tokens';
import { compareKeyed, containsText, CursorPosition, decodeCursor, Page, parseSort, toPage } from '../read-side-support/keyset';
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

    const filter: Filter = {};
    if (params.trainingPath !== undefined) filter.trainingPaths = params.trainingPath;
    if (params.disabilityFriendly !== undefined) filter.disabilityFriendly = params.disabilityFriendly === 'true';
    if (params.unavailable !== undefined) filter.unavailable = params.unavailable === 'true';
    if (params.q !== undefined && params.q !== '') filter.$or = [{ name: containsText(params.q) }, { email: containsText(params.q) }];

    await this.readYourWrites.waitFor(waitFor, [mentorCaseloadsProjection.name]);
    const docs = await this.readStore.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).find(filter);
    const items = docs.map(
      (d): MentorListItem => ({
        mentorId: d.mentorId,
        name: d.name,
        trainingPaths: d.trainingPaths,
        capacity: d.capacity,
        remainingCapacity: Math.max(0, d.capacity - d.caseloadSize),
        disabilityFriendly: d.disabilityFriendly,
        unavailable: d.unavailable,
      }),
    );
    const positionOf = (m: MentorListItem): CursorPosition => ({ key: m[sort.field as 'name' | 'remainingCapacity'], id: m.mentorId });
    const rows = items
      .filter((m) => params.hasCapacity === undefined || (m.remainingCapacity > 0) === (params.hasCapacity === 'true'))
      .filter((m) => !after || compareKeyed(sort.dir, positionOf(m), after) > 0)
      .sort((a, b) => compareKeyed(sort.dir, positionOf(a), positionOf(b)))
      .slice(0, limit + 1);
    return toPage(rows, limit, sort, positionOf, (m) => m);
  }
}
