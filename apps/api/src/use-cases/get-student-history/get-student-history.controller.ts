import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { Problem } from '../../http/problem';
import { SensitiveRead } from '../../http/sensitive-read.interceptor';
import { StudentAudit, studentAuditCsv } from '../../audit/student-audit';
import { STUDENT_AUDIT_SCHEMA } from '../../audit/student-audit.schema';
import { QueryEndpoint } from '../../shared/api-docs';
import { csvReply, wantsCsv } from '../../shared/csv';
import { IdParam } from '../../shared/id-param';
import { GetStudentHistoryQuery } from './get-student-history.query';

function parseInstant(value: string | undefined, field: 'asOf' | 'knownAt' = 'asOf'): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    const detail = `${field} must be an ISO-8601 instant, e.g. 2027-02-01T12:00:00Z.`;
    throw field === 'asOf' ? new Problem(400, 'invalid_as_of', 'Bad Request', detail, { field }) : new Problem(400, 'invalid_known_at', 'Bad Request', detail, { field });
  }
  return new Date(ms);
}

@ApiTags('audit')
@Controller('students')
export class GetStudentHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':studentId/history')
  @QueryEndpoint('GetStudentHistory', 'Replay a student’s assignments, sessions and attendance from the event store (auditors, staff)', {
    json: STUDENT_AUDIT_SCHEMA,
    csv: true,
    problems: { 403: 'role_not_allowed: only auditors and the mentorship team (staff, admin) replay a history' },
    notFound: 'student_not_found: no such student',
  })
  @SensitiveRead('audit_history')
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO instant: the mentor and the training state at that instant' })
  @ApiQuery({ name: 'knownAt', required: false, description: 'ISO instant: only what the event store had recorded by then (bitemporal: a correction recorded later does not show); with asOf, what was true at asOf as known at knownAt' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async history(
    @IdParam('studentId') studentId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('asOf') asOf?: string,
    @Query('format') format?: string,
    @Headers('accept') accept?: string,
    @Query('knownAt') knownAt?: string,
  ): Promise<StudentAudit | string> {
    // The reports' one rule (shared/csv.ts): ?format= wins over Accept; another format is 400 invalid_query.
    const csv = wantsCsv(format, accept);
    const audit = await this.queries.execute(new GetStudentHistoryQuery(studentId, actor, parseInstant(asOf), parseInstant(knownAt, 'knownAt')));
    if (csv) {
      return csvReply(reply, `student-${studentId}-history.csv`, studentAuditCsv(audit));
    }
    return audit;
  }
}
