// The delivery loop shared by the adapters' `subscribeToAll`: one batch at a time, the next only once the
// handler's promise has resolved, never an event at or before one already delivered.
import {
  comparePositions,
  START,
  type Position,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './event-store.port';

/** Where a subscription's batches come from (an adapter's catch-up + live reader). */
export interface BatchSource {
  /** Next non-empty batch in `$all` order; `null` once interrupted. Rejects on a store error. */
  next(): Promise<RecordedEvent[] | null>;
  /** Makes a pending or future `next()` resolve `null` and releases resources. Idempotent. */
  interrupt(): Promise<void> | void;
}


/** Runs `source` into `options.onEvents` until stopped or failed. */
export function runSubscription(source: BatchSource, options: SubscribeOptions): Subscription {
  let stopped = false;
  let failed = false;
  let lastDelivered: Position = options.after ?? START;

  const fail = (error: unknown): void => {
    if (failed) return;
    failed = true;
    try {
      options.onError?.(error);
    } catch {
      // An onError that throws must not turn into an unhandled rejection.
    }
  };

  const subscription: Subscription = {
    // Called from inside the handler, awaiting stop() would wait for itself: such a caller must not
    // await it. (No AsyncLocalStorage to detect that: it installs promise hooks that slow down every
    // promise in the process.)
    async stop() {
      stopped = true;
      await source.interrupt();
      await loop;
    },
  };

  const loop = (async () => {
    try {
      while (!stopped) {
        let batch: RecordedEvent[] | null;
        try {
          batch = await source.next();
        } catch (error) {
          // A read failing because we are shutting down is not worth reporting.
          if (!stopped) fail(error);
          return;
        }
        if (batch === null || stopped) return;
        // Belt and braces against a source re-delivering around its checkpoint.
        const fresh = batch.filter((e) => comparePositions(e.position, lastDelivered) > 0);
        if (fresh.length === 0) {
          // Yield, so that a source stuck on old events cannot starve the event loop.
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        try {
          await options.onEvents(fresh);
        } catch (error) {
          fail(error);
          return;
        }
        lastDelivered = fresh[fresh.length - 1].position;
      }
    } finally {
      stopped = true;
      await Promise.resolve(source.interrupt()).catch(() => undefined);
    }
  })();

  return subscription;
}
