// The read-fold-decide-append glue as a Nest provider. The framework-free core lives in
// `@mentoring/application` (reactors use it outside the API); this wrapper injects the ports and
// turns a failed If-Match into the API's 412 problem.
import { Inject, Injectable } from '@nestjs/common';
import { EventSourcedStreams as StreamsCore } from '@mentoring/application';
import { EventStore } from '@mentoring/event-store';
import { Problem } from '../http/problem';
import { CLOCK, Clock, EVENT_STORE, ID_GENERATOR, IdGenerator } from './tokens';

export { MAX_CONFLICT_RETRIES, backoff, toDomainEvent } from '@mentoring/application';
export type { CommandOutcome, Loaded } from '@mentoring/application';

@Injectable()
export class EventSourcedStreams extends StreamsCore {
  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(CLOCK) clock: Clock, @Inject(ID_GENERATOR) ids: IdGenerator) {
    super(store, clock, ids);
  }

  protected override revisionMismatch(detail: string, currentRevision?: number): Error {
    return new Problem(412, 'revision_mismatch', 'Precondition Failed', detail, currentRevision === undefined ? {} : { currentRevision });
  }
}
