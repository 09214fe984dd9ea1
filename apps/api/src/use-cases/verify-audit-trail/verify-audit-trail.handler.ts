// Tamper evidence for auditors (issue 11, part 2): the same verification as `npm run audit -- verify`, over the
// stored events (hash chains per stream, checkpoints over the global log).
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventStore, verifyAuditTrail, type VerificationReport } from '@mentoring/event-store';
import { Problem } from '../../http/problem';
import { EVENT_STORE } from '../../shared/tokens';
import { VerifyAuditTrailQuery } from './verify-audit-trail.query';

export const MAY_VERIFY = new Set(['auditor', 'admin']);

@QueryHandler(VerifyAuditTrailQuery)
export class VerifyAuditTrailHandler implements IQueryHandler<VerifyAuditTrailQuery> {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  async execute({ actor, streamId }: VerifyAuditTrailQuery): Promise<VerificationReport> {
    if (!MAY_VERIFY.has(actor.role)) {
      throw new Problem(403, 'role_not_allowed', 'Forbidden', 'Only auditors and admins verify the audit trail.');
    }
    return verifyAuditTrail(this.eventStore, { streamId, maxProblems: 100 });
  }
}
