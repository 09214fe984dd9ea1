// Read your writes: a query given `?waitFor=<position>` (the X-Global-Position of a command's answer)
// waits, bounded, until the projections it reads have processed that position — and, first, until the
// reservations process has handled it, so that the slots a command frees (a withdrawal, a change of mentor,
// a cancellation: released by that process, docs/adr/0002) are free in what the query reads.
import { Inject, Injectable, Optional } from '@nestjs/common';
import { comparePositions, parsePosition, Position } from '@mentoring/event-store';
import { ProjectionRunner } from '@mentoring/projections';
import { RESERVATIONS, ReactorRunner } from '@mentoring/reactors';
import { ReadStore } from '@mentoring/read-store';
import { Problem } from '../http/problem';
import { EventStore } from '@mentoring/event-store';
import { EVENT_STORE, PROJECTION_RUNNER, REACTOR_RUNNER, READ_STORE } from './tokens';

export const WAIT_FOR_TIMEOUT_MS = 5000;
const POLL_MS = 20;

export function parseWaitFor(value: string | undefined): Position | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return parsePosition(value);
  } catch {
    throw new Problem(400, 'invalid_wait_for', 'Bad Request', 'waitFor must be a position returned by a command (X-Global-Position).');
  }
}

@Injectable()
export class ReadYourWrites {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner | null,
    @Optional() @Inject(REACTOR_RUNNER) private readonly reactors: ReactorRunner | null,
  ) {}

  /** Waits until `projections` have reached `position`; answers 504 problem when they do not in time. */
  async waitFor(position: Position | undefined, projections: readonly string[], timeoutMs = WAIT_FOR_TIMEOUT_MS): Promise<void> {
    if (!position) return;
    const deadline = Date.now() + timeoutMs;
    // The releases a command causes come after it in the log: once the process has handled the command,
    // they are stored, and the projections must reach the log's head of that moment.
    const processed = this.reactors
      ? await this.reactors.waitFor(position, timeoutMs, [RESERVATIONS])
      : (await this.readStore.getCheckpoint(RESERVATIONS)) === null || (await this.poll(position, [RESERVATIONS], timeoutMs));
    const target = processed ? ((await this.eventStore.headPosition()) ?? position) : position;
    const left = Math.max(0, deadline - Date.now());
    const reached =
      processed && (this.runner ? await this.runner.waitFor(target, left, projections) : await this.poll(target, projections, left));
    if (!reached) {
      throw new Problem(504, 'projection_not_caught_up', 'Gateway Timeout', `The read model has not reached position ${String(position.commit)} yet; retry.`);
    }
  }

  /** In the distributed deployment the projector is another process: watch its checkpoints. */
  private async poll(position: Position, projections: readonly string[], timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let all = true;
      for (const name of projections) {
        const checkpoint = await this.readStore.getCheckpoint(name);
        if (!checkpoint || comparePositions(parsePosition(checkpoint.position), position) < 0) all = false;
      }
      if (all) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
