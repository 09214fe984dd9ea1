import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { IdParam } from '../../shared/id-param';
import { parseWaitFor } from '../../shared/read-your-writes';
import { GetMentorDashboardQuery } from './get-mentor-dashboard.query';
import { MentorDashboardView } from './mentor-dashboard.read';
import { MENTOR_DASHBOARD_SCHEMA } from './mentor-dashboard.schema';

@ApiTags('dashboards')
@Controller('mentors')
export class GetMentorDashboardController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':mentorId/dashboard')
  @QueryEndpoint(
    'GetMentorDashboard',
    'A mentor’s dashboard: their students with profile, status and next session, pending actions, remaining capacity (the mentor themself, staff). The lists are whole (`nextCursor` always null): a caseload is bounded by the mentor’s capacity',
    { json: MENTOR_DASHBOARD_SCHEMA, notFound: 'mentor_not_found: no such mentor, or not yours', problems: { 403: 'role_not_allowed: only the mentor themself and the mentorship team' } },
  )
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  get(@IdParam('mentorId') mentorId: string, @CurrentActor() actor: Actor, @Query('waitFor') waitFor?: string): Promise<MentorDashboardView> {
    return this.queries.execute(new GetMentorDashboardQuery(mentorId, actor, parseWaitFor(waitFor)));
  }
}
