// The documented answer of GetMentorSuggestions (GET /students/{studentId}/mentor-suggestions): MentorSuggestionsView.
import type { SchemaObject } from '../../shared/schema-object';

/** Why a mentor ranks where it does (the handler's codes; weights from libs/domain/src/suggestion-policy.ts). */
const REASON_CODES = ['training_path_covered', 'remaining_capacity', 'disability_friendly', 'unavailability_upcoming', 'available_now', 'recently_left', 'former_mentor'];
/** The hard rules that exclude a mentor, whatever the weights. */
const EXCLUSION_CODES = ['current_mentor', 'training_path_not_covered', 'not_disability_friendly', 'mentor_full', 'mentor_unavailable'];

const SUGGESTION_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['mentorId', 'name', 'score', 'remainingCapacity', 'capacity', 'reasons'],
  properties: {
    mentorId: { type: 'string', example: 'mentor-1' },
    name: { type: 'string', example: 'Joy Adams' },
    score: { type: 'number', description: 'The sum of the reasons’ weights, rounded to one decimal', example: 12.5 },
    remainingCapacity: { type: 'integer', minimum: 1, description: 'Places left (R9): a full mentor is excluded', example: 4 },
    capacity: { type: 'integer', minimum: 1, example: 5 },
    reasons: {
      type: 'array',
      description: 'Every reason of the rank, with the points it adds (or takes)',
      items: {
        type: 'object',
        required: ['code', 'weight', 'text'],
        properties: {
          code: { type: 'string', enum: REASON_CODES, example: 'training_path_covered' },
          weight: { type: 'number', description: 'Points added (negative: taken)', example: 10 },
          text: { type: 'string', example: 'Mentors the web-development path.' },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

const EXCLUDED_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['mentorId', 'name', 'reasons'],
  properties: {
    mentorId: { type: 'string', example: 'mentor-2' },
    name: { type: 'string', example: 'Kim Other' },
    reasons: {
      type: 'array',
      minItems: 1,
      description: 'Every rule that excludes the mentor',
      items: {
        type: 'object',
        required: ['code', 'text'],
        properties: {
          code: { type: 'string', enum: EXCLUSION_CODES, example: 'mentor_full' },
          text: { type: 'string', example: 'No place left: 5 students for a capacity of 5 (R9).' },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

/** The 200 body of GetMentorSuggestions; `excluded` only with `?explain=all`. */
export const MENTOR_SUGGESTIONS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['studentId', 'items'],
  properties: {
    studentId: { type: 'string', example: 'student-1' },
    items: { type: 'array', description: 'The mentors who may take the student, by score (highest first), then name, then id', items: SUGGESTION_SCHEMA },
    excluded: { type: 'array', description: 'Only with `?explain=all`: every other mentor, by name, with the rules that exclude them', items: EXCLUDED_SCHEMA },
  },
  additionalProperties: false,
};
