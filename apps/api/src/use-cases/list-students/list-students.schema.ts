// The documented answer of ListStudents (GET /students): a page of StudentListItem.
import type { SchemaObject } from '../../shared/schema-object';
import { pageSchema } from '../../shared/api-docs';
import { STUDENT_STATUSES } from './list-students.dto';

export const STUDENT_LIST_ITEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['studentId', 'name', 'status', 'fundingProfile', 'trainingPath', 'mentorId', 'enrolledAt'],
  properties: {
    studentId: { type: 'string', example: 'student-1' },
    name: { type: 'string', example: 'Sam Lee' },
    email: { type: 'string', description: 'Staff only; absent for a mentor', example: 'sam@students.example' },
    status: { type: 'string', enum: [...STUDENT_STATUSES], example: 'active' },
    fundingProfile: { type: 'string', enum: ['apprenticeship', 'employee', 'social_programme', 'self_funded'], example: 'apprenticeship' },
    trainingPath: { type: 'string', example: 'web-development' },
    mentorId: { type: 'string', nullable: true, description: 'The current mentor; null while none is assigned', example: 'mentor-1' },
    enrolledAt: { type: 'string', format: 'date-time', example: '2027-01-04T09:00:00.000Z' },
  },
  additionalProperties: false,
};

/** The 200 body of ListStudents. */
export const STUDENT_PAGE_SCHEMA = pageSchema(STUDENT_LIST_ITEM_SCHEMA, 'A page of students');
