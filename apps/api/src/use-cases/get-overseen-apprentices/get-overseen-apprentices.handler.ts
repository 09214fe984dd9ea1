import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { dashboardsProjection, mentorCaseloadsProjection } from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { Problem } from '../../http/problem';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { CLOCK, Clock, READ_STORE } from '../../shared/tokens';
import { invalid, requireRole } from '../read-side-support/params';
import { requirePartyReportsReadModel } from '../read-side-support/party-page';
import { GetOverseenApprenticesQuery } from './get-overseen-apprentices.query';
import { OverseenApprenticesView, Overseer, readOverseenApprentices } from './overseen-apprentices.read';

@QueryHandler(GetOverseenApprenticesQuery)
export class GetOverseenApprenticesHandler implements IQueryHandler<GetOverseenApprenticesQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ actor, partyId, page, waitFor }: GetOverseenApprenticesQuery): Promise<OverseenApprenticesView> {
    requireRole(actor, ['tutor', 'funder', 'staff', 'admin'], 'the progress of apprentices');
    let overseer: Overseer;
    if (actor.role === 'tutor') overseer = { tutorId: actor.id };
    else if (actor.role === 'funder') overseer = { partyId: actor.id };
    else if (partyId) overseer = { partyId, asTutorToo: true };
    else throw invalid('partyId', 'Staff name the employer, company or tutor (partyId) whose apprentices they want to see.');
    // A tutor or an employer sees their own apprentices only: the token's subject, never a parameter.
    if ((actor.role === 'tutor' || actor.role === 'funder') && partyId !== undefined && partyId !== actor.id) {
      throw new Problem(403, 'not_the_overseer', 'Forbidden', 'A tutor or an employer sees their own apprentices only (R2).');
    }
    await this.readYourWrites.waitFor(waitFor, [dashboardsProjection.name, mentorCaseloadsProjection.name]);
    await requirePartyReportsReadModel(this.readStore);
    return readOverseenApprentices(this.readStore, overseer, this.clock.now(), page);
  }
}
