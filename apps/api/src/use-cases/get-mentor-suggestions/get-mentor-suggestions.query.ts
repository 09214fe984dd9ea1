import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { MentorSuggestionsView } from './mentor-suggestions.view';

export class GetMentorSuggestionsQuery extends Query<MentorSuggestionsView> {
  constructor(
    readonly studentId: string,
    readonly actor: Actor,
    readonly explainAll: boolean,
    /** How many suggestions (the best first). */
    readonly limit: number,
    readonly waitFor?: Position,
  ) {
    super();
  }
}
