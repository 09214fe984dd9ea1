// Finishes, at start, an erasure that a stop or a crash interrupted. The erasure handlers record the erasure event
// first and destroy the person's key after it: a process that dies in between leaves an erasure recorded whose key
// still opens the person's data. At each start this reads the erasure events up to the head it finds (only those
// two types: the store skips the rest, ADR 0011), from where the previous start stopped, and runs the clean-up for
// every erased person whose key is still there. Erasures recorded after the start are the handlers' own.
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { comparePositions, ERASURE_EVENTS, EventStore, formatPosition, keySubject, KeyStore, parsePosition, Position, START } from '@mentoring/event-store';
import { Doc, ReadStore } from '@mentoring/read-store';
import { EVENT_STORE, KEY_STORE, READ_STORE } from '../../shared/tokens';
import { ErasureCleanup } from './erasure-cleanup';

/** Where the last pass stopped, in the read store (a document, not a subscriber's checkpoint). */
export const ERASURE_RECONCILER = '_erasure_reconciler';
/** The erasure events' types (the same table tells the encrypting store whose key an erasure destroys). */
const ERASURE_TYPES = new Set(Object.keys(ERASURE_EVENTS));

interface ReconcilerDoc extends Doc {
  _id: 'position';
  position: string;
}

@Injectable()
export class ErasureReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Erasure');
  private stopped = false;
  private pass: Promise<number> | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(KEY_STORE) private readonly keyStore: KeyStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly cleanup: ErasureCleanup,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: a start does not wait for it (the first pass over a large log on EventStoreDB reads it all).
    this.pass = this.finishInterrupted().catch((error) => {
      this.logger.warn(`interrupted erasures not checked at this start (${error instanceof Error ? error.message : String(error)}); the next start checks them`);
      return 0;
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.pass;
  }

  /** The pass of this start (tests wait for it): how many interrupted erasures it finished. */
  done(): Promise<number> {
    return this.pass ?? Promise.resolve(0);
  }

  /** Reads the erasure events after the stored position up to today's head; finishes those whose key remains. */
  async finishInterrupted(): Promise<number> {
    const head = await this.eventStore.headPosition();
    if (!head) return 0;
    const marks = this.readStore.collection<ReconcilerDoc>(ERASURE_RECONCILER);
    const stored = await marks.findOne({ _id: 'position' });
    let after: Position = stored ? parsePosition(stored.position) : START;
    let finished = 0;
    let seen = 0;
    const started = performance.now();
    while (!this.stopped && comparePositions(after, head) < 0) {
      // A turn of the event loop between two windows: on the embedded store a read is synchronous underneath, and the
      // first pass over a large log would otherwise hold the requests for its whole length.
      await new Promise((resolve) => setImmediate(resolve));
      const read = await this.eventStore.readAllFiltered({ after, eventTypes: ERASURE_TYPES, maxCount: 100, scanLimit: 5000 });
      if (read.scannedTo === null) break;
      for (const event of read.events) {
        if (comparePositions(event.position, head) > 0) break;
        const owner = ERASURE_EVENTS[event.type];
        const data = event.data as { studentId?: string; mentorId?: string };
        const id = owner === 'student' ? data.studentId : data.mentorId;
        if (!id) continue;
        seen += 1;
        if (await this.keyStore.isErased(keySubject(owner, id))) continue;
        // The name and e-mail are placeholders in the state by now: the person's mail is found by their id.
        await this.cleanup.erase({ owner, id, name: '', email: '' }, event.position);
        finished += 1;
        this.logger.warn(`finished the erasure of ${owner} ${id} recorded at ${formatPosition(event.position)}: the process that recorded it stopped before destroying the key`);
      }
      after = comparePositions(read.scannedTo, head) > 0 ? head : read.scannedTo;
      await marks.replaceOne({ _id: 'position' }, { _id: 'position', position: formatPosition(after) }, { upsert: true });
    }
    this.logger.log(`erasures recorded before this start checked: ${seen} since the previous start's pass, ${finished} finished (${Math.round(performance.now() - started)} ms)`);
    return finished;
  }
}
