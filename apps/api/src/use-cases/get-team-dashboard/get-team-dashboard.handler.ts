import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { dashboardsProjection, mentorCaseloadsProjection } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { CLOCK, Clock, READ_STORE } from '../../shared/tokens';
import { requireRole, STAFF_ROLES } from '../read-side-support/params';
import { GetTeamDashboardQuery } from './get-team-dashboard.query';
import { readTeamDashboard, TeamDashboardView } from './team-dashboard.read';

@QueryHandler(GetTeamDashboardQuery)
export class GetTeamDashboardHandler implements IQueryHandler<GetTeamDashboardQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ actor, options, waitFor }: GetTeamDashboardQuery): Promise<TeamDashboardView> {
    requireRole(actor, STAFF_ROLES, 'the mentorship team’s dashboard');
    await this.readYourWrites.waitFor(waitFor, [dashboardsProjection.name, mentorCaseloadsProjection.name]);
    return readTeamDashboard(this.readStore, this.clock.now(), options);
  }
}
