// The documented answer of GetMentor (GET /mentors/{mentorId}): MentorView, field by field.
import type { SchemaObject } from '../../shared/schema-object';

/** The 200 body of GetMentor. */
export const MENTOR_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'A mentor with their caseload and remaining capacity',
  required: ['mentorId', 'name', 'email', 'trainingPaths', 'capacity', 'disabilityFriendly', 'unavailable', 'caseload', 'remainingCapacity', 'revision'],
  properties: {
    mentorId: { type: 'string', example: 'mentor-1' },
    name: { type: 'string', example: 'Joy Adams' },
    email: { type: 'string', example: 'joy@mentors.example' },
    trainingPaths: { type: 'array', items: { type: 'string' }, description: 'The training paths the mentor mentors', example: ['web-development'] },
    capacity: { type: 'integer', minimum: 1, description: 'How many students the mentor may hold (R9)', example: 5 },
    disabilityFriendly: { type: 'boolean', description: 'Trained to mentor students with a registered disability (R7)', example: false },
    unavailable: { type: 'boolean', description: 'An unavailability is declared now or to come', example: false },
    caseload: {
      type: 'array',
      description: 'The students the mentor holds, by date of assignment; a student’s fields are null while the student read model has not caught up',
      items: {
        type: 'object',
        required: ['studentId', 'since', 'name', 'trainingPath', 'fundingProfile', 'status'],
        properties: {
          studentId: { type: 'string', example: 'student-1' },
          since: { type: 'string', format: 'date-time', description: 'When the student was assigned to the mentor', example: '2027-01-05T09:00:00.000Z' },
          name: { type: 'string', nullable: true, example: 'Sam Lee' },
          trainingPath: { type: 'string', nullable: true, example: 'web-development' },
          fundingProfile: {
            type: 'string',
            nullable: true,
            enum: ['apprenticeship', 'employee', 'social_programme', 'self_funded'],
            example: 'self_funded',
          },
          status: { type: 'string', nullable: true, enum: ['awaiting_mentor', 'active', 'paused', 'completed', 'withdrawn'], example: 'active' },
        },
        additionalProperties: false,
      },
    },
    remainingCapacity: { type: 'integer', minimum: 0, description: 'Derived: capacity minus the places held (R9), never stored', example: 4 },
    revision: { type: 'integer', minimum: 0, description: 'The mentor stream’s revision (also the ETag): send it back as If-Match', example: 2 },
  },
  additionalProperties: false,
};
