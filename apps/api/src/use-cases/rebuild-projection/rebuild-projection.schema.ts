// The documented answer of RebuildProjection (POST /admin/projections/{name}/rebuild, 202): the stored request.
import type { SchemaObject } from '../../shared/schema-object';

/** The 202 body: the rebuild request as stored (RebuildRequestDoc), `requested` until the runner takes it. */
export const REBUILD_REQUEST_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'The rebuild request; follow its progress in GetProjections (`rebuild`)',
  required: ['_id', 'state', 'requestedAt', 'startedAt', 'finishedAt', 'done', 'total', 'error'],
  properties: {
    _id: { type: 'string', description: 'The projection’s name', example: 'student-profiles' },
    state: { type: 'string', enum: ['requested', 'running', 'switched', 'failed'], description: 'Always `requested` in this answer', example: 'requested' },
    requestedAt: { type: 'string', format: 'date-time', example: '2027-03-01T08:00:00.000Z' },
    startedAt: { type: 'string', format: 'date-time', nullable: true, description: 'null until the runner starts it', example: null },
    finishedAt: { type: 'string', format: 'date-time', nullable: true, description: 'null until it switched or failed', example: null },
    done: { type: 'integer', minimum: 0, description: 'Events replayed so far', example: 0 },
    total: { type: 'integer', minimum: 0, description: 'Events to replay (0 until started)', example: 0 },
    error: { type: 'string', nullable: true, description: 'Why it failed; null otherwise', example: null },
  },
  additionalProperties: false,
};
