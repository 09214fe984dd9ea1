import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { parseWaitFor } from '../../shared/read-your-writes';
import type { Page } from '../read-side-support/keyset';
import { ListMentorsQueryDto } from './list-mentors.dto';
import type { MentorListItem } from './list-mentors.handler';
import { ListMentorsQuery } from './list-mentors.query';
import { MENTOR_PAGE_SCHEMA } from './list-mentors.schema';

@ApiTags('mentors')
@Controller('mentors')
export class ListMentorsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @QueryEndpoint(
    'ListMentors',
    'Mentors with their remaining capacity, filtered, searched and sorted, a page at a time (`{items, nextCursor}`; pass nextCursor back as cursor) (staff)',
    {
      json: MENTOR_PAGE_SCHEMA,
      problems: { 403: 'role_not_allowed: only the mentorship team (staff, admin)' },
      notFound: false,
    },
  )
  list(@CurrentActor() actor: Actor, @Query() query: ListMentorsQueryDto): Promise<Page<MentorListItem>> {
    const { waitFor, ...params } = query;
    return this.queries.execute(new ListMentorsQuery(actor, params, parseWaitFor(waitFor)));
  }
}
