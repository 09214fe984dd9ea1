import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { MentorDashboardView } from './mentor-dashboard.read';

export class GetMentorDashboardQuery extends Query<MentorDashboardView> {
  constructor(
    readonly mentorId: string,
    readonly actor: Actor,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
