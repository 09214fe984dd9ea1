// Admin: rebuild a read model without downtime. The request is stored in the read store, and the
// process that runs the projection (this one in the embedded deployment, the projector otherwise)
// builds the next version beside the live one and switches when it has caught up.
import { Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags, ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@mentoring/event-store';
import { PROJECTION_NAMES, REBUILD_REQUESTS, RebuildRequestDoc, requestRebuild } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { CurrentActor } from '../../http/auth';
import { Problem } from '../../http/problem';
import { IdParam } from '../../shared/id-param';
import { CLOCK, Clock, READ_STORE } from '../../shared/tokens';
import { REBUILD_REQUEST_SCHEMA } from './rebuild-projection.schema';

const PROBLEM = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

export function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new Problem(403, 'role_not_allowed', 'Forbidden', 'Only admins operate the projections.');
}

@ApiTags('admin')
@Controller('admin/projections')
export class RebuildProjectionController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'RebuildProjection', summary: 'Rebuild a read model from the first event without downtime (admin); progress in GetProjections' })
  @ApiResponse({
    status: 202,
    description: 'Requested; follow it with GET /admin/projections',
    headers: { Location: { description: 'Where to follow the rebuild', schema: { type: 'string', example: '/admin/projections' } } },
    content: { 'application/json': { schema: REBUILD_REQUEST_SCHEMA } },
  })
  @ApiResponse({ status: 400, description: 'invalid_id: the name is not an id (application/problem+json)', content: PROBLEM })
  @ApiResponse({ status: 401, description: 'unauthenticated: missing or invalid bearer token (application/problem+json)', content: PROBLEM })
  @ApiResponse({ status: 403, description: 'role_not_allowed: only admins operate the projections (application/problem+json)', content: PROBLEM })
  @ApiResponse({ status: 404, description: 'projection_not_found: no projection of that name (application/problem+json)', content: PROBLEM })
  @ApiResponse({ status: 409, description: 'rebuild_in_progress: a rebuild of it is requested or running (application/problem+json)', content: PROBLEM })
  @ApiResponse({ status: 415, description: 'unsupported_media_type: a body, if any, is application/json (application/problem+json)', content: PROBLEM })
  async rebuild(@IdParam('name') name: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<RebuildRequestDoc> {
    assertAdmin(actor);
    if (!PROJECTION_NAMES.includes(name)) {
      throw new Problem(404, 'projection_not_found', 'Not Found', `No projection ${name}; known: ${PROJECTION_NAMES.join(', ')}.`);
    }
    const existing = await this.readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS).findOne({ _id: name });
    if (existing && (existing.state === 'requested' || existing.state === 'running')) {
      throw new Problem(409, 'rebuild_in_progress', 'Conflict', `A rebuild of ${name} is already ${existing.state}.`);
    }
    reply.header('location', '/admin/projections');
    return requestRebuild(this.readStore, name, this.clock.now());
  }
}
