import type { Projection } from '../projection';
import { analyticsProjection } from './analytics.projection';
import { dashboardsProjection } from './dashboards.projection';
import { mentorCaseloadsProjection } from './mentor-caseloads.projection';
import { studentProfilesProjection } from './student-profiles.projection';

export * from './apply-once';
export * from './student-profiles.projection';
export * from './mentor-caseloads.projection';
export * from './iso-week';
export * from './dashboards.projection';
export * from './analytics.projection';
export * from './read-side.scenario';

/** Every projection the platform runs, in the projector or in the embedded API process. */
export const ALL_PROJECTIONS: readonly Projection[] = [studentProfilesProjection, mentorCaseloadsProjection, dashboardsProjection, analyticsProjection];
