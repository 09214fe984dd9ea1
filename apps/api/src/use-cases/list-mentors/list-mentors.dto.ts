// The query string of GET /mentors: every parameter optional, anything unknown refused (400).
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { sortValues } from '../read-side-support/keyset';
import { ID_FILTER, ID_FILTER_MESSAGE, PageQueryDto } from '../read-side-support/page-query.dto';

export const MENTOR_SORTS = sortValues(['name', 'remainingCapacity']);
const BOOLEAN = ['true', 'false'];

export class ListMentorsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MENTOR_SORTS, default: 'name', description: 'Sort key, `-` for descending; ties broken by id' })
  @IsOptional()
  @IsIn(MENTOR_SORTS)
  sort?: string;

  @ApiPropertyOptional({ description: 'Mentors of this training path' })
  @IsOptional()
  @Matches(ID_FILTER, { message: ID_FILTER_MESSAGE })
  trainingPath?: string;

  @ApiPropertyOptional({ enum: BOOLEAN })
  @IsOptional()
  @IsIn(BOOLEAN)
  disabilityFriendly?: string;

  @ApiPropertyOptional({ enum: BOOLEAN, description: 'true: capacity left (caseload below capacity); false: full' })
  @IsOptional()
  @IsIn(BOOLEAN)
  hasCapacity?: string;

  @ApiPropertyOptional({ enum: BOOLEAN, description: 'Currently unavailable (true) or available (false)' })
  @IsOptional()
  @IsIn(BOOLEAN)
  unavailable?: string;
}
