import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { TeamDashboardOptions, TeamDashboardView } from './team-dashboard.read';

export class GetTeamDashboardQuery extends Query<TeamDashboardView> {
  constructor(
    readonly actor: Actor,
    readonly options: TeamDashboardOptions,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
