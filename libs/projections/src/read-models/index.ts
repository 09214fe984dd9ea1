import type { Projection } from '../projection';
import { accessLogProjection } from './access-log.projection';
import { createAnalyticsProjection } from './analytics.projection';
import { dashboardsProjection } from './dashboards.projection';
import { mentorCaseloadsProjection } from './mentor-caseloads.projection';
import { studentProfilesProjection } from './student-profiles.projection';

export * from './apply-once';
export * from './student-profiles.projection';
export * from './mentor-caseloads.projection';
export * from './iso-week';
export * from './dashboards.projection';
export * from './dashboard-party-reports';
export * from './analytics.projection';
export * from './analytics-buckets';
export * from './read-side.scenario';
export * from './access-log.projection';

/** What the projections take from configuration. */
export interface ProjectionSettings {
  /** ANALYTICS_PSEUDONYM_KEY: keys the analytics pseudonyms. */
  analyticsPseudonymKey: string;
}

/** Every projection the platform runs, in the projector or in the embedded API process. */
export function createProjections(settings: ProjectionSettings): readonly Projection[] {
  return [studentProfilesProjection, mentorCaseloadsProjection, dashboardsProjection, createAnalyticsProjection(settings.analyticsPseudonymKey), accessLogProjection];
}

/** The names of the projections (for checking a name without building them). */
export const PROJECTION_NAMES: readonly string[] = createProjections({ analyticsPseudonymKey: 'x'.repeat(32) }).map((p) => p.name);
