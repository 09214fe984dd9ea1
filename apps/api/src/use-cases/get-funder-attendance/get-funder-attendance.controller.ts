import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { SensitiveRead } from '../../http/sensitive-read.interceptor';
import { QueryEndpoint } from '../../shared/api-docs';
import { IdParam } from '../../shared/id-param';
import { parseWaitFor } from '../../shared/read-your-writes';
import { csvReply, wantsCsv } from '../../shared/csv';
import { idParam } from '../read-side-support/params';
import { partyPageParams, PartyPageQueries } from '../read-side-support/party-page';
import { FunderAttendanceView } from './funder-attendance.read';
import { FUNDER_ATTENDANCE_SCHEMA } from './funder-attendance.schema';
import { GetFunderAttendanceQuery } from './get-funder-attendance.query';

@ApiTags('oversight')
@Controller('funders')
export class GetFunderAttendanceController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':funderId/attendance')
  @QueryEndpoint(
    'GetFunderAttendance',
    'R4: attendance per student and per cohort of the students a funder funds (the funder itself, staff, auditors). JSON: `totals` and `cohorts` over all of them, `students` a page by cohort then normalised name then id (pass `students.nextCursor` back as cursor); CSV: every student',
    {
      json: FUNDER_ATTENDANCE_SCHEMA,
      csv: true,
      upgrading: true,
      problems: { 403: 'role_not_allowed: only funders, staff and auditors' },
      notFound: 'funder_not_found: the funder funds nobody, or it is another funder',
    },
  )
  @SensitiveRead('csv_export', { subject: 'funderId', csvOnly: true })
  @ApiQuery({ name: 'cohort', required: false, description: 'Only this cohort' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'csv: one line per student, all of them (also with Accept: text/csv)' })
  @PartyPageQueries('Students', ' (JSON; the CSV has every student)')
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  async get(
    @IdParam('funderId') funderId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('accept') accept?: string,
    @Query('cohort') cohort?: string,
    @Query('format') format?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('waitFor') waitFor?: string,
  ): Promise<FunderAttendanceView | string> {
    const csv = wantsCsv(format, accept);
    const page = partyPageParams(limit, cursor);
    const answer = await this.queries.execute(new GetFunderAttendanceQuery(funderId, actor, idParam(cohort, 'cohort'), csv ? 'csv' : { json: page }, parseWaitFor(waitFor)));
    return typeof answer === 'string' ? csvReply(reply, `attendance-${funderId}.csv`, answer) : answer;
  }
}
