import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { IdParam } from '../../shared/id-param';
import { parseWaitFor } from '../../shared/read-your-writes';
import { GetMentorQuery } from './get-mentor.query';
import { MentorView } from './get-mentor.handler';

@ApiTags('mentors')
@Controller('mentors')
export class GetMentorController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':mentorId')
  @QueryEndpoint('GetMentor', 'A mentor with their caseload and remaining capacity')
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  get(@IdParam('mentorId') mentorId: string, @CurrentActor() actor: Actor, @Query('waitFor') waitFor?: string): Promise<MentorView> {
    return this.queries.execute(new GetMentorQuery(mentorId, actor, parseWaitFor(waitFor)));
  }
}
