import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { Page } from '../read-side-support/keyset';
import type { ListStudentsQueryDto } from './list-students.dto';
import type { StudentListItem } from './list-students.handler';

export class ListStudentsQuery extends Query<Page<StudentListItem>> {
  constructor(
    readonly actor: Actor,
    readonly params: Omit<ListStudentsQueryDto, 'waitFor'>,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
