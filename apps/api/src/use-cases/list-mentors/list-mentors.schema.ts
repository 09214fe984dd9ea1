// The documented answer of ListMentors (GET /mentors): a page of MentorListItem.
import type { SchemaObject } from '../../shared/schema-object';
import { pageSchema } from '../../shared/api-docs';

export const MENTOR_LIST_ITEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['mentorId', 'name', 'trainingPaths', 'capacity', 'remainingCapacity', 'disabilityFriendly', 'unavailable'],
  properties: {
    mentorId: { type: 'string', example: 'mentor-1' },
    name: { type: 'string', example: 'Joy Adams' },
    trainingPaths: { type: 'array', items: { type: 'string' }, example: ['web-development'] },
    capacity: { type: 'integer', minimum: 1, description: 'How many students the mentor may hold (R9)', example: 5 },
    remainingCapacity: { type: 'integer', minimum: 0, description: 'Derived: capacity minus the places held (R9)', example: 4 },
    disabilityFriendly: { type: 'boolean', description: 'R7', example: false },
    unavailable: { type: 'boolean', description: 'An unavailability is declared now or to come', example: false },
  },
  additionalProperties: false,
};

/** The 200 body of ListMentors. */
export const MENTOR_PAGE_SCHEMA = pageSchema(MENTOR_LIST_ITEM_SCHEMA, 'A page of mentors');
