// The documented answer of GetStudentHistory (GET /students/{studentId}/history): StudentAudit, field by field.
import type { SchemaObject } from '../shared/schema-object';

const nullableText = (description: string, example: string | null): SchemaObject => ({ type: 'string', nullable: true, description, example });

/** One event of the student's stream, as the audit shows it. */
export const AUDIT_ENTRY_SCHEMA: SchemaObject = {
  type: 'object',
  required: [
    'kind', 'eventType', 'mentorId', 'fromMentorId', 'reason', 'sessionId', 'sessionStart', 'detail',
    'actorId', 'actorRole', 'occurredAt', 'recordedAt', 'correlationId', 'causationId', 'eventId', 'revision', 'position',
  ],
  properties: {
    kind: { type: 'string', description: 'What happened, e.g. `assigned`, `changed`, `session_held`, `fact:no_show`, `internal_comment`', example: 'assigned' },
    eventType: { type: 'string', example: 'StudentAssigned' },
    mentorId: nullableText('The mentor concerned', 'mentor-1'),
    fromMentorId: nullableText('The previous mentor, for a change (R8)', null),
    reason: nullableText('The reason given, if any', 'first assignment'),
    sessionId: nullableText('The session concerned', null),
    sessionStart: nullableText('The session’s start, or the attendance fact’s instant', null),
    detail: nullableText('More: a duration, a request id, a comment’s or the feedback’s text', null),
    actorId: { type: 'string', description: 'Who decided (the event’s actor)', example: 'staff-1' },
    actorRole: { type: 'string', example: 'staff' },
    occurredAt: { type: 'string', format: 'date-time', example: '2027-01-05T09:00:00.000Z' },
    recordedAt: { type: 'string', description: 'When the event store recorded it', example: '2027-01-05T09:00:00.012Z' },
    correlationId: { type: 'string', example: 'b5f6f1c2-0d7e-4c57-9a57-3f1f0e8f2a10' },
    causationId: { type: 'string', example: 'b5f6f1c2-0d7e-4c57-9a57-3f1f0e8f2a10' },
    eventId: { type: 'string', example: '0f8fad5b-d9cb-469f-a165-70867728950e' },
    revision: { type: 'integer', minimum: 0, description: 'The event’s revision in the student stream', example: 1 },
    position: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$', description: 'The event’s log position', example: '42' },
  },
  additionalProperties: false,
};

/** The 200 body (application/json) of GetStudentHistory; `asOf` is null without `?asOf=` and `?knownAt=`. */
export const STUDENT_AUDIT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['studentId', 'assignments', 'sessions', 'attendance', 'comments', 'asOf'],
  properties: {
    studentId: { type: 'string', example: 'student-1' },
    assignments: { type: 'array', description: 'Assignments, changes of mentor and their requests, pauses, completion, withdrawal', items: AUDIT_ENTRY_SCHEMA },
    sessions: { type: 'array', description: 'Bookings, moves, cancellations, held and missed sessions, delays, the first session’s recording and feedback', items: AUDIT_ENTRY_SCHEMA },
    attendance: { type: 'array', description: 'Attendance facts and alerts (R2–R4)', items: AUDIT_ENTRY_SCHEMA },
    comments: { type: 'array', description: 'Internal comments (R11): `detail` is the text, the actor its author', items: AUDIT_ENTRY_SCHEMA },
    asOf: {
      type: 'object',
      nullable: true,
      description: 'With `?asOf=` and/or `?knownAt=`: the training’s status and mentor at that instant, as recorded by knownAt; null without either',
      required: ['asOf', 'status', 'mentorId', 'revision'],
      properties: {
        asOf: { type: 'string', format: 'date-time', description: 'What was true at this instant (by occurredAt); knownAt when only that was given', example: '2027-02-01T12:00:00.000Z' },
        knownAt: { type: 'string', format: 'date-time', description: 'With `?knownAt=`: only what the store had recorded by then (recordedAt); absent without it', example: '2027-02-15T12:00:00.000Z' },
        status: {
          type: 'string',
          enum: ['not_enrolled', 'awaiting_mentor', 'active', 'paused', 'completed', 'withdrawn'],
          description: '`not_enrolled` when the student was not enrolled yet at that instant',
          example: 'active',
        },
        mentorId: { type: 'string', nullable: true, example: 'mentor-1' },
        revision: { type: 'integer', minimum: -1, description: 'Revision of the last event that had occurred by then (-1: none)', example: 3 },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};
