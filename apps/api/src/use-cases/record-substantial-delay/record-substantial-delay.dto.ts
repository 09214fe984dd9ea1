import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export class RecordSubstantialDelayDto {
  @ApiProperty({ type: 'integer', example: 10, description: 'Minutes late; from a third of the session length on it is a no-show' })
  @IsInt()
  @Min(1)
  @Max(240)
  delayMinutes: number;
}
