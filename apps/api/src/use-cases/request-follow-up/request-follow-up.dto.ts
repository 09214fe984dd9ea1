import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { FOLLOW_UP_REASONS, FollowUpReason } from '@mentoring/domain';
import { IsText } from '../../shared/validators';

export class RequestFollowUpDto {
  @ApiProperty({ enum: FOLLOW_UP_REASONS, example: 'unresponsive_student' })
  @IsIn(FOLLOW_UP_REASONS as unknown as string[])
  reason: FollowUpReason;

  @ApiPropertyOptional({ example: 'No answer for 8 days', description: 'Required when the reason is other' })
  @IsOptional()
  @IsText(2000)
  note?: string;
}
