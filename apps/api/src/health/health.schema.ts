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

/** The 200 body of GetLiveness (GET /health/live): the process answers; no store is read. */
export const LIVENESS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['live'], example: 'live' } },
  additionalProperties: false,
};

const READINESS_REASON_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: {
      type: 'string',
      enum: ['event_store_unreachable', 'event_store_unwritable', 'read_store_unwritable', 'disk_space_low', 'subscriber_stopped', 'subscriber_failing', 'subscriber_lagging'],
      example: 'subscriber_lagging',
    },
    message: { type: 'string', description: 'What is wrong, without personal data', example: 'The projection student-profiles is 5000 events behind the head, more than READY_MAX_LAG_EVENTS (1000).' },
  },
  additionalProperties: false,
};

/** The members an admin token adds to GetReadiness's answers (200 and 503 alike). */
const READINESS_DETAIL_PROPERTIES: Record<string, SchemaObject> = {
  checkedAt: { type: 'string', format: 'date-time', description: 'When the stores were last sampled (at most once a second)', example: '2027-03-01T08:00:00.000Z' },
  eventStore: {
    type: 'object',
    required: ['reachable', 'writable', 'head'],
    properties: {
      reachable: { type: 'boolean', example: true },
      writable: { type: 'boolean', nullable: true, description: 'SQLite: a write lock taken and released; null on EventStoreDB (not probed)', example: true },
      head: { type: 'string', nullable: true, example: '42' },
    },
    additionalProperties: false,
  },
  readStore: { type: 'object', required: ['writable'], properties: { writable: { type: 'boolean', example: true } }, additionalProperties: false },
  disk: {
    type: 'object',
    required: ['freeBytes', 'minFreeBytes'],
    properties: {
      freeBytes: { type: 'integer', nullable: true, minimum: 0, description: 'Free on the volume of DATA_DIR; null when not checked', example: 10737418240 },
      minFreeBytes: { type: 'integer', minimum: 0, description: 'READY_MIN_FREE_DISK_MB in bytes (0: not checked)', example: 104857600 },
    },
    additionalProperties: false,
  },
  maxLagEvents: { type: 'integer', minimum: 0, description: 'READY_MAX_LAG_EVENTS', example: 1000 },
  subscribers: {
    type: 'array',
    description: 'Every projection and reactor of this process',
    items: {
      type: 'object',
      required: ['name', 'kind', 'leaseHeld', 'running', 'lag', 'lastError'],
      properties: {
        name: { type: 'string', example: 'student-profiles' },
        kind: { type: 'string', enum: ['projection', 'reactor'], example: 'projection' },
        leaseHeld: { type: 'boolean', description: 'Run by this process', example: true },
        running: { type: 'boolean', example: true },
        lag: { type: 'integer', nullable: true, minimum: 0, description: 'Events behind the head; null when another process runs it', example: 0 },
        lastError: { type: 'string', nullable: true, example: null },
      },
      additionalProperties: false,
    },
  },
};

/** GetReadiness's 200: ready (`status` for anyone, the details with an admin token). */
export const READY_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'Without an admin token: `status` only. With one: the details too.',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ready'], example: 'ready' }, ...READINESS_DETAIL_PROPERTIES },
  additionalProperties: false,
};

/** GetReadiness's 503: not ready, with every reason (codes and sentences without personal data). */
export const UNREADY_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'Without an admin token: `status` and `reasons`. With one: the details too.',
  required: ['status', 'reasons'],
  properties: {
    status: { type: 'string', enum: ['unready'], example: 'unready' },
    reasons: { type: 'array', minItems: 1, items: READINESS_REASON_SCHEMA },
    ...READINESS_DETAIL_PROPERTIES,
  },
  additionalProperties: false,
};
