import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { dashboardsProjection, mentorCaseloadsProjection } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import type { Actor, Position } from '@mentoring/event-store';
import { Problem } from '../../http/problem';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { CLOCK, Clock, READ_STORE } from '../../shared/tokens';
import { requireRole, STAFF_ROLES } from '../read-side-support/params';
import { GetTeamDashboardListQuery } from './get-team-dashboard-list.query';
import { GetTeamDashboardQuery } from './get-team-dashboard.query';
import {
  isTeamDashboardList,
  readTeamDashboard,
  readTeamDashboardList,
  TEAM_DASHBOARD_LISTS,
  TeamDashboardListView,
  TeamDashboardView,
} from './team-dashboard.read';

/** What the dashboard and its lists check before reading: staff only, and the read models caught up. */
abstract class TeamDashboardHandlerBase {
  constructor(
    @Inject(READ_STORE) protected readonly readStore: ReadStore,
    @Inject(CLOCK) protected readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  protected async ready(actor: Actor, waitFor: Position | undefined): Promise<void> {
    requireRole(actor, STAFF_ROLES, 'the mentorship team’s dashboard');
    await this.readYourWrites.waitFor(waitFor, [dashboardsProjection.name, mentorCaseloadsProjection.name]);
  }
}

@QueryHandler(GetTeamDashboardQuery)
export class GetTeamDashboardHandler extends TeamDashboardHandlerBase implements IQueryHandler<GetTeamDashboardQuery> {
  async execute({ actor, options, waitFor }: GetTeamDashboardQuery): Promise<TeamDashboardView> {
    await this.ready(actor, waitFor);
    return readTeamDashboard(this.readStore, this.clock.now(), options);
  }
}

@QueryHandler(GetTeamDashboardListQuery)
export class GetTeamDashboardListHandler extends TeamDashboardHandlerBase implements IQueryHandler<GetTeamDashboardListQuery> {
  async execute({ actor, list, options, cursor, waitFor }: GetTeamDashboardListQuery): Promise<TeamDashboardListView> {
    await this.ready(actor, waitFor);
    if (!isTeamDashboardList(list)) {
      throw new Problem(404, 'list_not_found', 'Not Found', `The team dashboard has no list ${list}; its lists are ${Object.keys(TEAM_DASHBOARD_LISTS).join(', ')}.`);
    }
    return readTeamDashboardList(this.readStore, this.clock.now(), list, options, cursor);
  }
}
