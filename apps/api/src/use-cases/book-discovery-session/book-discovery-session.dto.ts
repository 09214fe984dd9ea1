import { ApiProperty } from '@nestjs/swagger';
import { IsIsoInstant } from '../../shared/validators';

export class BookDiscoverySessionDto {
  @ApiProperty({ example: '2027-03-02T10:00:00Z', format: 'date-time', description: 'Start (ISO-8601 instant with an offset), in the future; the end follows from the profile’s session length' })
  @IsIsoInstant()
  start: string;
}
