import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { TeamDashboardListView, TeamDashboardOptions } from './team-dashboard.read';

export class GetTeamDashboardListQuery extends Query<TeamDashboardListView> {
  constructor(
    readonly actor: Actor,
    /** As given in the path: checked after the role (404 when no list has this name). */
    readonly list: string,
    readonly options: TeamDashboardOptions,
    readonly cursor: string | undefined,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
