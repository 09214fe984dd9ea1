import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { parseWaitFor } from '../../shared/read-your-writes';
import { csvReply, CsvValue, toCsv, wantsCsv } from '../../shared/csv';
import { idParam, profileParam } from '../read-side-support/params';
import { AttendanceAnalyticsView, WeeklyAttendanceRow } from './attendance-analytics.read';
import { ATTENDANCE_ANALYTICS_SCHEMA } from './attendance-analytics.schema';
import { GetAttendanceAnalyticsQuery } from './get-attendance-analytics.query';

const COLUMNS: ReadonlyArray<readonly [string, (r: WeeklyAttendanceRow) => CsvValue]> = [
  ['week', (r) => r.week],
  ['profile', (r) => r.profile],
  ['funderId', (r) => r.funderId],
  ['cohort', (r) => r.cohort],
  ['students', (r) => r.students],
  ['sessions', (r) => r.sessions],
  ['held', (r) => r.held],
  ['noShows', (r) => r.noShows],
  ['lateCancellations', (r) => r.lateCancellations],
  ['substantialDelays', (r) => r.substantialDelays],
  ['weeksWithoutSession', (r) => r.weeksWithoutSession],
  ['attendanceRate', (r) => r.attendanceRate],
  // true: a group smaller than ANALYTICS_MIN_GROUP, whose counts are withheld (empty cells).
  ['suppressed', (r) => r.suppressed],
];

@ApiTags('analytics')
@Controller('analytics')
export class GetAttendanceAnalyticsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('attendance')
  @QueryEndpoint(
    'GetAttendanceAnalytics',
    'Attendance rate (held vs no-shows and late cancellations) per ISO week, profile, funder and cohort, with totals over the range, as `{items, nextCursor: null, from, to, generatedAt, totals}` (the whole table). No personal data (analysts, staff); JSON or CSV (totals as week "total")',
    { json: ATTENDANCE_ANALYTICS_SCHEMA, csv: true, problems: { 403: 'role_not_allowed: only analysts and the mentorship team' }, notFound: false },
  )
  @ApiQuery({ name: 'from', required: false, description: 'First week: ISO week (2026-W10) or a date in it (default: 11 weeks before to)' })
  @ApiQuery({ name: 'to', required: false, description: 'Last week: ISO week or date (default: this week); at most 104 weeks' })
  @ApiQuery({ name: 'profile', required: false, enum: ['apprenticeship', 'employee', 'social_programme', 'self_funded'] })
  @ApiQuery({ name: 'funderId', required: false })
  @ApiQuery({ name: 'cohort', required: false })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'csv also with Accept: text/csv' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  async get(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('accept') accept?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('profile') profile?: string,
    @Query('funderId') funderId?: string,
    @Query('cohort') cohort?: string,
    @Query('format') format?: string,
    @Query('waitFor') waitFor?: string,
  ): Promise<AttendanceAnalyticsView | string> {
    const csv = wantsCsv(format, accept);
    const filters = { profile: profileParam(profile), funderId: idParam(funderId, 'funderId'), cohort: idParam(cohort, 'cohort') };
    const view: AttendanceAnalyticsView = await this.queries.execute(new GetAttendanceAnalyticsQuery(actor, from, to, filters, parseWaitFor(waitFor)));
    if (!csv) return view;
    const rows = [...view.items, ...view.totals.map((t) => ({ week: 'total', ...t }))];
    return csvReply(reply, `attendance-analytics-${view.from}-${view.to}.csv`, toCsv(COLUMNS, rows));
  }
}
