import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsText } from '../../shared/validators';

export class PauseTrainingDto {
  @ApiPropertyOptional({ example: 'Moving house' })
  @IsOptional()
  @IsText(1000)
  reason?: string;
}
