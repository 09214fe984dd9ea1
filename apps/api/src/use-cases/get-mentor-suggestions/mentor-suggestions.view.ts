// The answer of GetMentorSuggestions: the mentors who may take a student, ranked, each with the reasons of its rank.

/** Why a mentor ranks where it does: a stable code, the points it adds (or takes), and a sentence. */
export interface SuggestionReason {
  code: string;
  weight: number;
  text: string;
}

export interface MentorSuggestion {
  mentorId: string;
  name: string;
  /** The sum of the reasons' weights (weights in libs/domain/src/suggestion-policy.ts). */
  score: number;
  remainingCapacity: number;
  capacity: number;
  reasons: SuggestionReason[];
}

/** Why a mentor may not take the student (a hard rule, whatever the weights). */
export interface ExcludedMentor {
  mentorId: string;
  name: string;
  reasons: Array<{ code: string; text: string }>;
}

export interface MentorSuggestionsView {
  studentId: string;
  /** The best `limit` mentors: by score (highest first), then name, then id. */
  items: MentorSuggestion[];
  /** Only with `?explain=all`: every other mentor, by name, with every rule that excludes them. */
  excluded?: ExcludedMentor[];
}
