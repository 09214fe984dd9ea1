import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class AssignMentorDto {
  @ApiProperty({ example: '6f1c…', description: 'The mentor to assign (R7: disability-friendly for a student with a registered disability; R9: within capacity)' })
  @IsString()
  @Length(1, 100)
  mentorId: string;
}
