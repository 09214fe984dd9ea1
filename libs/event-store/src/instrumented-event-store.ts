// Measures appends (latency, events per append, outcome) for the process's metrics, and passes everything
// else through. Wrapped around the configured store in the composition roots (the API's infrastructure
// module, the projector), outside the other decorators, so it times what a command handler waits for.
import { AppendResult, EventStore, ExpectedRevision, FilteredRead, NewEvent, ReadAllFilteredOptions, ReadAllOptions, ReadStreamOptions, RecordedEvent, SubscribeOptions, Subscription, Position, WrongExpectedRevisionError } from './event-store.port';

/** The metrics sink of appends (implemented by the process's Metrics). */
export interface AppendObserver {
  appended(durationSeconds: number, events: number, outcome: 'ok' | 'conflict' | 'error'): void;
}

export class InstrumentedEventStore implements EventStore {
  constructor(
    /** Public like the other decorators' (storedLayer and other walkers go through it). */
    readonly inner: EventStore,
    private readonly observer: AppendObserver,
  ) {}

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await this.inner.append(streamId, events, expected);
      this.observer.appended(seconds(), events.length, 'ok');
      return result;
    } catch (error) {
      this.observer.appended(seconds(), events.length, error instanceof WrongExpectedRevisionError ? 'conflict' : 'error');
      throw error;
    }
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  readAllFiltered(options: ReadAllFilteredOptions): Promise<FilteredRead> {
    return this.inner.readAllFiltered(options);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.inner.subscribeToAll(options);
  }

  headPosition(): Promise<Position | null> {
    return this.inner.headPosition();
  }

  countAfter(after?: Position): Promise<number> {
    return this.inner.countAfter(after);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
