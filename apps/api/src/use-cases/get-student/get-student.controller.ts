import { Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { SensitiveRead } from '../../http/sensitive-read.interceptor';
import { QueryEndpoint } from '../../shared/api-docs';
import { IdParam } from '../../shared/id-param';
import { withStreamEtag } from '../../shared/read-etag';
import { parseWaitFor } from '../../shared/read-your-writes';
import { GetStudentQuery } from './get-student.query';
import { StudentProfileView } from './student-profile.view';
import { STUDENT_PROFILE_SCHEMA } from './student-profile.schema';

@ApiTags('students')
@Controller('students')
export class GetStudentController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':studentId')
  @QueryEndpoint('GetStudent', 'A student’s profile, status, sessions and current mentor (the student, their mentor, staff, auditors; their tutor or funder)', {
    json: STUDENT_PROFILE_SCHEMA,
    etag: true,
    problems: { 403: 'role_not_allowed: an analyst reads no student' },
    notFound: 'student_not_found: no such student, or one you may not read (another mentor’s, a tutor’s or funder’s who does not oversee or fund them)',
  })
  @SensitiveRead('student_record', { disabilityField: 'registeredDisability' })
  @ApiQuery({ name: 'waitFor', required: false, description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  async get(
    @IdParam('studentId') studentId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('waitFor') waitFor?: string,
  ): Promise<StudentProfileView> {
    // ETag = body.revision = the student stream's revision (send it back as If-Match).
    return withStreamEtag(reply, await this.queries.execute(new GetStudentQuery(studentId, actor, parseWaitFor(waitFor))));
  }
}
