import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class ChangeMentorCapacityDto {
  @ApiProperty({ type: 'integer', example: 6, description: 'Most students at once (R9)' })
  @IsInt()
  @Min(1)
  @Max(200)
  capacity: number;
}
