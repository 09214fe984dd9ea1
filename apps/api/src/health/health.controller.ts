// Liveness and readiness in one answer: the event store's head and every projection's lag.
import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventStore, formatPosition } from '@mentoring/event-store';
import { ProjectionRunner } from '@mentoring/projections';
import { Public } from '../http/auth';
import { Problem } from '../http/problem';
import { EVENT_STORE, PROJECTION_RUNNER } from '../shared/tokens';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner | null,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ operationId: 'GetHealth', summary: 'Liveness, event-store head and projection lag' })
  async health(): Promise<Record<string, unknown>> {
    try {
      const head = await this.eventStore.headPosition();
      const projections = this.runner ? await this.runner.status() : [];
      return { status: 'ok', eventStore: { head: head ? formatPosition(head) : null }, projections };
    } catch (error) {
      throw new Problem(503, 'store_unavailable', 'Service Unavailable', error instanceof Error ? error.message : String(error));
    }
  }
}
