import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { parseWaitFor } from '../../shared/read-your-writes';
import { idParam } from '../read-side-support/params';
import { partyPageParams, PartyPageQueries } from '../read-side-support/party-page';
import { GetOverseenApprenticesQuery } from './get-overseen-apprentices.query';
import { OverseenApprenticesView } from './overseen-apprentices.read';
import { OVERSEEN_APPRENTICES_SCHEMA } from './overseen-apprentices.schema';

@ApiTags('oversight')
@Controller('oversight')
export class GetOverseenApprenticesController {
  constructor(private readonly queries: QueryBus) {}

  @Get('apprentices')
  @QueryEndpoint(
    'GetOverseenApprentices',
    'R2: progress and attendance of the apprentices the caller oversees (a tutor by tutor.id, an employer or company by employer.id / company.id; staff name partyId), a page at a time by normalised name then id: `{items, nextCursor, asOf}`; pass nextCursor back as cursor',
    {
      json: OVERSEEN_APPRENTICES_SCHEMA,
      upgrading: true,
      problems: { 403: 'role_not_allowed: only tutors, employers and companies (role funder), and staff; not_the_overseer: partyId names another overseer' },
      notFound: false,
    },
  )
  @ApiQuery({ name: 'partyId', required: false, description: 'Staff only: the employer, company or tutor whose apprentices to show' })
  @PartyPageQueries('Apprentices')
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  get(
    @CurrentActor() actor: Actor,
    @Query('partyId') partyId?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('waitFor') waitFor?: string,
  ): Promise<OverseenApprenticesView> {
    return this.queries.execute(new GetOverseenApprenticesQuery(actor, idParam(partyId, 'partyId'), partyPageParams(limit, cursor), parseWaitFor(waitFor)));
  }
}
