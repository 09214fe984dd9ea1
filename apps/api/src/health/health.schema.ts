// The documented answers of GetHealth (GET /health): 200 (ok or degraded) and 503 (a store unreachable).
import type { SchemaObject } from '../shared/schema-object';

const SUBSCRIBER_PROPERTIES: Record<string, SchemaObject> = {
  name: { type: 'string', example: 'student-profiles' },
  running: { type: 'boolean', description: 'Subscribed in this process', example: true },
  checkpoint: { type: 'string', nullable: true, description: 'Position of the last committed event; null before the first', example: '42' },
  lag: { type: 'integer', minimum: 0, description: 'Events in the log after the checkpoint (0: caught up)', example: 0 },
  processedSinceStart: { type: 'integer', minimum: 0, description: 'Events delivered since the process started', example: 42 },
  lastError: { type: 'string', nullable: true, example: null },
  parked: { type: 'integer', minimum: 0, description: 'Events it parked, not resolved yet', example: 0 },
  lease: {
    type: 'object',
    description: 'Who runs the subscriber (its lease), until when, and whether it is this process',
    required: ['owner', 'expiresAt', 'fencingToken', 'held'],
    properties: {
      owner: { type: 'string', nullable: true, example: 'api-host-1:4242' },
      expiresAt: { type: 'string', nullable: true, example: '2027-03-01T08:00:30.000Z' },
      fencingToken: { type: 'integer', nullable: true, example: 1 },
      held: { type: 'boolean', example: true },
    },
    additionalProperties: false,
  },
};
const SUBSCRIBER_REQUIRED = Object.keys(SUBSCRIBER_PROPERTIES);

const PROJECTION_STATUS_SCHEMA: SchemaObject = { type: 'object', required: SUBSCRIBER_REQUIRED, properties: SUBSCRIBER_PROPERTIES, additionalProperties: false };

const REACTOR_STATUS_SCHEMA: SchemaObject = {
  type: 'object',
  required: [...SUBSCRIBER_REQUIRED, 'duePending', 'dueFailed'],
  properties: {
    ...SUBSCRIBER_PROPERTIES,
    name: { type: 'string', example: 'assignment-email' },
    duePending: { type: 'integer', minimum: 0, description: 'Due work waiting for its time', example: 0 },
    dueFailed: { type: 'integer', minimum: 0, description: 'Due work that failed for good (GET /admin/parked-events)', example: 0 },
  },
  additionalProperties: false,
};

/**
 * The 200 body of GetHealth: still 200 when `degraded` (parked events or failed due work wait for an
 * operator). `status` for anyone; the other members only with an admin token.
 */
export const HEALTH_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'Without an admin token: `status` only. With one: every member.',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'], description: '`degraded`: parked events or failed due work wait for an operator', example: 'ok' },
    eventStore: {
      type: 'object',
      required: ['head'],
      properties: { head: { type: 'string', nullable: true, description: 'The log’s last position; null when empty', example: '42' } },
      additionalProperties: false,
    },
    projections: { type: 'array', description: 'Every projection run by this process (empty when a projector runs them)', items: PROJECTION_STATUS_SCHEMA },
    reactors: { type: 'array', description: 'Every reactor run by this process', items: REACTOR_STATUS_SCHEMA },
    parkedEvents: {
      type: 'object',
      required: ['count', 'events'],
      properties: {
        count: { type: 'integer', minimum: 0, description: 'Every unresolved parked event', example: 0 },
        events: {
          type: 'array',
          description: 'The 20 most recently parked (errors: GET /admin/parked-events)',
          maxItems: 20,
          items: {
            type: 'object',
            required: ['id', 'subscriber', 'eventId', 'eventType', 'streamId', 'state', 'attempts', 'parkedAt'],
            properties: {
              id: { type: 'string', example: 'student-profiles:0f8fad5b-d9cb-469f-a165-70867728950e' },
              subscriber: { type: 'string', example: 'student-profiles' },
              eventId: { type: 'string', example: '0f8fad5b-d9cb-469f-a165-70867728950e' },
              eventType: { type: 'string', example: 'StudentEnrolled' },
              streamId: { type: 'string', example: 'student-student-1' },
              state: { type: 'string', enum: ['parked', 'retry_requested'], example: 'parked' },
              attempts: { type: 'integer', minimum: 0, example: 3 },
              parkedAt: { type: 'string', format: 'date-time', example: '2027-03-01T08:00:00.000Z' },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
    failedDueWork: {
      type: 'object',
      required: ['count', 'items'],
      properties: {
        count: { type: 'integer', minimum: 0, example: 0 },
        items: {
          type: 'array',
          description: 'The first 20, by due date',
          maxItems: 20,
          items: {
            type: 'object',
            required: ['id', 'reactor', 'kind', 'dueAt', 'attempts'],
            properties: {
              id: { type: 'string', example: 'weekly-rhythm:student-1:2027-W10' },
              reactor: { type: 'string', example: 'weekly-rhythm' },
              kind: { type: 'string', example: 'week_without_session' },
              dueAt: { type: 'string', format: 'date-time', example: '2027-03-08T00:00:00.000Z' },
              attempts: { type: 'integer', minimum: 0, example: 5 },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};
