import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { parseWaitFor } from '../../shared/read-your-writes';
import type { Page } from '../read-side-support/keyset';
import { ListStudentsQueryDto } from './list-students.dto';
import type { StudentListItem } from './list-students.handler';
import { ListStudentsQuery } from './list-students.query';
import { STUDENT_PAGE_SCHEMA } from './list-students.schema';

@ApiTags('students')
@Controller('students')
export class ListStudentsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @QueryEndpoint(
    'ListStudents',
    'Students, filtered, searched and sorted, a page at a time (`{items, nextCursor}`; pass nextCursor back as cursor). Staff see all; a mentor their own students (a filter never widens that: another mentor’s id gives an empty page)',
    {
      json: STUDENT_PAGE_SCHEMA,
      problems: { 403: 'role_not_allowed: only the mentorship team (staff, admin) and mentors list students' },
      notFound: false,
    },
  )
  list(@CurrentActor() actor: Actor, @Query() query: ListStudentsQueryDto): Promise<Page<StudentListItem>> {
    const { waitFor, ...params } = query;
    return this.queries.execute(new ListStudentsQuery(actor, params, parseWaitFor(waitFor)));
  }
}
