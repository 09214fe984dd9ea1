import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '../../shared/validators';

export class DeclineMentorChangeRequestDto {
  @ApiProperty({ example: 'The current mentor is the only one on this path; we talked it through', description: 'Why the request is declined' })
  @IsText(1000)
  reason: string;
}
