// The 200 body of GetProjections: every projection with its runner status and its last rebuild request.
import type { ProjectionStatus, RebuildRequestDoc } from '@mentoring/projections';
import { boolean, integer, nullable, nullableInteger, nullableString, object, oneOfStrings, Schema, string, wholeList } from '../read-side-support/schema';

export type RebuildView = Pick<RebuildRequestDoc, '_id' | 'state' | 'requestedAt' | 'startedAt' | 'finishedAt' | 'done' | 'total' | 'error'>;

export interface ProjectionView {
  name: string;
  status: ProjectionStatus | null;
  rebuild: RebuildView | null;
}

const status = object(
  {
    name: string('student-profiles'),
    running: boolean(true),
    checkpoint: nullableString('42', 'Position of the last committed event; null before the first one'),
    lag: integer(0, 'Events in the log after the checkpoint (0 = caught up)'),
    processedSinceStart: integer(42, 'Events delivered since the process started'),
    lastError: nullableString(null),
    parked: integer(0, 'Events this projection parked that are not resolved yet'),
    lease: object(
      {
        owner: nullableString('api-host-1:1234'),
        expiresAt: nullableString('2027-03-04T09:00:10.000Z'),
        fencingToken: nullableInteger(3),
        held: boolean(true, 'Whether this process holds the lease (and runs the projection)'),
      },
      'Who runs the projection, until when',
    ),
  },
  'The runner’s status; null when this process does not run the projections',
);

const rebuild = object(
  {
    _id: string('student-profiles', 'The projection'),
    state: oneOfStrings(['requested', 'running', 'switched', 'failed'], 'switched'),
    requestedAt: string('2027-03-04T09:00:00.000Z'),
    startedAt: nullableString('2027-03-04T09:00:00.500Z'),
    finishedAt: nullableString('2027-03-04T09:00:02.000Z'),
    done: integer(1200, 'Events replayed so far'),
    total: integer(1200, 'Events to replay'),
    error: nullableString(null, 'Why a failed rebuild failed'),
  },
  'The last rebuild requested; null when none ever was',
);

export const PROJECTIONS_SCHEMA: Schema = wholeList(
  object({ name: string('student-profiles'), status: nullable(status), rebuild: nullable(rebuild) }),
  'Every projection, in a fixed order: all of them, never paged (nextCursor is always null)',
);
