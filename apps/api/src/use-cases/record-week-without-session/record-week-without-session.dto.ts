import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarDate } from '../../shared/validators';

export class RecordWeekWithoutSessionDto {
  @ApiProperty({ example: '2027-03-01', description: 'The Monday (YYYY-MM-DD) of the week' })
  @IsCalendarDate()
  weekStart: string;
}
