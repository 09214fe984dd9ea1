import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { parseWaitFor } from '../../shared/read-your-writes';
import { intParam, numberParam } from '../read-side-support/params';
import { GetTeamDashboardQuery } from './get-team-dashboard.query';
import { DEFAULT_TEAM_DASHBOARD_OPTIONS, TeamDashboardView } from './team-dashboard.read';

@ApiTags('dashboards')
@Controller('team')
export class GetTeamDashboardController {
  constructor(private readonly queries: QueryBus) {}

  @Get('dashboard')
  @QueryEndpoint(
    'GetTeamDashboard',
    'The mentorship team’s dashboard: students waiting for a mentor, open follow-ups, change requests, recordings awaiting feedback, attendance alerts, mentors near capacity (staff)',
  )
  @ApiResponse({ status: 403, description: 'Only the mentorship team (staff, admin) (application/problem+json)' })
  @ApiQuery({ name: 'limit', required: false, description: 'Items per list, 1–500 (default 50); totals count them all' })
  @ApiQuery({ name: 'alertWeeks', required: false, description: 'Attendance alerts raised in the last N ISO weeks, this one included, 1–52 (default 2)' })
  @ApiQuery({ name: 'nearCapacity', required: false, description: 'Share of the capacity taken from which a mentor is near capacity, 0–1 (default 0.8)' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  get(
    @CurrentActor() actor: Actor,
    @Query('limit') limit?: string,
    @Query('alertWeeks') alertWeeks?: string,
    @Query('nearCapacity') nearCapacity?: string,
    @Query('waitFor') waitFor?: string,
  ): Promise<TeamDashboardView> {
    const d = DEFAULT_TEAM_DASHBOARD_OPTIONS;
    const options = {
      limit: intParam(limit, 'limit', 1, 500, d.limit),
      alertWeeks: intParam(alertWeeks, 'alertWeeks', 1, 52, d.alertWeeks),
      nearCapacity: numberParam(nearCapacity, 'nearCapacity', 0, 1, d.nearCapacity),
    };
    return this.queries.execute(new GetTeamDashboardQuery(actor, options, parseWaitFor(waitFor)));
  }
}
