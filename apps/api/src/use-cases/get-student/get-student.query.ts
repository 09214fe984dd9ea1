import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { StudentProfileView } from './student-profile.view';

export class GetStudentQuery extends Query<StudentProfileView> {
  constructor(
    readonly studentId: string,
    readonly actor: Actor,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
