import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { parseWaitFor } from '../../shared/read-your-writes';
import type { Page } from '../read-side-support/keyset';
import { GetAccessLogQueryDto } from './get-access-log.dto';
import type { AccessLogEntry } from './get-access-log.handler';
import { GetAccessLogQuery } from './get-access-log.query';
import { ACCESS_LOG_PAGE_SCHEMA } from './get-access-log.schema';

@ApiTags('audit')
@Controller('audit')
export class GetAccessLogController {
  constructor(private readonly queries: QueryBus) {}

  @Get('access-log')
  @QueryEndpoint(
    'GetAccessLog',
    'Who read which student’s sensitive data (record, disability, audit history, CSV exports), when, why (X-Purpose), granted or refused; newest first, a page at a time (auditors, admins)',
    {
      json: ACCESS_LOG_PAGE_SCHEMA,
      problems: { 403: 'role_not_allowed: only auditors and admins read the access log' },
      notFound: false,
    },
  )
  list(@CurrentActor() actor: Actor, @Query() query: GetAccessLogQueryDto): Promise<Page<AccessLogEntry>> {
    const { waitFor, ...params } = query;
    return this.queries.execute(new GetAccessLogQuery(actor, params, parseWaitFor(waitFor)));
  }
}
