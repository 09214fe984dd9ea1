// Health (issue 12). `/health/live`: the process answers, no store is touched (a liveness probe: restart when
// it fails). `/health/ready`: the stores reachable and writable, free disk, every projection and reactor of this
// process subscribed, not failing, and within READY_MAX_LAG_EVENTS of the head (a readiness probe: send no
// traffic while 503). `/health` (kept as it was): `ok` / `degraded` for anyone, the details for an admin.
// All three are computed from what the subscribers keep in memory and O(1) store operations (HealthMonitor,
// libs/reactors/src/health-monitor.ts): a call costs the same at 1k and 1M events. Details name streams and
// carry the SMTP server's replies: only with an admin token; the readiness reasons carry no personal data.
import { Controller, Get, Headers, Inject, OnModuleDestroy, Optional, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import * as path from 'node:path';
import { AppConfig } from '@mentoring/config';
import { EventStore, formatPosition } from '@mentoring/event-store';
import { ProjectionRunner, listParkedEvents, PARKED_EVENTS } from '@mentoring/projections';
import { DUE_WORK, DueWorkDoc, HealthMonitor, ReactorRunner } from '@mentoring/reactors';
import { ReadStore } from '@mentoring/read-store';
import { Public, TOKEN_VERIFIER, TokenVerifier } from '../http/auth';
import { Problem } from '../http/problem';
import { HEALTH_SCHEMA, LIVENESS_SCHEMA, READY_SCHEMA, UNREADY_SCHEMA } from './health.schema';
import { APP_CONFIG, EVENT_STORE, PROJECTION_RUNNER, REACTOR_RUNNER, READ_STORE } from '../shared/tokens';

/** At most this many parked events are listed in /health (the count is always complete). Errors are for admins: GET /admin/parked-events. */
const LISTED = 20;

@ApiTags('health')
@Controller('health')
export class HealthController implements OnModuleDestroy {
  readonly monitor: HealthMonitor;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Optional() @Inject(PROJECTION_RUNNER) runner: ProjectionRunner | null,
    @Optional() @Inject(REACTOR_RUNNER) reactors: ReactorRunner | null,
    @Inject(TOKEN_VERIFIER) private readonly tokens: TokenVerifier,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.monitor = new HealthMonitor(eventStore, readStore, { projections: runner, reactors }, {
      maxLagEvents: config.readyMaxLagEvents,
      minFreeDiskBytes: config.readyMinFreeDiskMb * 1024 * 1024,
      dataDir: config.dataDir,
      sqliteEventsFile: config.esdbConnectionString ? undefined : path.join(config.dataDir, 'events.sqlite'),
    });
  }

  onModuleDestroy(): void {
    this.monitor.close();
  }

  /** Whether the request carries a valid admin token (any other token, or none, sees the status only). */
  private async isAdmin(authorization: string | undefined): Promise<boolean> {
    if (!authorization) return false;
    try {
      return (await this.tokens.verify(authorization)).actor.role === 'admin';
    } catch {
      return false;
    }
  }

  @Get('live')
  @Public()
  @ApiOperation({
    operationId: 'GetLiveness',
    summary: 'Liveness: the process answers (no store is read). For a liveness probe or the image HEALTHCHECK.',
    security: [{}, { bearer: [] }],
  })
  @ApiResponse({ status: 200, description: 'The process answers', content: { 'application/json': { schema: LIVENESS_SCHEMA } } })
  live(): { status: 'live' } {
    return { status: 'live' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    operationId: 'GetReadiness',
    summary:
      'Readiness: stores reachable and writable, free disk, every projection and reactor of this process running and within READY_MAX_LAG_EVENTS; the reasons when not. With an admin bearer token also the details.',
    description:
      'Computed from the state the subscribers keep and store samples taken at most once a second: a call costs the same whatever the size of the log. 503 is plain JSON (a status, not an error of the request).',
    security: [{}, { bearer: [] }],
  })
  @ApiResponse({ status: 200, description: 'Ready: send traffic', content: { 'application/json': { schema: READY_SCHEMA } } })
  @ApiResponse({ status: 503, description: 'Not ready: send no traffic; `reasons` says why (codes stable, no personal data)', content: { 'application/json': { schema: UNREADY_SCHEMA } } })
  async ready(@Res({ passthrough: true }) reply: FastifyReply, @Headers('authorization') authorization?: string): Promise<Record<string, unknown>> {
    const details = await this.isAdmin(authorization);
    const { ready, reasons, ...rest } = await this.monitor.readiness();
    if (!ready) reply.status(503);
    const body: Record<string, unknown> = ready ? { status: 'ready' } : { status: 'unready', reasons };
    return details ? { ...body, ...rest } : body;
  }

  @Get()
  @Public()
  // Not QueryEndpoint: /health is public (no bearer, no 401) and has no id (no 404).
  @ApiOperation({
    operationId: 'GetHealth',
    summary: 'The status for anyone; with an admin bearer token also the event-store head, projection and reactor lag, parked events. Probes: /health/live and /health/ready',
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
      // O(1) on both stores (SQLite: MAX of the primary key; EventStoreDB: the last page read backwards).
      const head = await this.eventStore.headPosition();
      // Still 200 when degraded: the process serves; parked events and failed due work wait for an operator.
      const status = (await this.monitor.degraded()) ? 'degraded' : 'ok';
      if (!details) return { status };
      // The lag from the runners' checkpoints against the head: no count of the log.
      const { projections, reactors } = await this.monitor.subscriberDetails(head);
      const parked = await listParkedEvents(this.readStore, { limit: LISTED });
      const parkedCount = projections.concat(reactors).reduce((n, s) => n + s.parked, 0) || (await this.readStore.collection(PARKED_EVENTS).countDocuments({ state: { $ne: 'resolved' } }));
      const failed = this.readStore.collection<DueWorkDoc>(DUE_WORK);
      const failedDueWork = await failed.find({ state: 'failed' }, { sort: { dueAt: 1 }, limit: LISTED });
      return {
        status,
        eventStore: { head: head ? formatPosition(head) : null },
        projections,
        reactors,
        parkedEvents: {
          count: parkedCount,
          events: parked.map((p) => ({
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
          count: failedDueWork.length < LISTED ? failedDueWork.length : await failed.countDocuments({ state: 'failed' }),
          items: failedDueWork.map((d) => ({ id: d._id, reactor: d.reactor, kind: d.kind, dueAt: d.dueAt, attempts: d.attempts })),
        },
      };
    } catch (error) {
      // The cause (a host, a driver's message) only for an admin.
      const detail = details && error instanceof Error ? error.message : 'A store is unreachable.';
      throw new Problem(503, 'store_unavailable', 'Service Unavailable', detail);
    }
  }
}
