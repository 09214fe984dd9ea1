import { Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { IdParam } from '../../shared/id-param';
import { withStreamEtag } from '../../shared/read-etag';
import { parseWaitFor } from '../../shared/read-your-writes';
import { GetMentorQuery } from './get-mentor.query';
import { MentorView } from './get-mentor.handler';
import { MENTOR_SCHEMA } from './mentor.schema';

@ApiTags('mentors')
@Controller('mentors')
export class GetMentorController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':mentorId')
  @QueryEndpoint('GetMentor', 'A mentor with their caseload and remaining capacity (the mentor, staff, auditors)', {
    json: MENTOR_SCHEMA,
    etag: true,
    problems: { 403: 'role_not_allowed: a student, tutor, funder or analyst reads no mentor' },
    notFound: 'mentor_not_found: no such mentor, or another mentor than you',
  })
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  async get(
    @IdParam('mentorId') mentorId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('waitFor') waitFor?: string,
  ): Promise<MentorView> {
    // ETag = body.revision = the mentor stream's revision (send it back as If-Match).
    return withStreamEtag(reply, await this.queries.execute(new GetMentorQuery(mentorId, actor, parseWaitFor(waitFor))));
  }
}
