// The read side's queries (issue 4): dashboards, oversight, funders' attendance and analytics. The lead
// wires `READ_SIDE` into the application module next to the other use cases.
import type { Type } from '@nestjs/common';
import { GetAttendanceAnalyticsController } from './get-attendance-analytics/get-attendance-analytics.controller';
import { GetAttendanceAnalyticsHandler } from './get-attendance-analytics/get-attendance-analytics.handler';
import { GetFunderAttendanceController } from './get-funder-attendance/get-funder-attendance.controller';
import { GetFunderAttendanceHandler } from './get-funder-attendance/get-funder-attendance.handler';
import { GetMentorDashboardController } from './get-mentor-dashboard/get-mentor-dashboard.controller';
import { GetMentorDashboardHandler } from './get-mentor-dashboard/get-mentor-dashboard.handler';
import { GetMentorLoadAnalyticsController } from './get-mentor-load-analytics/get-mentor-load-analytics.controller';
import { GetMentorLoadAnalyticsHandler } from './get-mentor-load-analytics/get-mentor-load-analytics.handler';
import { GetOverseenApprenticesController } from './get-overseen-apprentices/get-overseen-apprentices.controller';
import { GetOverseenApprenticesHandler } from './get-overseen-apprentices/get-overseen-apprentices.handler';
import { GetTeamDashboardController } from './get-team-dashboard/get-team-dashboard.controller';
import { GetTeamDashboardHandler, GetTeamDashboardListHandler } from './get-team-dashboard/get-team-dashboard.handler';
import { GetWeeklyAnalyticsController } from './get-weekly-analytics/get-weekly-analytics.controller';
import { GetWeeklyAnalyticsHandler } from './get-weekly-analytics/get-weekly-analytics.handler';

const ALL: Array<{ controller?: Type; handler: Type }> = [
  { controller: GetMentorDashboardController, handler: GetMentorDashboardHandler },
  { controller: GetTeamDashboardController, handler: GetTeamDashboardHandler },
  { handler: GetTeamDashboardListHandler },
  { controller: GetOverseenApprenticesController, handler: GetOverseenApprenticesHandler },
  { controller: GetFunderAttendanceController, handler: GetFunderAttendanceHandler },
  { controller: GetWeeklyAnalyticsController, handler: GetWeeklyAnalyticsHandler },
  { controller: GetAttendanceAnalyticsController, handler: GetAttendanceAnalyticsHandler },
  { controller: GetMentorLoadAnalyticsController, handler: GetMentorLoadAnalyticsHandler },
];

export const READ_SIDE = {
  controllers: ALL.flatMap((u) => (u.controller ? [u.controller] : [])),
  handlers: ALL.map((u) => u.handler),
};
