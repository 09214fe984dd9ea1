import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@mentoring/event-store';
import { CurrentActor } from '../../http/auth';
import { QueryEndpoint } from '../../shared/api-docs';
import { parseWaitFor } from '../../shared/read-your-writes';
import type { Page } from '../read-side-support/keyset';
import { ListStudentsQueryDto } from './list-students.dto';
import type { StudentListItem } from './list-students.handler';
import { ListStudentsQuery } from './list-students.query';

@ApiTags('students')
@Controller('students')
export class ListStudentsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @QueryEndpoint(
    'ListStudents',
    'Students, filtered, searched and sorted, a page at a time (`{items, nextCursor}`; pass nextCursor back as cursor). Staff see all; a mentor their own students',
  )
  @ApiResponse({ status: 400, description: 'Unknown or malformed parameter, or a cursor not from this list and sort (application/problem+json)' })
  @ApiResponse({ status: 403, description: 'Only the mentorship team, or a mentor for their own students (application/problem+json)' })
  list(@CurrentActor() actor: Actor, @Query() query: ListStudentsQueryDto): Promise<Page<StudentListItem>> {
    const { waitFor, ...params } = query;
    return this.queries.execute(new ListStudentsQuery(actor, params, parseWaitFor(waitFor)));
  }
}
