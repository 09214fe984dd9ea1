import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { IdParam } from '../../shared/id-param';
import { parseWaitFor } from '../../shared/read-your-writes';
import { invalid } from '../read-side-support/params';
import { GetMentorSuggestionsQuery } from './get-mentor-suggestions.query';
import { MentorSuggestionsView } from './mentor-suggestions.view';
import { MENTOR_SUGGESTIONS_SCHEMA } from './mentor-suggestions.schema';

@ApiTags('students')
@Controller('students')
export class GetMentorSuggestionsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':studentId/mentor-suggestions')
  @QueryEndpoint(
    'GetMentorSuggestions',
    'The mentors who may take this student, ranked, each with the reasons of its rank (codes, weights, a sentence) (staff)',
    {
      json: MENTOR_SUGGESTIONS_SCHEMA,
      problems: { 403: 'role_not_allowed: only the mentorship team (staff, admin)' },
      notFound: 'student_not_found: no such student',
    },
  )
  @ApiQuery({ name: 'explain', required: false, enum: ['all'], description: 'all: also list the excluded mentors and why (training path, R7, R9 full, unavailable now, current mentor)' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  get(
    @IdParam('studentId') studentId: string,
    @CurrentActor() actor: Actor,
    @Query('explain') explain?: string,
    @Query('waitFor') waitFor?: string,
  ): Promise<MentorSuggestionsView> {
    if (explain !== undefined && explain !== 'all') throw invalid('explain', 'explain must be all (or absent).');
    return this.queries.execute(new GetMentorSuggestionsQuery(studentId, actor, explain === 'all', parseWaitFor(waitFor)));
  }
}
