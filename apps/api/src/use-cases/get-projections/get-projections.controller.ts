// Admin: every projection's checkpoint, lag and last rebuild: `{items, nextCursor: null}`, all of them.
import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { PROJECTION_NAMES, ProjectionRunner, ProjectionStatus, REBUILD_REQUESTS, RebuildRequestDoc } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { Page, wholePage } from '../read-side-support/keyset';
import { PROJECTION_RUNNER, READ_STORE } from '../../shared/tokens';
import { assertAdmin } from '../rebuild-projection/rebuild-projection.controller';
import { PROJECTIONS_SCHEMA, ProjectionView, RebuildView } from './projections.schema';

@ApiTags('admin')
@Controller('admin/projections')
export class GetProjectionsController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner | null,
  ) {}

  @Get()
  @QueryEndpoint('GetProjections', 'Projections: checkpoint, lag (when run by this process) and rebuilds (admin), as `{items, nextCursor: null}` (all of them)', {
    json: PROJECTIONS_SCHEMA,
    problems: { 403: 'role_not_allowed: only admins' },
    notFound: false,
  })
  async list(@CurrentActor() actor: Actor): Promise<Page<ProjectionView>> {
    assertAdmin(actor);
    const statuses = this.runner ? await this.runner.status() : [];
    const rebuilds = await this.readStore.collection<RebuildRequestDoc>(REBUILD_REQUESTS).find({});
    return wholePage(
      PROJECTION_NAMES.map((name) => ({
        name,
        status: statusView(statuses.find((s) => s.name === name)),
        rebuild: rebuildView(rebuilds.find((r) => r._id === name)),
      })),
    );
  }
}

/** Exactly the documented fields (the runner's status and the stored request may carry more). */
function statusView(s: ProjectionStatus | undefined): ProjectionStatus | null {
  if (!s) return null;
  const { name, running, checkpoint, lag, processedSinceStart, lastError, parked, lease } = s;
  return { name, running, checkpoint, lag, processedSinceStart, lastError, parked, lease: { owner: lease.owner, expiresAt: lease.expiresAt, fencingToken: lease.fencingToken, held: lease.held } };
}

function rebuildView(r: RebuildRequestDoc | undefined): RebuildView | null {
  if (!r) return null;
  return { _id: r._id, state: r.state, requestedAt: r.requestedAt, startedAt: r.startedAt, finishedAt: r.finishedAt, done: r.done, total: r.total, error: r.error };
}
