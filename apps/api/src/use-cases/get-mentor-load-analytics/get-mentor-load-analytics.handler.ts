import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ANALYTICS_MENTOR_LOADS_SINCE, ANALYTICS_PROJECTION, ANALYTICS_VERSION } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { CLOCK, Clock, READ_STORE } from '../../shared/tokens';
import { authorizeAnalytics } from '../read-side-support/analytics-endpoint';
import { requireReadModelVersion } from '../read-side-support/read-model-version';
import { GetMentorLoadAnalyticsQuery } from './get-mentor-load-analytics.query';
import { MentorLoadView, readMentorLoad } from './mentor-load.read';

@QueryHandler(GetMentorLoadAnalyticsQuery)
export class GetMentorLoadAnalyticsHandler implements IQueryHandler<GetMentorLoadAnalyticsQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ actor, waitFor }: GetMentorLoadAnalyticsQuery): Promise<MentorLoadView> {
    authorizeAnalytics(actor);
    await this.readYourWrites.waitFor(waitFor, [ANALYTICS_PROJECTION]);
    await requireReadModelVersion(this.readStore, { projection: ANALYTICS_PROJECTION, since: ANALYTICS_MENTOR_LOADS_SINCE, current: ANALYTICS_VERSION, what: 'The mentor-load analytics' });
    return readMentorLoad(this.readStore, this.clock.now());
  }
}
