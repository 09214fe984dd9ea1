// Admin: poison events that a projection or reactor parked, and due work that failed for good; retry
// them once the cause is fixed. The same lists are in /health. `npm run parked -- list|retry <id>`
// uses these routes when the API holds the embedded read store open.
import { Controller, Get, HttpCode, Inject, Optional, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { ParkedEventDoc, ProjectionRunner, findParkedEvent, listParkedEvents, requestParkedRetry } from '@mentoring/projections';
import { DueWorkDoc, ReactorRunner, listFailedDueWork, retryDueWork, DUE_WORK } from '@mentoring/reactors';
import { ReadStore } from '@mentoring/read-store';
import { CurrentActor } from '../http/auth';
import { Problem } from '../http/problem';
import { CLOCK, Clock, PROJECTION_RUNNER, REACTOR_RUNNER, READ_STORE } from '../shared/tokens';

const PARKED_ID = /^[A-Za-z0-9_:.-]{1,300}$/;

function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new Problem(403, 'role_not_allowed', 'Forbidden', 'Only admins operate the projections and reactors.');
}

@ApiTags('admin')
@Controller('admin/parked-events')
export class ParkedEventsController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner | null,
    @Optional() @Inject(REACTOR_RUNNER) private readonly reactors: ReactorRunner | null,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiQuery({ name: 'all', required: false, description: 'true: resolved parked events too' })
  @ApiOperation({ operationId: 'ListParkedEvents', summary: 'Parked poison events and failed due work (admin)' })
  async list(@CurrentActor() actor: Actor, @Query('all') all?: string): Promise<{ parkedEvents: ParkedEventDoc[]; failedDueWork: DueWorkDoc[] }> {
    assertAdmin(actor);
    return { parkedEvents: await listParkedEvents(this.readStore, { includeResolved: all === 'true' }), failedDueWork: await listFailedDueWork(this.readStore) };
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'RetryParkedEvent',
    summary: 'Apply a parked event again (or put failed due work back to pending) (admin)',
    description:
      'When this process runs the subscriber, the event is applied at once and the answer says whether it is resolved; ' +
      'otherwise the retry is requested and the process that runs it (the projector) performs it within a second.',
  })
  async retry(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<{ kind: 'parked_event' | 'due_work'; item: ParkedEventDoc | DueWorkDoc }> {
    assertAdmin(actor);
    if (!PARKED_ID.test(id)) throw new Problem(400, 'invalid_id', 'Bad Request', 'id is a parked event id (<subscriber>:<eventId>), an event id, or a due-work id.');
    let parked: ParkedEventDoc | null;
    try {
      parked = await findParkedEvent(this.readStore, id);
    } catch (error) {
      throw new Problem(409, 'ambiguous_id', 'Conflict', error instanceof Error ? error.message : String(error));
    }
    if (parked) {
      const runner = [this.projections, this.reactors].find((r) => r?.subscribers.some((s) => s.name === parked!.subscriber));
      const item = runner ? await runner.retryParked(parked._id) : await requestParkedRetry(this.readStore, parked._id, this.clock.now());
      return { kind: 'parked_event', item: item! };
    }
    const due = await this.readStore.collection<DueWorkDoc>(DUE_WORK).findOne({ _id: id });
    if (due) return { kind: 'due_work', item: (await retryDueWork(this.readStore, id))! };
    throw new Problem(404, 'parked_event_not_found', 'Not Found', `No parked event or due work ${id}.`);
  }
}
