// The query-string parameters every paged list has: limit, cursor, text search and waitFor.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
/** An id-like filter value (mentor, funder, cohort, training path). */
export const ID_FILTER = /^[A-Za-z0-9_.:-]{1,100}$/;
export const ID_FILTER_MESSAGE = '$property must be 1–100 letters, digits, ".", ":", "-" or "_"';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, type: 'integer' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive text in the name or e-mail', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'A command’s X-Global-Position: wait (≤ 5 s) until the read model has it' })
  @IsOptional()
  @IsString()
  waitFor?: string;
}
