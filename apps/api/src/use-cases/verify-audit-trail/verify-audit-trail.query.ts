import { Query } from '@nestjs/cqrs';
import type { Actor, VerificationReport } from '@mentoring/event-store';

export class VerifyAuditTrailQuery extends Query<VerificationReport> {
  constructor(
    readonly actor: Actor,
    /** Only this stream; the whole log when absent. */
    readonly streamId?: string,
  ) {
    super();
  }
}
