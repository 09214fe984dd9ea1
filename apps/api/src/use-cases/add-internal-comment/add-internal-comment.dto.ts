import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '../../shared/validators';

export class AddInternalCommentDto {
  @ApiProperty({ example: 'No answer to two e-mails and one call since Monday.', description: 'Visible to staff and mentors only (R11)' })
  @IsText(5000)
  text: string;
}
