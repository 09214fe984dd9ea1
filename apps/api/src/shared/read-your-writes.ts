// Read your writes: a query given `?waitFor=<position>` (the X-Global-Position of a command's answer)
// waits, bounded, until the projections it reads have processed that position.
import { Inject, Injectable, Optional } from '@nestjs/common';
import { comparePositions, parsePosition, Position } from '@mentoring/event-store';
import { ProjectionRunner } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { Problem } from '../http/problem';
import { PROJECTION_RUNNER, READ_STORE } from './tokens';

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
    @Optional() @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner | null,
  ) {}

  /** Waits until `projections` have reached `position`; answers 504 problem when they do not in time. */
  async waitFor(position: Position | undefined, projections: readonly string[], timeoutMs = WAIT_FOR_TIMEOUT_MS): Promise<void> {
    if (!position) return;
    const reached = this.runner ? await this.runner.waitFor(position, timeoutMs, projections) : await this.poll(position, projections, timeoutMs);
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
