import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { dashboardsProjection } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { Problem } from '../../http/problem';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { CLOCK, Clock, READ_STORE } from '../../shared/tokens';
import { requireRole } from '../read-side-support/params';
import { requirePartyReportsReadModel } from '../read-side-support/party-page';
import { readFunderAttendanceCsv } from './funder-attendance.csv';
import { FunderAttendanceView, readFunderAttendance } from './funder-attendance.read';
import { GetFunderAttendanceQuery } from './get-funder-attendance.query';

/** Staff and admin for the team; auditors, who replay attendance facts; and the funder itself. */
const MAY_READ_ANY_FUNDER = new Set(['staff', 'admin', 'auditor']);

@QueryHandler(GetFunderAttendanceQuery)
export class GetFunderAttendanceHandler implements IQueryHandler<GetFunderAttendanceQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  /** The JSON view with a page of the students, or the whole CSV. */
  async execute({ funderId, actor, cohort, format, waitFor }: GetFunderAttendanceQuery): Promise<FunderAttendanceView | string> {
    requireRole(actor, ['funder', ...MAY_READ_ANY_FUNDER], 'funders’ attendance reports');
    // A funder reads what it funds only; another funder's report does not exist for it.
    if (actor.role === 'funder' && actor.id !== funderId) throw notFound(funderId);
    await this.readYourWrites.waitFor(waitFor, [dashboardsProjection.name]);
    await requirePartyReportsReadModel(this.readStore);
    const answer =
      format === 'csv' ? await readFunderAttendanceCsv(this.readStore, funderId, cohort) : await readFunderAttendance(this.readStore, funderId, this.clock.now(), cohort, format.json);
    if (answer === null) throw notFound(funderId);
    return answer;
  }
}

function notFound(funderId: string): Problem {
  return new Problem(404, 'funder_not_found', 'Not Found', `No students funded by ${funderId}.`);
}
