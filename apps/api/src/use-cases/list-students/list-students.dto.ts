// The query string of GET /students: every parameter optional, anything unknown refused (400).
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PROFILES } from '../read-side-support/params';
import { sortValues } from '../read-side-support/keyset';
import { ID_FILTER, ID_FILTER_MESSAGE, PageQueryDto } from '../read-side-support/page-query.dto';

export const STUDENT_STATUSES = ['awaiting_mentor', 'active', 'paused', 'completed', 'withdrawn'] as const;
export const STUDENT_SORTS = sortValues(['name', 'enrolledAt']);

export class ListStudentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STUDENT_SORTS, default: 'name', description: 'Sort key, `-` for descending; ties broken by id' })
  @IsOptional()
  @IsIn(STUDENT_SORTS)
  sort?: string;

  @ApiPropertyOptional({ enum: STUDENT_STATUSES })
  @IsOptional()
  @IsIn(STUDENT_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: PROFILES, description: 'Funding profile' })
  @IsOptional()
  @IsIn(PROFILES)
  profile?: string;

  @ApiPropertyOptional({ description: 'Training path' })
  @IsOptional()
  @Matches(ID_FILTER, { message: ID_FILTER_MESSAGE })
  trainingPath?: string;

  @ApiPropertyOptional({ description: 'The assigned mentor (staff; a mentor always lists their own students)' })
  @IsOptional()
  @Matches(ID_FILTER, { message: ID_FILTER_MESSAGE })
  mentorId?: string;

  @ApiPropertyOptional({ description: 'Company, employer or public funder id' })
  @IsOptional()
  @Matches(ID_FILTER, { message: ID_FILTER_MESSAGE })
  funder?: string;

  @ApiPropertyOptional({ description: 'Cohort of a social programme' })
  @IsOptional()
  @Matches(ID_FILTER, { message: ID_FILTER_MESSAGE })
  cohort?: string;
}
