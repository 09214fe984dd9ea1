import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { analyticsProjection } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { CLOCK, Clock, READ_STORE } from '../../shared/tokens';
import { authorizeAnalytics, weekRange } from '../read-side-support/analytics-endpoint';
import { GetWeeklyAnalyticsQuery } from './get-weekly-analytics.query';
import { readWeeklyAnalytics, WeeklyAnalyticsView } from './weekly-analytics.read';

@QueryHandler(GetWeeklyAnalyticsQuery)
export class GetWeeklyAnalyticsHandler implements IQueryHandler<GetWeeklyAnalyticsQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ actor, from, to, profile, waitFor }: GetWeeklyAnalyticsQuery): Promise<WeeklyAnalyticsView> {
    authorizeAnalytics(actor);
    const now = this.clock.now();
    const range = weekRange(from, to, now);
    await this.readYourWrites.waitFor(waitFor, [analyticsProjection.name]);
    return readWeeklyAnalytics(this.readStore, range, now, profile);
  }
}
