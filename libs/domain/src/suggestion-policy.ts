// The weights of the mentor suggestions (GetMentorSuggestions): pure data, one place, so the team tunes the
// ranking without touching the code. Hard rules (training path, R7, R9, the current mentor, an unavailability
// covering now) exclude a mentor whatever the weights; these weights only rank the mentors who may take the student.

export interface SuggestionPolicy {
  /** The mentor covers the student's training path: required, so it does not move the rank. */
  trainingPathCovered: number;
  /** Points for a mentor with all of their capacity free; a share of it for a partly taken caseload (R9). */
  remainingCapacity: number;
  /** A disability-friendly mentor for a student with a registered disability (required by R7, and a plus). */
  disabilityFriendly: number;
  /** No declared unavailability now nor within {@link upcomingUnavailabilityDays}. */
  availableNow: number;
  /** A declared unavailability starting within {@link upcomingUnavailabilityDays} (not excluded: free today). */
  upcomingUnavailability: number;
  /** How far ahead an upcoming unavailability counts. */
  upcomingUnavailabilityDays: number;
  /** Continuity: the mentor the student just left (the last change of mentor, R8). */
  recentlyLeft: number;
  /** Continuity: a mentor the student left before that. */
  formerMentor: number;
}

export const DEFAULT_SUGGESTION_POLICY: SuggestionPolicy = Object.freeze({
  trainingPathCovered: 0,
  remainingCapacity: 40,
  disabilityFriendly: 20,
  availableNow: 10,
  upcomingUnavailability: -15,
  upcomingUnavailabilityDays: 30,
  recentlyLeft: -50,
  formerMentor: -20,
});
