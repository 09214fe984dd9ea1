// Admin: every projection's checkpoint, lag and last rebuild.
import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, ProjectionStatus, REBUILD_REQUESTS, RebuildRequestDoc } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { CurrentActor } from '../../http/auth';
import { PROJECTION_RUNNER, READ_STORE } from '../../shared/tokens';
import { assertAdmin } from '../rebuild-projection/rebuild-projection.controller';

@ApiTags('admin')
@Controller('admin/projections')
export class GetProjectionsController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner | null,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'GetProjections', summary: 'Projections: checkpoint, lag (when run by this process) and rebuilds (admin)' })
  async list(@CurrentActor() actor: Actor): Promise<Array<{ name: string; status: ProjectionStatus | null; rebuild: RebuildRequestDoc | null }>> {
    assertAdmin(actor);
    const statuses = this.runner ? await this.runner.status() : [];
    const rebuilds = await this.readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS).find({});
    return ALL_PROJECTIONS.map((p) => ({
      name: p.name,
      status: statuses.find((s) => s.name === p.name) ?? null,
      rebuild: rebuilds.find((r) => r._id === p.name) ?? null,
    }));
  }
}
