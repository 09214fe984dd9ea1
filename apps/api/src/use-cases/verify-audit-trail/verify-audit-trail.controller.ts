import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor, VerificationReport } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { Problem } from '../../http/problem';
import { QueryEndpoint } from '../../shared/api-docs';
import { VerifyAuditTrailQuery } from './verify-audit-trail.query';
import { VERIFICATION_REPORT_SCHEMA } from './verify-audit-trail.schema';

const STREAM_ID = /^[A-Za-z0-9._:-]{1,200}$/;

@ApiTags('audit')
@Controller('audit')
export class VerifyAuditTrailController {
  constructor(private readonly queries: QueryBus) {}

  @Get('verification')
  @QueryEndpoint(
    'VerifyAuditTrail',
    'Recompute the tamper evidence of the event store (every stream’s hash chain and the checkpoints over the global log) and name the first altered, inserted or missing event (auditors, admins). Reads the whole log: seconds on a large store.',
    {
      json: VERIFICATION_REPORT_SCHEMA,
      problems: { 403: 'role_not_allowed: only auditors and admins verify the audit trail' },
      notFound: false,
    },
  )
  @ApiQuery({ name: 'streamId', required: false, description: 'Only this stream (e.g. `student-<id>`); the whole log when absent', schema: { type: 'string', pattern: STREAM_ID.source } })
  verify(@CurrentActor() actor: Actor, @Query('streamId') streamId?: string): Promise<VerificationReport> {
    if (streamId !== undefined && !STREAM_ID.test(streamId)) {
      throw new Problem(400, 'invalid_query', 'Bad Request', 'streamId must be 1–200 characters of A-Z a-z 0-9 . _ : -', { field: 'streamId' });
    }
    return this.queries.execute(new VerifyAuditTrailQuery(actor, streamId));
  }
}
