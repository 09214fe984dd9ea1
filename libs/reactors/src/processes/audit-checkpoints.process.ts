// The audit checkpoints process (issue 11, part 2): runs with the reactors (in the API process in the embedded
// deployment, in the projector in the distributed one) and, at every scheduler tick (REACTOR_TICK_SECONDS),
// appends `AuditCheckpointRecorded` to `audit-checkpoints` for every 1,000 events of `$all` not yet covered,
// and for a partial segment once it is 10 minutes old (AuditCheckpointer, libs/event-store/src/integrity).
// It reacts to no event: its work is one item of due work, rescheduled after each run, and its state is the
// checkpoint stream itself, so a restart, a takeover by another process, or two processes at once lose and
// duplicate nothing (the checkpointer appends with the stream's expected revision).
import { AuditCheckpointer, type AuditCheckpointerOptions } from '@mentoring/event-store';
import type { ReadStore } from '@mentoring/read-store';
import { DUE_WORK, dueWorkId, type DueWorkDoc } from '../due-work';
import type { Reactor } from '../reactor';
import type { ReactorDeps } from '../reactors/shared';

export const AUDIT_CHECKPOINTS = 'audit-checkpoints';
const RUN_KEY = 'periodic';

export type AuditCheckpointsOptions = AuditCheckpointerOptions;

export function auditCheckpointsProcess(deps: Pick<ReactorDeps, 'eventStore'>, options: AuditCheckpointsOptions = {}): Reactor {
  const checkpointer = new AuditCheckpointer(deps.eventStore, options);
  return {
    name: AUDIT_CHECKPOINTS,
    eventTypes: new Set<string>(),
    async setup(store: ReadStore) {
      const due = store.collection<DueWorkDoc>(DUE_WORK);
      const id = dueWorkId(AUDIT_CHECKPOINTS, RUN_KEY);
      if (await due.findOne({ _id: id })) return;
      const at = new Date(0).toISOString();
      await due.replaceOne(
        { _id: id },
        {
          _id: id, reactor: AUDIT_CHECKPOINTS, kind: 'checkpoint', dueAt: at, state: 'pending', data: {},
          causationId: AUDIT_CHECKPOINTS, correlationId: AUDIT_CHECKPOINTS, scheduledAt: at,
          attempts: 0, lastError: null, doneAt: null, outcome: null,
        },
        { upsert: true },
      );
    },
    async react() {
      // No event of its own: see perform.
    },
    async perform(_work, ctx) {
      const now = ctx.now();
      const { recorded, uncovered } = await checkpointer.run(now);
      // Due again at the next tick (strictly after this one's instant, so one tick runs it once).
      return { outcome: `${recorded} checkpoint(s), ${uncovered} event(s) uncovered`, reschedule: { dueAt: new Date(now.getTime() + 1).toISOString(), data: {} } };
    },
  };
}
