import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ANALYTICS_PROJECTION } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { ReadYourWrites } from '../../shared/read-your-writes';
import type { AppConfig } from '@mentoring/config';
import { APP_CONFIG, CLOCK, Clock, READ_STORE } from '../../shared/tokens';
import { authorizeAnalytics, weekRange } from '../read-side-support/analytics-endpoint';
import { AttendanceAnalyticsView, readAttendanceAnalytics } from './attendance-analytics.read';
import { GetAttendanceAnalyticsQuery } from './get-attendance-analytics.query';

@QueryHandler(GetAttendanceAnalyticsQuery)
export class GetAttendanceAnalyticsHandler implements IQueryHandler<GetAttendanceAnalyticsQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ actor, from, to, filters, waitFor }: GetAttendanceAnalyticsQuery): Promise<AttendanceAnalyticsView> {
    authorizeAnalytics(actor);
    const now = this.clock.now();
    const range = weekRange(from, to, now);
    await this.readYourWrites.waitFor(waitFor, [ANALYTICS_PROJECTION]);
    return readAttendanceAnalytics(this.readStore, range, now, filters, this.config.analyticsMinGroup);
  }
}
