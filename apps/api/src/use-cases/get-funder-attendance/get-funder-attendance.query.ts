import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { FunderAttendanceView } from './funder-attendance.read';

export class GetFunderAttendanceQuery extends Query<FunderAttendanceView> {
  constructor(
    readonly funderId: string,
    readonly actor: Actor,
    readonly cohort: string | undefined,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
