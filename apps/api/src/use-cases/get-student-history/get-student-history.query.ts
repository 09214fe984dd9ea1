import { Query } from '@nestjs/cqrs';
import type { Actor } from '@mentoring/event-store';
import type { StudentAudit } from '../../audit/student-audit';

export class GetStudentHistoryQuery extends Query<StudentAudit> {
  constructor(
    readonly studentId: string,
    readonly actor: Actor,
    readonly asOf?: Date,
    /** Bitemporal: only events the store had recorded (recordedAt) by then. */
    readonly knownAt?: Date,
  ) {
    super();
  }
}
