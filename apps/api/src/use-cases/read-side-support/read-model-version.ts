// A query that reads what a projection keeps only from some version on (e.g. the buckets a version added) asks
// for the live version first. After an upgrade, the previous version's documents serve every other read until
// the rebuild switches (ADR 0006), but they lack those documents: the query would answer empty or "not found".
// It answers 503 `read_model_upgrading` (Retry-After: 60) meanwhile, so that a client retries instead of acting
// on a wrong answer.
import { PROJECTION_VERSIONS, ProjectionVersionDoc } from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import { Problem } from '../../http/problem';

export interface ReadModelRequirement {
  /** The projection's name (`_projection_versions` keys). */
  projection: string;
  /** The first version that keeps what the query reads. */
  since: number;
  /** The version the code builds, for the message. */
  current: number;
  /** What the client asked for, for the message: "the reports of one party". */
  what: string;
}

export async function requireReadModelVersion(store: ReadStore, need: ReadModelRequirement): Promise<void> {
  const live = await store.collection<ProjectionVersionDoc>(PROJECTION_VERSIONS).findOne({ _id: need.projection });
  // No record: a read store written before versions were recorded (version 1).
  const version = live?.version ?? 1;
  if (version >= need.since) return;
  throw new Problem(503, 'read_model_upgrading', 'Service Unavailable', `${need.what} are rebuilt for this version of the platform (${need.projection} version ${version} → ${need.current}); retry after Retry-After seconds.`);
}
