import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { dashboardsProjection, mentorCaseloadsProjection } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { Problem } from '../../http/problem';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { CLOCK, Clock, READ_STORE } from '../../shared/tokens';
import { GetMentorDashboardQuery } from './get-mentor-dashboard.query';
import { MentorDashboardView, readMentorDashboard } from './mentor-dashboard.read';

const MAY_READ_ANY_DASHBOARD = new Set(['staff', 'admin']);

@QueryHandler(GetMentorDashboardQuery)
export class GetMentorDashboardHandler implements IQueryHandler<GetMentorDashboardQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ mentorId, actor, waitFor }: GetMentorDashboardQuery): Promise<MentorDashboardView> {
    // Roles that read no mentor dashboard at all are refused as a role (403); a mentor sees only their own,
    // and learns nothing about whether another mentor exists (404): the README's 403-or-404 policy.
    if (!MAY_READ_ANY_DASHBOARD.has(actor.role) && actor.role !== 'mentor') {
      throw new Problem(403, 'role_not_allowed', 'Forbidden', 'Only the mentor themself and the mentorship team read a mentor’s dashboard.');
    }
    if (actor.role === 'mentor' && actor.id !== mentorId) throw notFound(mentorId);
    await this.readYourWrites.waitFor(waitFor, [dashboardsProjection.name, mentorCaseloadsProjection.name]);
    const view = await readMentorDashboard(this.readStore, mentorId, this.clock.now());
    if (!view) throw notFound(mentorId);
    return view;
  }
}

function notFound(mentorId: string): Problem {
  return new Problem(404, 'mentor_not_found', 'Not Found', `No mentor ${mentorId}.`);
}
