import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '../../shared/validators';

export class RequestMentorChangeDto {
  @ApiProperty({ example: 'We do not get along on the project reviews', description: 'Why the student wants another mentor (R8)' })
  @IsText(1000)
  reason: string;
}
