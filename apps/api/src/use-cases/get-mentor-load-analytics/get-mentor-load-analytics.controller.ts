import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { parseWaitFor } from '../../shared/read-your-writes';
import { csvReply, toCsv, wantsCsv } from '../../shared/csv';
import { GetMentorLoadAnalyticsQuery } from './get-mentor-load-analytics.query';
import { LoadBucket, MentorLoadView } from './mentor-load.read';
import { MENTOR_LOAD_SCHEMA } from './mentor-load.schema';

@ApiTags('analytics')
@Controller('analytics')
export class GetMentorLoadAnalyticsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('mentor-load')
  @QueryEndpoint(
    'GetMentorLoadAnalytics',
    'Distribution of mentors’ load (caseload / capacity): buckets, caseload sizes, mean, median, p90; `items` are the buckets (`nextCursor: null`: the whole table). No personal data (analysts, staff); JSON or CSV (the buckets)',
    { json: MENTOR_LOAD_SCHEMA, csv: true, upgrading: true, problems: { 403: 'role_not_allowed: only analysts and the mentorship team' }, notFound: false },
  )
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'csv also with Accept: text/csv' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  async get(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('accept') accept?: string,
    @Query('format') format?: string,
    @Query('waitFor') waitFor?: string,
  ): Promise<MentorLoadView | string> {
    const csv = wantsCsv(format, accept);
    const view: MentorLoadView = await this.queries.execute(new GetMentorLoadAnalyticsQuery(actor, parseWaitFor(waitFor)));
    return csv ? csvReply(reply, 'mentor-load.csv', toCsv<LoadBucket>([['bucket', (b) => b.bucket], ['mentors', (b) => b.mentors]], view.items)) : view;
  }
}
