import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { WeeklyAnalyticsView } from './weekly-analytics.read';

export class GetWeeklyAnalyticsQuery extends Query<WeeklyAnalyticsView> {
  constructor(
    readonly actor: Actor,
    readonly from: string | undefined,
    readonly to: string | undefined,
    readonly profile: string | undefined,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
