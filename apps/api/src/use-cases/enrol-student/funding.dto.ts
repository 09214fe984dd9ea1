// The funding profile (R1–R6) as validated DTOs: `kind` picks the class, and each class lists exactly
// the fields its profile needs, so a field of another profile is refused as unknown.
import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsEmail, IsIn, IsInt, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { EMPLOYEE_PURPOSES, FUNDING_PROFILE_KINDS } from '@mentoring/domain';
import { IsName } from '../../shared/validators';

export class PartyDto {
  @ApiProperty({ example: 'acme' })
  @IsString()
  @Length(1, 100)
  id: string;

  @ApiProperty({ example: 'ACME Corp', description: '1–200 characters, no control characters (line breaks, tabs…)' })
  @IsName(200)
  name: string;
}

export class TutorDto extends PartyDto {
  @ApiProperty({ example: 'tutor@acme.example' })
  @IsEmail()
  email: string;
}

export class RhythmDto {
  @ApiProperty({ type: 'integer', example: 2, description: 'Weeks of study in each block' })
  @IsInt()
  @Min(1)
  @Max(52)
  studyWeeks: number;

  @ApiProperty({ type: 'integer', example: 3, description: 'Weeks of work in each block' })
  @IsInt()
  @Min(1)
  @Max(52)
  workWeeks: number;
}

/** Fallback for an unknown `kind`: only `kind` is checked, and it fails. */
export class FundingDto {
  @ApiProperty({ enum: FUNDING_PROFILE_KINDS })
  @IsIn(FUNDING_PROFILE_KINDS as unknown as string[], { message: `kind must be one of ${FUNDING_PROFILE_KINDS.join(', ')}` })
  kind: string;
}

abstract class ThirdPartyFundingDto extends FundingDto {
  @ApiProperty({ example: '2027-06-30', description: 'End of the funded training (R6), after the start date' })
  @IsDateString({ strict: true })
  endDate: string;
}

export class ApprenticeshipFundingDto extends ThirdPartyFundingDto {
  @ApiProperty({ enum: ['apprenticeship'] }) declare kind: 'apprenticeship';

  @ApiProperty({ type: PartyDto, description: 'The funding company (R2)' })
  @ValidateNested()
  @Type(() => PartyDto)
  company: PartyDto;

  @ApiProperty({ type: PartyDto })
  @ValidateNested()
  @Type(() => PartyDto)
  employer: PartyDto;

  @ApiProperty({ type: TutorDto, description: 'The apprentice’s tutor, who has oversight (R2)' })
  @ValidateNested()
  @Type(() => TutorDto)
  tutor: TutorDto;

  @ApiProperty({ type: RhythmDto })
  @ValidateNested()
  @Type(() => RhythmDto)
  rhythm: RhythmDto;
}

export class EmployeeFundingDto extends ThirdPartyFundingDto {
  @ApiProperty({ enum: ['employee'] }) declare kind: 'employee';

  @ApiProperty({ type: PartyDto, description: 'The funding employer (R3)' })
  @ValidateNested()
  @Type(() => PartyDto)
  employer: PartyDto;

  @ApiProperty({ example: 'Tuesdays 9:00-12:00' })
  @IsString()
  @Length(1, 500)
  schedule: string;

  @ApiProperty({ enum: EMPLOYEE_PURPOSES })
  @IsIn(EMPLOYEE_PURPOSES as unknown as string[])
  purpose: string;
}

export class SocialProgrammeFundingDto extends ThirdPartyFundingDto {
  @ApiProperty({ enum: ['social_programme'] }) declare kind: 'social_programme';

  @ApiProperty({ type: PartyDto, description: 'The public funder (R4)' })
  @ValidateNested()
  @Type(() => PartyDto)
  publicFunder: PartyDto;

  @ApiProperty({ example: '2027-spring' })
  @IsString()
  @Length(1, 100)
  cohort: string;

  @ApiProperty({ example: 'CONTRACT-2027-0042', description: 'The signed attendance contract' })
  @IsString()
  @Length(1, 200)
  attendanceContractRef: string;
}

export class SelfFundedFundingDto extends FundingDto {
  @ApiProperty({ enum: ['self_funded'] }) declare kind: 'self_funded';
}

export const FUNDING_SUBTYPES = [
  { value: ApprenticeshipFundingDto, name: 'apprenticeship' },
  { value: EmployeeFundingDto, name: 'employee' },
  { value: SocialProgrammeFundingDto, name: 'social_programme' },
  { value: SelfFundedFundingDto, name: 'self_funded' },
];

export const FUNDING_SCHEMA = {
  oneOf: FUNDING_SUBTYPES.map((s) => ({ $ref: getSchemaPath(s.value) })),
  discriminator: { propertyName: 'kind', mapping: Object.fromEntries(FUNDING_SUBTYPES.map((s) => [s.name, getSchemaPath(s.value)])) },
};

