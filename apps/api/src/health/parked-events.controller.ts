// Admin: poison events that a projection or reactor parked, due work that failed for good, and e-mails
// dead-lettered (refused for good, or not delivered within EMAIL_MAX_AGE_HOURS); retry them once the cause
// is fixed. The same lists are in /health. `npm run parked -- list|retry <id>`
// uses these routes when the API holds the embedded read store open. GET answers the three lists, each in the
// one envelope `{items, nextCursor}` (never paged: nextCursor is null).
import { Controller, Get, HttpCode, Inject, Optional, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { ParkedEventDoc, ProjectionRunner, findParkedEvent, listParkedEvents, requestParkedRetry } from '@mentoring/projections';
import { DueWorkDoc, MAIL_OUTBOX, MailOutboxDoc, ReactorRunner, listDeadLetters, listFailedDueWork, requeueDeadLetter, retryDueWork, DUE_WORK } from '@mentoring/reactors';
import { ReadStore } from '@mentoring/read-store';
import { CurrentActor } from '../http/auth';
import { Problem } from '../http/problem';
import { QueryEndpoint } from '../shared/api-docs';
import { CLOCK, Clock, PROJECTION_RUNNER, REACTOR_RUNNER, READ_STORE } from '../shared/tokens';
import { wholePage } from '../use-cases/read-side-support/keyset';
import { DeadLetterView, deadLetterView, dueWorkView, PARKED_EVENTS_SCHEMA, parkedEventView, ParkedEventsView, RETRIED_ITEM_SCHEMA } from './parked-events.schema';

const PARKED_ID = /^[A-Za-z0-9_:.-]{1,300}$/;
const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

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
  @ApiQuery({ name: 'all', required: false, description: 'true: resolved parked events too' })
  @QueryEndpoint(
    'ListParkedEvents',
    'Parked poison events, failed due work and dead-lettered e-mails (admin): `{parkedEvents: {items, nextCursor}, failedDueWork: {items, nextCursor}, deadLetters: {items, nextCursor}}`, never paged',
    {
      json: PARKED_EVENTS_SCHEMA,
      problems: { 403: 'role_not_allowed: only admins' },
      notFound: false,
    },
  )
  async list(@CurrentActor() actor: Actor, @Query('all') all?: string): Promise<ParkedEventsView> {
    assertAdmin(actor);
    const [parked, failed, dead] = await Promise.all([
      listParkedEvents(this.readStore, { includeResolved: all === 'true' }),
      listFailedDueWork(this.readStore),
      listDeadLetters(this.readStore),
    ]);
    return { parkedEvents: wholePage(parked.map(parkedEventView)), failedDueWork: wholePage(failed.map(dueWorkView)), deadLetters: wholePage(dead.map(deadLetterView)) };
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'RetryParkedEvent',
    summary: 'Apply a parked event again (or put failed due work back to pending, or send a dead-lettered e-mail again) (admin)',
    description:
      'When this process runs the subscriber, the event is applied at once and the answer says whether it is resolved; ' +
      'otherwise the retry is requested and the process that runs it (the projector) performs it within a second. ' +
      'A dead letter (its message key) is queued again with a fresh EMAIL_MAX_AGE_HOURS and, when this process runs the reactors, tried at once.',
  })
  @ApiResponse({ status: 200, description: 'The parked event or due work, in its state after the retry', content: { 'application/json': { schema: RETRIED_ITEM_SCHEMA } } })
  @ApiResponse({ status: 400, description: 'invalid_id (application/problem+json)', content: PROBLEM })
  @ApiResponse({ status: 401, description: 'Missing or invalid bearer token (application/problem+json)', content: PROBLEM })
  @ApiResponse({ status: 403, description: 'role_not_allowed: only admins (application/problem+json)', content: PROBLEM })
  @ApiResponse({ status: 404, description: 'parked_event_not_found: no parked event, due work or dead letter with this id (application/problem+json)', content: PROBLEM })
  @ApiResponse({ status: 409, description: 'ambiguous_id: the bare event id is parked by several subscribers (application/problem+json)', content: PROBLEM })
  async retry(
    @Param('id') id: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ kind: 'parked_event' | 'due_work' | 'dead_letter'; item: ParkedEventDoc | DueWorkDoc | DeadLetterView | null }> {
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
      return { kind: 'parked_event', item: parkedEventView(item!) };
    }
    const due = await this.readStore.collection<DueWorkDoc>(DUE_WORK).findOne({ _id: id });
    if (due) return { kind: 'due_work', item: dueWorkView((await retryDueWork(this.readStore, id))!) };
    const mail = await this.readStore.collection<MailOutboxDoc>(MAIL_OUTBOX).findOne({ _id: id });
    if (mail?.state === 'dead') {
      const after = this.reactors ? await this.reactors.deliverNow(id) : await requeueDeadLetter(this.readStore, id, this.clock.now());
      return { kind: 'dead_letter', item: after ? deadLetterView(after) : null };
    }
    throw new Problem(404, 'parked_event_not_found', 'Not Found', `No parked event, due work or dead letter ${id}.`);
  }
}
