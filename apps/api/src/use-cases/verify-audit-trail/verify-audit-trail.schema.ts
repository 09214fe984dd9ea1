// The documented answer of VerifyAuditTrail (GET /audit/verification): VerificationReport, field by field.
import type { SchemaObject } from '../../shared/schema-object';

const nullable = (type: 'string' | 'integer', description: string, example: string | number | null): SchemaObject => ({ type, nullable: true, description, example });

export const INTEGRITY_PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['kind', 'streamId', 'revision', 'eventId', 'position', 'detail'],
  properties: {
    kind: {
      type: 'string',
      enum: ['altered', 'inserted', 'missing', 'checkpoint_mismatch'],
      description: '`altered`: the stored hash does not match the content; `inserted`: does not chain to its stream’s previous event; `missing`: a revision gap, or an event a checkpoint covered is gone; `checkpoint_mismatch`: a checkpoint’s segment no longer hashes the same',
      example: 'altered',
    },
    streamId: nullable('string', 'The stream concerned', 'student-7d0c6f1e-8f7a-4c3b-9a61-2f4d1c9e5b10'),
    revision: nullable('integer', 'The event’s revision in its stream (the first missing one for a gap)', 2),
    eventId: nullable('string', 'The event’s id; null for a missing event', '0f8fad5b-d9cb-469f-a165-70867728950e'),
    position: nullable('string', 'The event’s log position (for a missing event: the next event’s, or the covering checkpoint’s end)', '42'),
    detail: { type: 'string', description: 'One readable line', example: 'student-…@2 (event 0f8f…, position 42): stored hash does not match the event’s content' },
  },
  additionalProperties: false,
};

export const VERIFICATION_REPORT_SCHEMA: SchemaObject = {
  type: 'object',
  required: [
    'intact', 'streamId', 'eventsVerified', 'streams', 'checkpoints', 'eventsAfterLastCheckpoint', 'legacyEvents',
    'firstProblem', 'problems', 'upToPosition', 'durationMs',
  ],
  properties: {
    intact: { type: 'boolean', description: 'True when nothing was found', example: true },
    streamId: nullable('string', 'The stream verified, or null for the whole log', null),
    eventsVerified: { type: 'integer', minimum: 0, example: 1204 },
    streams: { type: 'integer', minimum: 0, example: 310 },
    checkpoints: { type: 'integer', minimum: 0, description: 'Checkpoints over the global log recomputed (0 for one stream)', example: 1 },
    eventsAfterLastCheckpoint: { type: 'integer', minimum: 0, description: 'Events newer than the last checkpoint: covered by their stream’s chain only', example: 204 },
    legacyEvents: { type: 'integer', minimum: 0, description: 'Events stored before chaining existed (no integrity metadata): unchained (legacy), not counted as tampering', example: 0 },
    firstProblem: { ...INTEGRITY_PROBLEM_SCHEMA, nullable: true, description: 'The first problem in log order, or null' },
    problems: { type: 'array', items: INTEGRITY_PROBLEM_SCHEMA, description: 'Every problem found, in log order (at most 100)' },
    upToPosition: nullable('string', 'The last log position read; null for an empty log', '1204'),
    durationMs: { type: 'integer', minimum: 0, example: 35 },
  },
  additionalProperties: false,
};
