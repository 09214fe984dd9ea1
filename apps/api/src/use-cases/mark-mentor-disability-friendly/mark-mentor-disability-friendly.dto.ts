import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarDate } from '../../shared/validators';

export class MarkMentorDisabilityFriendlyDto {
  @ApiProperty({ example: '2027-02-15', description: 'When the disability training was completed (YYYY-MM-DD)' })
  @IsCalendarDate()
  trainingCompletedOn: string;
}
