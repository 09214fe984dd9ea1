import { ApiProperty } from '@nestjs/swagger';
import { IsIsoInstant } from '../../shared/validators';

export class RescheduleSessionDto {
  @ApiProperty({ example: '2027-03-03T14:00:00Z', format: 'date-time', description: 'New start (ISO-8601 instant with an offset), in the future; the length stays the same' })
  @IsIsoInstant()
  start: string;
}
