import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { MentorView } from './get-mentor.handler';

export class GetMentorQuery extends Query<MentorView> {
  constructor(
    readonly mentorId: string,
    readonly actor: Actor,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
