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
import { csvReply, toCsv, wantsCsv } from '../../shared/csv';
import { idParam } from '../read-side-support/params';
import { FunderAttendanceView, FunderStudentAttendanceView } from './funder-attendance.read';
import { FUNDER_ATTENDANCE_SCHEMA } from './funder-attendance.schema';
import { GetFunderAttendanceQuery } from './get-funder-attendance.query';

const COLUMNS: ReadonlyArray<readonly [string, (s: FunderStudentAttendanceView) => string | number | null]> = [
  ['studentId', (s) => s.studentId],
  ['name', (s) => s.name],
  ['profile', (s) => s.profileKind],
  ['cohort', (s) => s.cohort],
  ['status', (s) => s.status],
  ['held', (s) => s.held],
  ['noShows', (s) => s.noShows],
  ['lateCancellations', (s) => s.lateCancellations],
  ['cancellations', (s) => s.cancellations],
  ['substantialDelays', (s) => s.substantialDelays],
  ['weeksWithoutSession', (s) => s.weeksWithoutSession],
  ['attendanceRate', (s) => s.attendanceRate],
];

@ApiTags('oversight')
@Controller('funders')
export class GetFunderAttendanceController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':funderId/attendance')
  @QueryEndpoint(
    'GetFunderAttendance',
    'R4: attendance per student and per cohort of the students a funder funds (the funder itself, staff, auditors); `cohorts` and `students` are whole lists (`nextCursor: null`); JSON or CSV',
    {
      json: FUNDER_ATTENDANCE_SCHEMA,
      csv: true,
      problems: { 403: 'role_not_allowed: only funders, staff and auditors' },
      notFound: 'funder_not_found: the funder funds nobody, or it is another funder',
    },
  )
  @SensitiveRead('csv_export', { subject: 'funderId', csvOnly: true })
  @ApiQuery({ name: 'cohort', required: false, description: 'Only this cohort' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'csv: one line per student (also with Accept: text/csv)' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  async get(
    @IdParam('funderId') funderId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('accept') accept?: string,
    @Query('cohort') cohort?: string,
    @Query('format') format?: string,
    @Query('waitFor') waitFor?: string,
  ): Promise<FunderAttendanceView | string> {
    const csv = wantsCsv(format, accept);
    const view: FunderAttendanceView = await this.queries.execute(new GetFunderAttendanceQuery(funderId, actor, idParam(cohort, 'cohort'), parseWaitFor(waitFor)));
    return csv ? csvReply(reply, `attendance-${funderId}.csv`, toCsv(COLUMNS, view.students.items)) : view;
  }
}
