import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { AttendanceAnalyticsView, AttendanceFilters } from './attendance-analytics.read';

export class GetAttendanceAnalyticsQuery extends Query<AttendanceAnalyticsView> {
  constructor(
    readonly actor: Actor,
    readonly from: string | undefined,
    readonly to: string | undefined,
    readonly filters: AttendanceFilters,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
