import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { analyticsProjection } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { CLOCK, Clock, READ_STORE } from '../../shared/tokens';
import { authorizeAnalytics, weekRange } from '../read-side-support/analytics-endpoint';
import { AttendanceAnalyticsView, readAttendanceAnalytics } from './attendance-analytics.read';
import { GetAttendanceAnalyticsQuery } from './get-attendance-analytics.query';

@QueryHandler(GetAttendanceAnalyticsQuery)
export class GetAttendanceAnalyticsHandler implements IQueryHandler<GetAttendanceAnalyticsQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ actor, from, to, filters, waitFor }: GetAttendanceAnalyticsQuery): Promise<AttendanceAnalyticsView> {
    authorizeAnalytics(actor);
    const now = this.clock.now();
    const range = weekRange(from, to, now);
    await this.readYourWrites.waitFor(waitFor, [analyticsProjection.name]);
    return readAttendanceAnalytics(this.readStore, range, now, filters);
  }
}
