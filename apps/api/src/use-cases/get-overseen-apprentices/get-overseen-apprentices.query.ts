import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { PartyPageRequest } from '../read-side-support/party-page';
import type { OverseenApprenticesView } from './overseen-apprentices.read';

export class GetOverseenApprenticesQuery extends Query<OverseenApprenticesView> {
  constructor(
    readonly actor: Actor,
    /** Staff and admin name the employer, company or tutor whose view they want. */
    readonly partyId: string | undefined,
    readonly page: PartyPageRequest,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
