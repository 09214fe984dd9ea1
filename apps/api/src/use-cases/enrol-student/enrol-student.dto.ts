import { ApiExtraModels, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDateString, IsEmail, IsObject, IsString, Length, ValidateNested } from 'class-validator';
import {
  ApprenticeshipFundingDto,
  EmployeeFundingDto,
  FUNDING_SCHEMA,
  FUNDING_SUBTYPES,
  FundingDto,
  SelfFundedFundingDto,
  SocialProgrammeFundingDto,
} from './funding.dto';
import { IsName } from '../../shared/validators';

@ApiExtraModels(ApprenticeshipFundingDto, EmployeeFundingDto, SocialProgrammeFundingDto, SelfFundedFundingDto)
export class EnrolStudentDto {
  @ApiProperty({ example: 'Sam Lee', description: '1–200 characters, no control characters (line breaks, tabs…)' })
  @IsName(200)
  name: string;

  @ApiProperty({ example: 'sam@students.example' })
  @IsEmail()
  email: string;

  @ApiProperty({ example: 'web-development' })
  @IsString()
  @Length(1, 100)
  trainingPath: string;

  @ApiProperty({ example: false, description: 'A registered disability (R7); sensitive, shown only to the student, their mentor and staff' })
  @IsBoolean()
  registeredDisability: boolean;

  @ApiProperty({ example: '2027-01-04', description: 'Start of the training (YYYY-MM-DD)' })
  @IsDateString({ strict: true })
  startDate: string;

  @ApiProperty(FUNDING_SCHEMA)
  @IsObject()
  @ValidateNested()
  @Type(() => FundingDto, { discriminator: { property: 'kind', subTypes: FUNDING_SUBTYPES }, keepDiscriminatorProperty: true })
  funding: ApprenticeshipFundingDto | EmployeeFundingDto | SocialProgrammeFundingDto | SelfFundedFundingDto;
}
