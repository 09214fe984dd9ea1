import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '../../shared/validators';

export class WithdrawFromTrainingDto {
  @ApiProperty({ example: 'Found a job in another field' })
  @IsText(1000)
  reason: string;
}
