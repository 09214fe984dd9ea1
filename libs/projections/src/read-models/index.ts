import type { Projection } from '../projection';
import { mentorCaseloadsProjection } from './mentor-caseloads.projection';
import { studentProfilesProjection } from './student-profiles.projection';

export * from './apply-once';
export * from './student-profiles.projection';
export * from './mentor-caseloads.projection';

/** Every projection the platform runs, in the projector or in the embedded API process. */
export const ALL_PROJECTIONS: readonly Projection[] = [studentProfilesProjection, mentorCaseloadsProjection];
