// Auditors replay a student's history from the event store itself (the source of truth).
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventStore } from '@mentoring/event-store';
import { Problem } from '../../http/problem';
import { StudentAudit, studentAudit } from '../../audit/student-audit';
import { studentStream } from '../../shared/streams';
import { EVENT_STORE } from '../../shared/tokens';
import { GetStudentHistoryQuery } from './get-student-history.query';

export const MAY_AUDIT = new Set(['auditor', 'staff', 'admin']);

@QueryHandler(GetStudentHistoryQuery)
export class GetStudentHistoryHandler implements IQueryHandler<GetStudentHistoryQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  async execute({ studentId, actor, asOf, knownAt }: GetStudentHistoryQuery): Promise<StudentAudit> {
    if (!MAY_AUDIT.has(actor.role)) {
      throw new Problem(403, 'role_not_allowed', 'Forbidden', 'Only auditors and the mentorship team replay a student’s history.');
    }
    const events = await this.eventStore.readStream(studentStream(studentId));
    if (events.length === 0) throw new Problem(404, 'student_not_found', 'Not Found', `No student ${studentId}.`);
    return studentAudit(studentId, events, asOf, knownAt);
  }
}
