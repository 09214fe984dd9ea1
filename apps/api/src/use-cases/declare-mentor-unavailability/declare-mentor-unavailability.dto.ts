import { ApiProperty } from '@nestjs/swagger';
import { IsIsoInstant, IsText } from '../../shared/validators';

export class DeclareMentorUnavailabilityDto {
  @ApiProperty({ example: '2027-07-01T00:00:00Z', format: 'date-time' })
  @IsIsoInstant()
  from: string;

  @ApiProperty({ example: '2027-07-31T00:00:00Z', format: 'date-time', description: 'After from' })
  @IsIsoInstant()
  to: string;

  @ApiProperty({ example: 'Holidays' })
  @IsText(1000)
  reason: string;
}
