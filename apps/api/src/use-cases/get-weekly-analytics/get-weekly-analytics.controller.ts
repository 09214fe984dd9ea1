import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { parseWaitFor } from '../../shared/read-your-writes';
import { csvReply, CsvValue, toCsv, wantsCsv } from '../../shared/csv';
import { profileParam } from '../read-side-support/params';
import { GetWeeklyAnalyticsQuery } from './get-weekly-analytics.query';
import { WeeklyAnalyticsRow, WeeklyAnalyticsView } from './weekly-analytics.read';
import { WEEKLY_ANALYTICS_SCHEMA } from './weekly-analytics.schema';

const COLUMNS: ReadonlyArray<readonly [string, (r: WeeklyAnalyticsRow) => CsvValue]> = [
  ['week', (r) => r.week],
  ['weekStart', (r) => r.weekStart],
  ['profile', (r) => r.profile],
  ['studentsEnrolled', (r) => r.studentsEnrolled],
  ['assignedAfterWaiting', (r) => r.waitingForMentor.count],
  ['waitingMedianHours', (r) => r.waitingForMentor.medianHours],
  ['waitingP90Hours', (r) => r.waitingForMentor.p90Hours],
  ['discoverySessionsHeld', (r) => r.assignmentToDiscovery.count],
  ['assignmentToDiscoveryMedianHours', (r) => r.assignmentToDiscovery.medianHours],
  ['assignmentToDiscoveryP90Hours', (r) => r.assignmentToDiscovery.p90Hours],
  ['mentorChanges', (r) => r.mentorChanges],
  ['requestedMentorChanges', (r) => r.requestedMentorChanges],
  ['mentoredStudents', (r) => r.mentoredStudents],
  ['mentorChangeRate', (r) => r.mentorChangeRate],
];

@ApiTags('analytics')
@Controller('analytics')
export class GetWeeklyAnalyticsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('weekly')
  @QueryEndpoint(
    'GetWeeklyAnalytics',
    'Per funding profile and ISO week: students enrolled, time waiting for a mentor and from assignment to discovery session (median, p90), mentor-change rate, as `{items, nextCursor: null, from, to, generatedAt}` (the whole table). No personal data (analysts, staff); JSON or CSV',
    { json: WEEKLY_ANALYTICS_SCHEMA, csv: true, problems: { 403: 'role_not_allowed: only analysts and the mentorship team' }, notFound: false },
  )
  @ApiQuery({ name: 'from', required: false, description: 'First week: ISO week (2026-W10) or a date in it (default: 11 weeks before to)' })
  @ApiQuery({ name: 'to', required: false, description: 'Last week: ISO week or date (default: this week); at most 104 weeks' })
  @ApiQuery({ name: 'profile', required: false, enum: ['apprenticeship', 'employee', 'social_programme', 'self_funded'] })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'csv also with Accept: text/csv' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  async get(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('accept') accept?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('profile') profile?: string,
    @Query('format') format?: string,
    @Query('waitFor') waitFor?: string,
  ): Promise<WeeklyAnalyticsView | string> {
    const csv = wantsCsv(format, accept);
    const view: WeeklyAnalyticsView = await this.queries.execute(new GetWeeklyAnalyticsQuery(actor, from, to, profileParam(profile), parseWaitFor(waitFor)));
    return csv ? csvReply(reply, `weekly-analytics-${view.from}-${view.to}.csv`, toCsv(COLUMNS, view.items)) : view;
  }
}
