// Verification of the tamper evidence (issue 11, part 2): recomputes every stream's chain and the global
// checkpoints from the STORED events (below any decorator), reading `$all` in batches, and names what it finds:
// - `altered`: an event whose recomputed hash is not its stored hash (data, metadata, type… changed);
// - `inserted`: an event that does not chain to its stream's previous event (a forged or copied event, an
//   unchained event in a chained stream, a revision seen twice);
// - `missing`: a revision gap in a stream, or an event a checkpoint covered that is gone (a stream's last
//   event, a whole stream: named by the checkpoint's `heads`);
// - `checkpoint_mismatch`: a checkpoint whose segment no longer hashes the same, with no better name.
// Events stored before chaining existed (no integrity metadata at the start of a stream) are counted as
// `legacyEvents` ("unchained (legacy)"), not as tampering.
import {
  formatPosition,
  parsePosition,
  comparePositions,
  START,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '../event-store.port';
import { GENESIS_HASH, chainHash, integrityOf, legacyHash } from './canonical';
import { storedLayer } from './chained-event-store';
import { AUDIT_CHECKPOINT_STREAM, checkpointHash, readCheckpoints, type AuditCheckpointRecorded } from './checkpoints';

export type IntegrityProblemKind = 'altered' | 'inserted' | 'missing' | 'checkpoint_mismatch';

export interface IntegrityProblem {
  kind: IntegrityProblemKind;
  streamId: string | null;
  revision: number | null;
  /** The event's id; null for a missing event (its id is gone with it). */
  eventId: string | null;
  /** The event's position; for a missing event, the position of the event found in its place or the covering checkpoint's end. */
  position: string | null;
  detail: string;
}

export interface VerificationReport {
  intact: boolean;
  /** The stream verified, or null for the whole log. */
  streamId: string | null;
  eventsVerified: number;
  streams: number;
  /** Checkpoints recomputed. */
  checkpoints: number;
  /** Events after the last checkpoint (covered by their stream's chain only). */
  eventsAfterLastCheckpoint: number;
  /** Events stored before chaining (no integrity metadata): reported, not counted as tampering. */
  legacyEvents: number;
  firstProblem: IntegrityProblem | null;
  /** Every problem found, in log order, at most `maxProblems`. */
  problems: IntegrityProblem[];
  /** The last position read, or null for an empty log. */
  upToPosition: string | null;
  durationMs: number;
}

export interface VerifyOptions {
  /** Only this stream's chain (and the checkpoints' record of its last revision). */
  streamId?: string;
  batchSize?: number;
  maxProblems?: number;
}

interface StreamState {
  revision: number;
  hash: string;
  chained: boolean;
}

type Checkpoint = RecordedEvent<string, AuditCheckpointRecorded>;

export async function verifyAuditTrail(store: EventStore, options: VerifyOptions = {}): Promise<VerificationReport> {
  const started = performance.now();
  const stored = storedLayer(store);
  const maxProblems = options.maxProblems ?? 100;
  const problems: IntegrityProblem[] = [];
  const report = (p: IntegrityProblem) => {
    if (problems.length < maxProblems) problems.push(p);
  };
  const states = new Map<string, StreamState>();
  let legacy = 0;
  let verified = 0;
  let lastPosition: Position | null = null;

  const checkEvent = (event: RecordedEvent) => {
    verified++;
    lastPosition = event.position;
    const position = formatPosition(event.position);
    const at = { streamId: event.streamId, revision: event.revision, eventId: event.eventId, position };
    const state = states.get(event.streamId) ?? { revision: -1, hash: GENESIS_HASH, chained: false };
    const integrity = integrityOf(event);
    let linked = true;
    if (event.revision > state.revision + 1) {
      linked = false;
      const first = state.revision + 1;
      const gap = event.revision - first;
      report({
        kind: 'missing', streamId: event.streamId, revision: first, eventId: null, position,
        detail: `${event.streamId}: revision${gap > 1 ? `s ${first}–${event.revision - 1}` : ` ${first}`} missing before revision ${event.revision} (event ${event.eventId} at position ${position})`,
      });
    } else if (event.revision <= state.revision) {
      linked = false;
      report({ ...at, kind: 'inserted', detail: `${event.streamId}@${event.revision} (event ${event.eventId}, position ${position}): revision ${event.revision} appears again after revision ${state.revision}` });
    }
    if (integrity) {
      // Linkage first: a forged event carrying another event's integrity metadata is an insertion; an event
      // still linked to its predecessor whose content no longer hashes as stored was altered.
      if (linked && integrity.prev !== state.hash) {
        report({ ...at, kind: 'inserted', detail: `${event.streamId}@${event.revision} (event ${event.eventId}, position ${position}): does not chain to the stream's previous event` });
      } else if (chainHash(integrity.prev, event) !== integrity.hash) {
        report({ ...at, kind: 'altered', detail: `${event.streamId}@${event.revision} (event ${event.eventId}, position ${position}): stored hash does not match the event's content` });
      }
      states.set(event.streamId, { revision: event.revision, hash: integrity.hash, chained: true });
    } else {
      if (state.chained) {
        report({ ...at, kind: 'inserted', detail: `${event.streamId}@${event.revision} (event ${event.eventId}, position ${position}): an unchained event after chained events` });
      } else {
        legacy++;
      }
      states.set(event.streamId, { revision: event.revision, hash: legacyHash(event), chained: state.chained });
    }
  };

  const checkpoints = await readCheckpoints(store);
  let checkpointsVerified = 0;
  let afterLastCheckpoint = 0;

  if (options.streamId !== undefined) {
    const events = await stored.readStream(options.streamId);
    for (const event of events) checkEvent(event);
    // A stream's last events deleted: the checkpoints remember how far the stream went.
    const state = states.get(options.streamId);
    const last = state ? state.revision : -1;
    let recorded: { revision: number; checkpoint: Checkpoint } | null = null;
    for (const cp of checkpoints) {
      const revision = cp.data.heads?.[options.streamId];
      if (typeof revision === 'number' && (!recorded || revision > recorded.revision)) recorded = { revision, checkpoint: cp };
    }
    if (recorded && recorded.revision > last) {
      report({
        kind: 'missing', streamId: options.streamId, revision: last + 1, eventId: null, position: recorded.checkpoint.data.upToPosition,
        detail: `${options.streamId}: revision${recorded.revision > last + 1 ? `s ${last + 1}–${recorded.revision}` : ` ${last + 1}`} missing: checkpoint ${recorded.checkpoint.revision} (up to position ${recorded.checkpoint.data.upToPosition}) recorded the stream at revision ${recorded.revision}`,
      });
    }
  } else {
    let next = 0;
    let leaves: string[] = [];
    let seen = new Map<string, number>();
    let prevCheckpointHash = GENESIS_HASH;
    const closeCheckpoint = (cp: Checkpoint) => {
      checkpointsVerified++;
      const { data } = cp;
      const where = `checkpoint ${cp.revision} (${AUDIT_CHECKPOINT_STREAM}@${cp.revision}, positions ${data.fromPosition ?? 'start'}–${data.upToPosition})`;
      if (data.prevHash !== prevCheckpointHash) {
        report({ kind: 'checkpoint_mismatch', streamId: AUDIT_CHECKPOINT_STREAM, revision: cp.revision, eventId: cp.eventId, position: formatPosition(cp.position), detail: `${where}: does not follow the previous checkpoint` });
      } else if (checkpointHash(data.prevHash, leaves) !== data.hash || leaves.length !== data.eventCount) {
        const named = namedByHeads(data, seen);
        for (const p of named) report(p);
        if (named.length === 0) {
          report({
            kind: 'checkpoint_mismatch', streamId: null, revision: null, eventId: null, position: data.upToPosition,
            detail: `${where}: the ${leaves.length} events now in the segment do not hash as the ${data.eventCount} recorded`,
          });
        }
      }
      prevCheckpointHash = data.hash;
      leaves = [];
      seen = new Map();
    };
    let after: Position = START;
    for (;;) {
      const batch = await stored.readAll({ after, maxCount: options.batchSize ?? 1000 });
      if (batch.length === 0) break;
      for (const event of batch) {
        while (next < checkpoints.length && comparePositions(event.position, parsePosition(checkpoints[next].data.upToPosition)) > 0) closeCheckpoint(checkpoints[next++]);
        checkEvent(event);
        leaves.push(integrityOf(event)?.hash ?? legacyHash(event));
        seen.set(event.streamId, event.revision);
      }
      after = batch[batch.length - 1].position;
    }
    afterLastCheckpoint = next >= checkpoints.length ? leaves.length : 0;
    while (next < checkpoints.length) closeCheckpoint(checkpoints[next++]);
  }

  return {
    intact: problems.length === 0,
    streamId: options.streamId ?? null,
    eventsVerified: verified,
    streams: states.size,
    checkpoints: checkpointsVerified,
    eventsAfterLastCheckpoint: afterLastCheckpoint,
    legacyEvents: legacy,
    firstProblem: problems[0] ?? null,
    problems,
    upToPosition: lastPosition ? formatPosition(lastPosition) : null,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The events a checkpoint covered that are not in its segment any more, named by the streams' recorded heads. */
function namedByHeads(data: AuditCheckpointRecorded, seen: Map<string, number>): IntegrityProblem[] {
  const found: IntegrityProblem[] = [];
  for (const [streamId, revision] of Object.entries(data.heads ?? {})) {
    const now = seen.get(streamId);
    if (now === undefined || now < revision) {
      found.push({
        kind: 'missing', streamId, revision, eventId: null, position: data.upToPosition,
        detail: `${streamId}@${revision}: missing; the checkpoint up to position ${data.upToPosition} covered it (the stream now ${now === undefined ? 'has no event in that segment' : `ends the segment at revision ${now}`})`,
      });
    }
  }
  return found;
}

/** One line per finding, and a summary line: what the CLI prints. */
export function formatVerificationReport(report: VerificationReport): string {
  const lines: string[] = [];
  for (const p of report.problems) lines.push(`${p.kind.toUpperCase()}: ${p.detail}${p.eventId && !p.detail.includes(p.eventId) ? ` [event ${p.eventId}]` : ''}`);
  if (report.legacyEvents > 0) lines.push(`note: ${report.legacyEvents} unchained (legacy) event(s), stored before chaining; covered by the checkpoints only`);
  const scope = report.streamId === null ? 'the whole log' : `stream ${report.streamId}`;
  lines.push(
    `${report.intact ? 'intact' : 'NOT INTACT'}: ${scope}: ${report.eventsVerified} events verified, ${report.streams} streams, ${report.checkpoints} checkpoints` +
      (report.streamId === null ? ` (${report.eventsAfterLastCheckpoint} events after the last one)` : '') +
      `, ${report.problems.length} problem(s), ${report.durationMs} ms`,
  );
  return `${lines.join('\n')}\n`;
}
