// What the process's metrics read from the subscribers and the mailer, wired in the composition roots
// (the API's infrastructure module, the projector):
// - the e-mail counters' sink: a Mailer that reports each send's outcome (sent; deferred: a failure a retry
//   may cure, TransientError; failed: refused for good);
// - the subscriber gauges, read on each scrape from cheap state: each checkpoint (one document), the lag
//   after it (an indexed count on SQLite), parked events (the unresolved ones only) and the leases. Not the
//   runners' status(): the reactors' adds a scan of the due work.
import type { EventStore } from '@mentoring/event-store';
import { parsePosition, START } from '@mentoring/event-store';
import { countParkedEvents, ProjectionRunner, TransientError } from '@mentoring/projections';
import type { ReadStore } from '@mentoring/read-store';
import type { Mailer } from './mailer';
import type { ReactorRunner } from './reactor-runner';

/** Implemented by the process's Metrics (`metrics.mail`). */
export interface MailMetrics {
  sent(): void;
  deferred(): void;
  failed(): void;
}

export function instrumentMailer(mailer: Mailer, metrics: MailMetrics): Mailer {
  // Everything but send() is the mailer's own (through the prototype), whatever the port grows.
  const instrumented: Mailer = Object.create(mailer);
  Object.defineProperty(instrumented, 'send', {
    value: async (mail: Parameters<Mailer['send']>[0]) => {
      try {
        const sent = await mailer.send(mail);
        metrics.sent();
        return sent;
      } catch (error) {
        if (error instanceof TransientError) metrics.deferred();
        else metrics.failed();
        throw error;
      }
    },
  });
  // A message given up without a refusal (older than EMAIL_MAX_AGE_HOURS): failed too.
  Object.defineProperty(instrumented, 'deadLettered', {
    value: () => {
      metrics.failed();
      mailer.deadLettered?.();
    },
  });
  return instrumented;
}

/** One sample per subscriber of these runners, in the shape of the config lib's SubscriberSample. */
export async function sampleSubscribers(
  eventStore: EventStore,
  readStore: ReadStore,
  runners: { projections?: ProjectionRunner | null; reactors?: ReactorRunner | null },
): Promise<Array<{ name: string; kind: 'projection' | 'reactor'; lag: number; parked: number; leaseHeld: boolean; leaseExpiresAt: string | null }>> {
  const parked = await countParkedEvents(readStore);
  const out = [];
  for (const [kind, runner, names] of [
    ['projection', runners.projections, runners.projections?.projections.map((p) => p.name) ?? []],
    ['reactor', runners.reactors, runners.reactors?.reactors.map((r) => r.name) ?? []],
  ] as const) {
    if (!runner) continue;
    const leases = await runner.leases.states();
    for (const name of names) {
      const stored = await readStore.getCheckpoint(name);
      out.push({
        name,
        kind,
        lag: await eventStore.countAfter(stored ? parsePosition(stored.position) : START),
        parked: parked[name] ?? 0,
        leaseHeld: leases.get(name)?.held ?? false,
        leaseExpiresAt: leases.get(name)?.expiresAt ?? null,
      });
    }
  }
  return out;
}
