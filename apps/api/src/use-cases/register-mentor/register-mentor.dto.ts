import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDateString, IsEmail, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsName } from '../../shared/validators';

export class RegisterMentorDto {
  @ApiProperty({ example: 'Joy Adams', description: '1–200 characters, no control characters (line breaks, tabs…)' })
  @IsName(200)
  name: string;

  @ApiProperty({ example: 'joy@mentors.example' })
  @IsEmail()
  email: string;

  @ApiProperty({ example: ['web-development'], description: 'Training paths the mentor covers' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  trainingPaths: string[];

  @ApiProperty({ type: 'integer', example: 5, description: 'Most students at once (R9)' })
  @IsInt()
  @Min(1)
  @Max(200)
  capacity: number;

  @ApiProperty({ example: false, description: 'Trained in and aware of the needs of students with a registered disability (R7)' })
  @IsBoolean()
  disabilityFriendly: boolean;

  @ApiPropertyOptional({ example: '2026-09-01', description: 'When the disability training was completed (YYYY-MM-DD); required when disabilityFriendly' })
  @IsOptional()
  @IsDateString({ strict: true })
  disabilityTrainingCompletedOn?: string;
}
