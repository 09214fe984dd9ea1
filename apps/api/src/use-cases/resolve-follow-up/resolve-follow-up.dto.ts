import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '../../shared/validators';

export class ResolveFollowUpDto {
  @ApiProperty({ example: 'Called the student; they were ill and answer again now.' })
  @IsText(2000)
  resolution: string;
}
