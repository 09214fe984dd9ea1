import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { IsText } from '../../shared/validators';

export class GiveFirstSessionFeedbackDto {
  @ApiProperty({ example: '0f9c…', description: 'The reviewed first session' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'sessionId must be 1–100 letters, digits, - or _' })
  sessionId: string;

  @ApiProperty({ example: 'Clear agenda; leave the student more time to present.' })
  @IsText(5000)
  feedback: string;
}
