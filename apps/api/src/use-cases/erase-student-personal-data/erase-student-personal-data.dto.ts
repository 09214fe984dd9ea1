import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '../../shared/validators';

export class ErasePersonalDataDto {
  @ApiProperty({
    example: 'Erasure request under GDPR Art. 17, ticket 2027-041',
    description: 'Why the data is erased: recorded in clear for the auditor, so it must name no person',
  })
  @IsText(500)
  reason: string;
}
