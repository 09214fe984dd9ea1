// GET /metrics: the process's Prometheus metrics (text exposition format) to an admin token. Without a
// token, on METRICS_PORT only (a separate listener for a scraper on a private network).
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Metrics } from '@mentoring/config';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../http/auth';
import { Problem } from '../http/problem';
import { STORE_UNAVAILABLE_RESPONSE } from '../shared/api-docs';

export const METRICS = Symbol('METRICS');

const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

@ApiTags('admin')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: Metrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({
    operationId: 'GetMetrics',
    summary: 'Prometheus metrics of this process (admin): HTTP durations, command refusals, appends, subscriber lag, parked events, e-mails, process',
  })
  @ApiBearerAuth()
  @ApiProduces('text/plain')
  @ApiResponse({
    status: 200,
    description: 'The Prometheus text exposition format (version 0.0.4)',
    content: { 'text/plain': { schema: { type: 'string', example: 'http_request_duration_seconds_count{operationId="EnrolStudent",method="POST",status="201"} 1' } } },
  })
  @ApiResponse({ status: 401, description: 'Missing or invalid bearer token (application/problem+json)', content: PROBLEM_CONTENT })
  @ApiResponse({ status: 403, description: 'role_not_allowed: only admins (application/problem+json)', content: PROBLEM_CONTENT })
  @ApiResponse({ status: 503, ...STORE_UNAVAILABLE_RESPONSE })
  async metricsText(@CurrentActor() actor: Actor): Promise<string> {
    if (actor.role !== 'admin') throw new Problem(403, 'role_not_allowed', 'Forbidden', 'Only admins read the metrics.');
    return this.metrics.render();
  }
}
