import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { IdParam } from '../../shared/id-param';
import { parseWaitFor } from '../../shared/read-your-writes';
import { intParam, invalid } from '../read-side-support/params';
import { GetMentorSuggestionsQuery } from './get-mentor-suggestions.query';
import { MentorSuggestionsView } from './mentor-suggestions.view';
import { MENTOR_SUGGESTIONS_SCHEMA } from './mentor-suggestions.schema';

/** The best 20 by default: a list to choose from, not the school's every mentor. */
export const DEFAULT_SUGGESTIONS = 20;
export const MAX_SUGGESTIONS = 200;

@ApiTags('students')
@Controller('students')
export class GetMentorSuggestionsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':studentId/mentor-suggestions')
  @QueryEndpoint(
    'GetMentorSuggestions',
    'The best mentors to take this student (`limit`, 20 by default), ranked, each with the reasons of its rank (codes, weights, a sentence) (staff)',
    {
      json: MENTOR_SUGGESTIONS_SCHEMA,
      problems: { 403: 'role_not_allowed: only the mentorship team (staff, admin)' },
      notFound: 'student_not_found: no such student',
    },
  )
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_SUGGESTIONS, default: DEFAULT_SUGGESTIONS }, description: 'How many suggestions, the best first' })
  @ApiQuery({
    name: 'explain',
    required: false,
    enum: ['all'],
    description: 'all: also list every excluded mentor and why (training path, R7, R9 full, unavailable now, current mentor); reads every mentor, so it is slower in a large school',
  })
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  get(
    @IdParam('studentId') studentId: string,
    @CurrentActor() actor: Actor,
    @Query('explain') explain?: string,
    @Query('limit') limit?: string,
    @Query('waitFor') waitFor?: string,
  ): Promise<MentorSuggestionsView> {
    if (explain !== undefined && explain !== 'all') throw invalid('explain', 'explain must be all (or absent).');
    const howMany = intParam(limit, 'limit', 1, MAX_SUGGESTIONS, DEFAULT_SUGGESTIONS);
    return this.queries.execute(new GetMentorSuggestionsQuery(studentId, actor, explain === 'all', howMany, parseWaitFor(waitFor)));
  }
}
