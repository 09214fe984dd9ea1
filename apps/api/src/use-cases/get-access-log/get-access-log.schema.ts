// The documented answer of GetAccessLog (GET /audit/access-log): a page of AccessLogEntry.
import { SENSITIVE_READ_KINDS } from '@mentoring/domain';
import { pageSchema } from '../../shared/api-docs';
import type { SchemaObject } from '../../shared/schema-object';

export const ACCESS_LOG_ENTRY_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['eventId', 'at', 'reader', 'studentId', 'funderId', 'what', 'format', 'operationId', 'purpose', 'outcome', 'status', 'correlationId', 'streamId', 'position'],
  properties: {
    eventId: { type: 'string', description: 'The SensitiveDataRead event in the event store', example: '0f8fad5b-d9cb-469f-a165-70867728950e' },
    at: { type: 'string', format: 'date-time', description: 'When the read was answered', example: '2027-03-01T09:00:00.000Z' },
    reader: {
      type: 'object',
      required: ['id', 'role'],
      properties: { id: { type: 'string', example: 'mentor-1' }, role: { type: 'string', example: 'mentor' } },
      additionalProperties: false,
    },
    studentId: { type: 'string', nullable: true, description: 'The student read; null for a funder’s export', example: 'student-1' },
    funderId: { type: 'string', nullable: true, description: 'The funder whose attendance export was read; null otherwise', example: null },
    what: {
      type: 'string',
      enum: [...SENSITIVE_READ_KINDS],
      description: '`student_record`; `disability`: the record with the registered disability (R7); `audit_history`; `csv_export`: a funder’s attendance CSV',
      example: 'disability',
    },
    format: { type: 'string', enum: ['json', 'csv'], example: 'json' },
    operationId: { type: 'string', example: 'GetStudent' },
    purpose: { type: 'string', nullable: true, description: 'The X-Purpose header sent with the read; null without one', example: 'TICKET-1234 follow-up' },
    outcome: { type: 'string', enum: ['granted', 'refused'], description: '`refused`: answered 403 or 404, nothing shown', example: 'granted' },
    status: { type: 'integer', description: 'The HTTP status answered', example: 200 },
    correlationId: { type: 'string', example: 'b5f6f1c2-0d7e-4c57-9a57-3f1f0e8f2a10' },
    streamId: { type: 'string', description: 'The access-log stream holding the event (its hash chain)', example: 'access-log-student-student-1' },
    position: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$', description: 'The event’s log position', example: '42' },
  },
  additionalProperties: false,
};

/** The 200 body of GetAccessLog. */
export const ACCESS_LOG_PAGE_SCHEMA = pageSchema(ACCESS_LOG_ENTRY_SCHEMA, 'A page of the access log, newest first');
