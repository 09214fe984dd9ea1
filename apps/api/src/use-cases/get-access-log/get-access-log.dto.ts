// The query string of GET /audit/access-log: filters by student, reader and period, a page at a time.
import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { ID_FILTER, ID_FILTER_MESSAGE, PageQueryDto } from '../read-side-support/page-query.dto';

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const INSTANT_MESSAGE = '$property must be an ISO-8601 instant (2027-03-01T09:00:00Z) or a date (2027-03-01)';

/** limit, cursor and waitFor as every list; no text search (`q`). */
export class GetAccessLogQueryDto extends OmitType(PageQueryDto, ['q'] as const) {
  @ApiPropertyOptional({ description: 'Only reads of this student' })
  @IsOptional()
  @Matches(ID_FILTER, { message: ID_FILTER_MESSAGE })
  studentId?: string;

  @ApiPropertyOptional({ description: 'Only reads by this reader (their platform id)' })
  @IsOptional()
  @Matches(ID_FILTER, { message: ID_FILTER_MESSAGE })
  readerId?: string;

  @ApiPropertyOptional({ description: 'Reads at or after this instant (a date means its start, UTC)', example: '2027-03-01T00:00:00Z' })
  @IsOptional()
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  from?: string;

  @ApiPropertyOptional({ description: 'Reads before this instant (exclusive; a date means its start, UTC)', example: '2027-04-01T00:00:00Z' })
  @IsOptional()
  @Matches(INSTANT, { message: INSTANT_MESSAGE })
  to?: string;
}
