// Liveness and readiness in one answer. Anyone gets the status alone (`ok`, `degraded`); an admin token
// also gets the details: the event store's head, every projection's and reactor's lag and last error,
// and the poison events they parked (read from the read store, so the API shows them in the distributed
// deployment too, where the projector runs the subscribers). The details name streams (student ids) and
// carry the SMTP server's replies: never public.
import { Controller, Get, Headers, Inject, Optional } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EventStore, formatPosition } from '@mentoring/event-store';
import { ProjectionRunner, listParkedEvents } from '@mentoring/projections';
import { ReactorRunner, listFailedDueWork } from '@mentoring/reactors';
import { ReadStore } from '@mentoring/read-store';
import { Public, TOKEN_VERIFIER, TokenVerifier } from '../http/auth';
import { Problem } from '../http/problem';
import { HEALTH_SCHEMA } from './health.schema';
import { EVENT_STORE, PROJECTION_RUNNER, REACTOR_RUNNER, READ_STORE } from '../shared/tokens';

/** At most this many parked events are listed in /health (the count is always complete). Errors are for admins: GET /admin/parked-events. */
const LISTED = 20;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner | null,
    @Optional() @Inject(REACTOR_RUNNER) private readonly reactors: ReactorRunner | null,
    @Inject(TOKEN_VERIFIER) private readonly tokens: TokenVerifier,
  ) {}

  /** Whether the request carries a valid admin token (any other token, or none, sees the status only). */
  private async isAdmin(authorization: string | undefined): Promise<boolean> {
    if (!authorization) return false;
    try {
      return (await this.tokens.verify(authorization)).actor.role === 'admin';
    } catch {
      return false;
    }
  }

  @Get()
  @Public()
  // Not QueryEndpoint: /health is public (no bearer, no 401) and has no id (no 404).
  @ApiOperation({
    operationId: 'GetHealth',
    summary: 'Liveness: the status for anyone; with an admin bearer token also the event-store head, projection and reactor lag, parked events',
    security: [{}, { bearer: [] }],
  })
  @ApiResponse({ status: 200, description: 'The process serves: `ok`, or `degraded` when parked events or failed due work wait for an operator', content: { 'application/json': { schema: HEALTH_SCHEMA } } })
  @ApiResponse({
    status: 503,
    description: 'store_unavailable: a store is unreachable; retry after Retry-After seconds (application/problem+json)',
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', example: 2 } } },
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  })
  async health(@Headers('authorization') authorization?: string): Promise<Record<string, unknown>> {
    const details = await this.isAdmin(authorization);
    try {
      const head = await this.eventStore.headPosition();
      const projections = this.runner ? await this.runner.status() : [];
      const reactors = this.reactors ? await this.reactors.status() : [];
      const parked = await listParkedEvents(this.readStore);
      const failedDueWork = await listFailedDueWork(this.readStore);
      // Still 200 when degraded: the process serves; parked events and failed due work wait for an operator.
      const status = parked.length > 0 || failedDueWork.length > 0 ? 'degraded' : 'ok';
      if (!details) return { status };
      return {
        status,
        eventStore: { head: head ? formatPosition(head) : null },
        projections,
        reactors,
        parkedEvents: {
          count: parked.length,
          events: parked.slice(0, LISTED).map((p) => ({
            id: p._id,
            subscriber: p.subscriber,
            eventId: p.eventId,
            eventType: p.eventType,
            streamId: p.streamId,
            state: p.state,
            attempts: p.attempts,
            parkedAt: p.parkedAt,
          })),
        },
        failedDueWork: {
          count: failedDueWork.length,
          items: failedDueWork.slice(0, LISTED).map((d) => ({ id: d._id, reactor: d.reactor, kind: d.kind, dueAt: d.dueAt, attempts: d.attempts })),
        },
      };
    } catch (error) {
      // The cause (a host, a driver's message) only for an admin.
      const detail = details && error instanceof Error ? error.message : 'A store is unreachable.';
      throw new Problem(503, 'store_unavailable', 'Service Unavailable', detail);
    }
  }
}
