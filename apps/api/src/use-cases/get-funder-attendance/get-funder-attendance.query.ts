import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { PartyPageRequest } from '../read-side-support/party-page';
import type { FunderAttendanceView } from './funder-attendance.read';

/** JSON: a page of the students; CSV: the whole list, one line per student (read a page at a time). */
export type FunderAttendanceFormat = { json: PartyPageRequest } | 'csv';

export class GetFunderAttendanceQuery extends Query<FunderAttendanceView | string> {
  constructor(
    readonly funderId: string,
    readonly actor: Actor,
    readonly cohort: string | undefined,
    readonly format: FunderAttendanceFormat,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
