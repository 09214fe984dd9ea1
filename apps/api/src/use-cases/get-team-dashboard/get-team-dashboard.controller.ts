import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { parseWaitFor } from '../../shared/read-your-writes';
import { intParam, numberParam } from '../read-side-support/params';
import { GetTeamDashboardListQuery } from './get-team-dashboard-list.query';
import { GetTeamDashboardQuery } from './get-team-dashboard.query';
import { DEFAULT_TEAM_DASHBOARD_OPTIONS, TEAM_DASHBOARD_LISTS, TeamDashboardListView, TeamDashboardOptions, TeamDashboardView } from './team-dashboard.read';
import { TEAM_DASHBOARD_LIST_SCHEMA, TEAM_DASHBOARD_SCHEMA } from './team-dashboard.schema';

const STAFF_ONLY = { 403: 'role_not_allowed: only the mentorship team (staff, admin)' };
const MAX_LIMIT = 500;

function teamDashboardOptions(limit?: string, alertWeeks?: string, nearCapacity?: string): TeamDashboardOptions {
  const d = DEFAULT_TEAM_DASHBOARD_OPTIONS;
  return {
    limit: intParam(limit, 'limit', 1, MAX_LIMIT, d.limit),
    alertWeeks: intParam(alertWeeks, 'alertWeeks', 1, 52, d.alertWeeks),
    nearCapacity: numberParam(nearCapacity, 'nearCapacity', 0, 1, d.nearCapacity),
  };
}

/** The parameters the dashboard and each of its lists take. */
function ListOptions(limitDescription: string) {
  return (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
    for (const decorate of [
      ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 50 }, description: limitDescription }),
      ApiQuery({ name: 'alertWeeks', required: false, schema: { type: 'integer', minimum: 1, maximum: 52, default: 2 }, description: 'Attendance alerts raised in the last N ISO weeks, this one included' }),
      ApiQuery({ name: 'nearCapacity', required: false, schema: { type: 'number', minimum: 0, maximum: 1, default: 0.8 }, description: 'Share of the capacity taken from which a mentor is near capacity' }),
      ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' }),
    ]) {
      decorate(target, key, descriptor);
    }
  };
}

@ApiTags('dashboards')
@Controller('team')
export class GetTeamDashboardController {
  constructor(private readonly queries: QueryBus) {}

  @Get('dashboard')
  @QueryEndpoint(
    'GetTeamDashboard',
    'The mentorship team’s dashboard: students waiting for a mentor, open follow-ups, change requests, recordings awaiting feedback, attendance alerts, mentors near capacity (staff). Each list is `{items, nextCursor, total}`, its first page; GET /team/dashboard/{list} pages further',
    { json: TEAM_DASHBOARD_SCHEMA, problems: STAFF_ONLY, notFound: false },
  )
  @ListOptions('Items per list (the first page of each), 1–500; totals count them all')
  get(
    @CurrentActor() actor: Actor,
    @Query('limit') limit?: string,
    @Query('alertWeeks') alertWeeks?: string,
    @Query('nearCapacity') nearCapacity?: string,
    @Query('waitFor') waitFor?: string,
  ): Promise<TeamDashboardView> {
    return this.queries.execute(new GetTeamDashboardQuery(actor, teamDashboardOptions(limit, alertWeeks, nearCapacity), parseWaitFor(waitFor)));
  }

  @Get('dashboard/:list')
  @QueryEndpoint(
    'GetTeamDashboardList',
    'One list of the team’s dashboard, a page at a time: `{items, nextCursor, total}`; pass nextCursor back as cursor (keyset: writes between pages never show an item twice or skip one) (staff)',
    { json: TEAM_DASHBOARD_LIST_SCHEMA, problems: STAFF_ONLY, notFound: 'list_not_found: the dashboard has no list of that name' },
  )
  @ApiParam({ name: 'list', enum: Object.keys(TEAM_DASHBOARD_LISTS), description: 'The list (the dashboard’s field in kebab-case)' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page of this list (opaque); 400 invalid_cursor otherwise' })
  @ListOptions('Items in the page, 1–500')
  getList(
    @Param('list') list: string,
    @CurrentActor() actor: Actor,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
    @Query('alertWeeks') alertWeeks?: string,
    @Query('nearCapacity') nearCapacity?: string,
    @Query('waitFor') waitFor?: string,
  ): Promise<TeamDashboardListView> {
    return this.queries.execute(
      new GetTeamDashboardListQuery(actor, list, teamDashboardOptions(limit, alertWeeks, nearCapacity), cursor === '' ? undefined : cursor, parseWaitFor(waitFor)),
    );
  }
}
