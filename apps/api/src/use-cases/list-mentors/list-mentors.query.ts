import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { Page } from '../read-side-support/keyset';
import type { ListMentorsQueryDto } from './list-mentors.dto';
import type { MentorListItem } from './list-mentors.handler';

export class ListMentorsQuery extends Query<Page<MentorListItem>> {
  constructor(
    readonly actor: Actor,
    readonly params: Omit<ListMentorsQueryDto, 'waitFor'>,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
