import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { IsText } from '../../shared/validators';

const ID = /^[A-Za-z0-9_-]{1,100}$/;
const ID_MESSAGE = '$property must be 1–100 letters, digits, - or _';

export class ChangeMentorDto {
  @ApiProperty({ example: '6f1c…', description: 'The new mentor (R7: disability-friendly for a student with a registered disability; R9: within capacity)' })
  @IsString()
  @Matches(ID, { message: ID_MESSAGE })
  mentorId: string;

  @ApiProperty({
    example: '2a7d…',
    description: 'The mentor the student has now, as the staff member saw it. If another change landed meanwhile, the request is refused (409 mentor_changed_meanwhile) instead of overriding it.',
  })
  @IsString()
  @Matches(ID, { message: ID_MESSAGE })
  fromMentorId: string;

  @ApiProperty({ example: 'The student asked for a mentor working in their time zone', description: 'Why the mentor changes (R8: kept in the history)' })
  @IsText(1000)
  reason: string;

  @ApiPropertyOptional({ example: '9b2e…', description: 'The student’s pending change request this change answers, if any' })
  @IsOptional()
  @IsString()
  @Matches(ID, { message: ID_MESSAGE })
  requestId?: string;
}
