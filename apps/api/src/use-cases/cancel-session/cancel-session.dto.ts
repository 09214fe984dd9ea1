import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CANCELLATION_REASONS, CancellationReason } from '@mentoring/domain';
import { IsText } from '../../shared/validators';

export class CancelSessionDto {
  @ApiProperty({ enum: CANCELLATION_REASONS, example: 'student_more_than_24h', description: 'For a student, lateness is derived from the clock, not from this value' })
  @IsIn(CANCELLATION_REASONS as unknown as string[])
  reason: CancellationReason;

  @ApiPropertyOptional({ example: 'Mentor ill', description: 'Free-text reason; required when the reason is other' })
  @IsOptional()
  @IsText(1000)
  text?: string;
}
