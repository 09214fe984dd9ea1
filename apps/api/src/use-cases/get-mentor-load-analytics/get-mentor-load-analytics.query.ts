import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { MentorLoadView } from './mentor-load.read';

export class GetMentorLoadAnalyticsQuery extends Query<MentorLoadView> {
  constructor(
    readonly actor: Actor,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
