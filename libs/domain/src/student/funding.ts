// The four funding profiles (R1–R6) as a discriminated union, and their validation at enrolment.
import { FundingProfileKind, FUNDING_PROFILE_KINDS } from '../policy';
import { invalid } from '../shared/errors';
import { isEmail, isIsoDate, isNonEmptyString, isPositiveInteger } from '../shared/values';

/** An organisation or person known to the platform: `id` is what access rules (oversight, reports) match on. */
export interface PartyRef {
  id: string;
  name: string;
}

/** The apprentice's tutor, who has a right of oversight (R2). */
export interface TutorRef extends PartyRef {
  email: string;
}

/** The apprenticeship pattern: blocks of study weeks alternating with blocks of work weeks (R2). */
export interface StudyWorkRhythm {
  studyWeeks: number;
  workWeeks: number;
}

export const EMPLOYEE_PURPOSES = ['internal_training', 'development_plan', 'internal_job_change', 'external_job_change'] as const;
export type EmployeePurpose = (typeof EMPLOYEE_PURPOSES)[number];

/** R2: funded by a company; employer and tutor oversee; study/work rhythm; has an end date. */
export interface ApprenticeshipFunding {
  kind: 'apprenticeship';
  company: PartyRef;
  employer: PartyRef;
  tutor: TutorRef;
  rhythm: StudyWorkRhythm;
  endDate: string;
}

/** R3: funded by the employer, on a given schedule, for one purpose; has an end date. */
export interface EmployeeFunding {
  kind: 'employee';
  employer: PartyRef;
  /** The training schedule agreed with the employer, as free text (e.g. "Tuesdays 9:00–12:00"). */
  schedule: string;
  purpose: EmployeePurpose;
  endDate: string;
}

/** R4: funded by a public organisation; a cohort; a signed attendance contract; has an end date. */
export interface SocialProgrammeFunding {
  kind: 'social_programme';
  publicFunder: PartyRef;
  cohort: string;
  /** Reference of the signed contract that requires ongoing attendance. */
  attendanceContractRef: string;
  endDate: string;
}

/** R5: pays for themself; no end date; the only profile that may pause. */
export interface SelfFunding {
  kind: 'self_funded';
}

export type FundingProfile = ApprenticeshipFunding | EmployeeFunding | SocialProgrammeFunding | SelfFunding;
export type ThirdPartyFunding = Exclude<FundingProfile, SelfFunding>;

/** Who pays, for attendance facts and per-funder reports (R4). `null` for a self-funded student. */
export function funderOf(funding: FundingProfile): PartyRef | null {
  switch (funding.kind) {
    case 'apprenticeship':
      return { id: funding.company.id, name: funding.company.name };
    case 'employee':
      return { id: funding.employer.id, name: funding.employer.name };
    case 'social_programme':
      return { id: funding.publicFunder.id, name: funding.publicFunder.name };
    case 'self_funded':
      return null;
  }
}

export function cohortOf(funding: FundingProfile): string | null {
  return funding.kind === 'social_programme' ? funding.cohort : null;
}

export function endDateOf(funding: FundingProfile): string | null {
  return funding.kind === 'self_funded' ? null : funding.endDate;
}

function isParty(value: unknown): value is PartyRef {
  const v = value as PartyRef | null | undefined;
  return typeof v === 'object' && v !== null && isNonEmptyString(v.id) && isNonEmptyString(v.name);
}

function party(value: PartyRef): PartyRef {
  return { id: value.id, name: value.name };
}

/**
 * Validates a funding profile against R1–R6 and returns a clean copy (unknown keys dropped).
 * `startDate` is the training's start (YYYY-MM-DD), already validated.
 */
export function validateFunding(input: unknown, startDate: string): FundingProfile {
  const funding = input as Record<string, unknown> | null | undefined;
  const kind = funding?.kind as FundingProfileKind | undefined;
  if (!funding || typeof funding !== 'object' || !FUNDING_PROFILE_KINDS.includes(kind as FundingProfileKind)) {
    throw invalid('R1_unknown_funding_profile', `a student has exactly one funding profile among ${FUNDING_PROFILE_KINDS.join(', ')}`);
  }
  if (kind === 'self_funded') {
    if (funding.endDate !== undefined && funding.endDate !== null) {
      throw invalid('R5_self_funded_has_no_end_date', 'a self-funded training has no end date (R5, R6)');
    }
    return { kind: 'self_funded' };
  }
  const endDate = requireEndDate(funding.endDate, startDate);
  switch (kind) {
    case 'apprenticeship': {
      const { company, employer, tutor, rhythm } = funding as Partial<ApprenticeshipFunding>;
      if (!isParty(company)) throw invalid('R2_apprenticeship_requires_company', 'an apprenticeship is funded by a company { id, name }');
      if (!isParty(employer)) throw invalid('R2_apprenticeship_requires_employer', 'an apprenticeship names the employer { id, name }');
      if (!isParty(tutor) || !isEmail(tutor.email)) {
        throw invalid('R2_apprenticeship_requires_tutor', 'an apprenticeship names the tutor { id, name, email }');
      }
      if (!rhythm || !isPositiveInteger(rhythm.studyWeeks) || !isPositiveInteger(rhythm.workWeeks)) {
        throw invalid('R2_apprenticeship_requires_rhythm', 'an apprenticeship follows a rhythm { studyWeeks ≥ 1, workWeeks ≥ 1 }');
      }
      return {
        kind,
        company: party(company),
        employer: party(employer),
        tutor: { id: tutor.id, name: tutor.name, email: tutor.email },
        rhythm: { studyWeeks: rhythm.studyWeeks, workWeeks: rhythm.workWeeks },
        endDate,
      };
    }
    case 'employee': {
      const { employer, schedule, purpose } = funding as Partial<EmployeeFunding>;
      if (!isParty(employer)) throw invalid('R3_employee_requires_employer', 'an employee is funded by their employer { id, name }');
      if (!isNonEmptyString(schedule)) throw invalid('R3_employee_requires_schedule', 'an employee follows a training schedule');
      if (!EMPLOYEE_PURPOSES.includes(purpose as EmployeePurpose)) {
        throw invalid('R3_employee_requires_purpose', `an employee trains for one of ${EMPLOYEE_PURPOSES.join(', ')}`);
      }
      return { kind, employer: party(employer), schedule, purpose: purpose as EmployeePurpose, endDate };
    }
    case 'social_programme': {
      const { publicFunder, cohort, attendanceContractRef } = funding as Partial<SocialProgrammeFunding>;
      if (!isParty(publicFunder)) {
        throw invalid('R4_social_programme_requires_public_funder', 'a social programme is funded by a public organisation { id, name }');
      }
      if (!isNonEmptyString(cohort)) throw invalid('R4_social_programme_requires_cohort', 'a social programme student belongs to a cohort');
      if (!isNonEmptyString(attendanceContractRef)) {
        throw invalid('R4_social_programme_requires_attendance_contract', 'a social programme student has signed an attendance contract');
      }
      return { kind, publicFunder: party(publicFunder), cohort, attendanceContractRef, endDate };
    }
    default:
      throw invalid('R1_unknown_funding_profile', 'unknown funding profile');
  }
}

function requireEndDate(endDate: unknown, startDate: string): string {
  if (endDate === undefined || endDate === null) {
    throw invalid('R6_end_date_required', 'a third-party funded training has an end date (R6)');
  }
  if (!isIsoDate(endDate)) throw invalid('invalid_date', 'endDate must be a date YYYY-MM-DD', { field: 'funding.endDate' });
  if (endDate <= startDate) throw invalid('R6_end_date_must_follow_start', 'the end date must be after the start date (R6)');
  return endDate;
}
