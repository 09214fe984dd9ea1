import { DEFAULT_POLICY, DomainPolicy } from '../policy';
import { given } from '../shared/testing';
import { FundingProfile } from './funding';
import { EnrolStudent } from './student.commands';
import { createStudentDecider, studentDecider } from './student.decider';
import {
  NOW,
  STUDENT_ID,
  analyst,
  apprenticeship,
  employee,
  enrolmentData,
  selfFunded,
  socialProgramme,
  staff,
  studentEnrolled,
  system,
  theMentor,
  theStudent,
} from './student.fixtures';

function enrol(funding: unknown, extra: Partial<EnrolStudent['data']> = {}): EnrolStudent {
  return { type: 'EnrolStudent', data: { ...enrolmentData(funding as FundingProfile), at: NOW, by: staff, ...extra } };
}

function enrolledNow(funding: FundingProfile, attendanceObligatory: boolean, registeredDisability = false) {
  return {
    type: 'StudentEnrolled' as const,
    data: { ...enrolmentData(funding, registeredDisability), attendanceObligatory, enrolledAt: NOW },
  };
}

describe('student enrolment and funding profiles (R1–R6)', () => {
  it('R1: enrols a student with exactly one of the four funding profiles', () => {
    for (const funding of [apprenticeship, employee, socialProgramme, selfFunded]) {
      given(studentDecider, [])
        .when(enrol(funding))
        .then([enrolledNow(funding, funding.kind !== 'self_funded')]);
    }
  });

  it('R1: refuses an unknown funding profile', () => {
    given(studentDecider).when(enrol({ kind: 'scholarship', endDate: '2027-01-01' })).thenThrows('R1_unknown_funding_profile', 'validation');
    given(studentDecider).when(enrol(null)).thenThrows('R1_unknown_funding_profile', 'validation');
  });

  it('R1: drops fields that do not belong to the profile', () => {
    given(studentDecider)
      .when(enrol({ ...socialProgramme, tutor: { id: 'x', name: 'x', email: 'x@y.z' } }))
      .then([enrolledNow(socialProgramme, true)]);
  });

  it('R2: enrols an apprentice funded by a company, with employer, tutor and study/work rhythm', () => {
    given(studentDecider).when(enrol(apprenticeship)).then([enrolledNow(apprenticeship, true)]);
  });

  it('R2: refuses an apprenticeship without a tutor', () => {
    const { tutor: _, ...withoutTutor } = apprenticeship as Extract<FundingProfile, { kind: 'apprenticeship' }>;
    given(studentDecider).when(enrol(withoutTutor)).thenThrows('R2_apprenticeship_requires_tutor', 'validation');
  });

  it('R2: refuses an apprenticeship without a company, an employer or a valid rhythm', () => {
    given(studentDecider).when(enrol({ ...apprenticeship, company: undefined })).thenThrows('R2_apprenticeship_requires_company');
    given(studentDecider).when(enrol({ ...apprenticeship, employer: { id: '', name: 'x' } })).thenThrows('R2_apprenticeship_requires_employer');
    given(studentDecider)
      .when(enrol({ ...apprenticeship, rhythm: { studyWeeks: 0, workWeeks: 3 } }))
      .thenThrows('R2_apprenticeship_requires_rhythm', 'validation');
  });

  it('R3: enrols an employee funded by the employer on a schedule for one purpose', () => {
    given(studentDecider).when(enrol(employee)).then([enrolledNow(employee, true)]);
  });

  it('R3: refuses an employee without an employer, a schedule or a known purpose', () => {
    given(studentDecider).when(enrol({ ...employee, employer: undefined })).thenThrows('R3_employee_requires_employer', 'validation');
    given(studentDecider).when(enrol({ ...employee, schedule: ' ' })).thenThrows('R3_employee_requires_schedule', 'validation');
    given(studentDecider).when(enrol({ ...employee, purpose: 'holiday' })).thenThrows('R3_employee_requires_purpose', 'validation');
  });

  it('R4: enrols a social-programme student with public funder, cohort and signed attendance contract, attendance obligatory', () => {
    given(studentDecider).when(enrol(socialProgramme)).then([enrolledNow(socialProgramme, true)]);
  });

  it('R4: refuses a social-programme student without a signed attendance contract, cohort or public funder', () => {
    given(studentDecider)
      .when(enrol({ ...socialProgramme, attendanceContractRef: '' }))
      .thenThrows('R4_social_programme_requires_attendance_contract', 'validation');
    given(studentDecider).when(enrol({ ...socialProgramme, cohort: undefined })).thenThrows('R4_social_programme_requires_cohort');
    given(studentDecider).when(enrol({ ...socialProgramme, publicFunder: undefined })).thenThrows('R4_social_programme_requires_public_funder');
  });

  it('R5: enrols a self-funded student with no end date and no obligatory attendance', () => {
    given(studentDecider).when(enrol(selfFunded)).then([enrolledNow(selfFunded, false)]);
  });

  it('R5: refuses an end date on a self-funded training', () => {
    given(studentDecider).when(enrol({ kind: 'self_funded', endDate: '2027-01-01' })).thenThrows('R5_self_funded_has_no_end_date', 'validation');
  });

  it('R6: refuses a third-party funded training without an end date', () => {
    const { endDate: _, ...withoutEnd } = employee as Extract<FundingProfile, { kind: 'employee' }>;
    given(studentDecider).when(enrol(withoutEnd)).thenThrows('R6_end_date_required', 'validation');
  });

  it('R6: refuses an end date that is not after the start date', () => {
    given(studentDecider).when(enrol({ ...socialProgramme, endDate: '2026-03-01' })).thenThrows('R6_end_date_must_follow_start', 'validation');
    given(studentDecider).when(enrol({ ...socialProgramme, endDate: '2026-02-30' })).thenThrows('invalid_date', 'validation');
  });

  it('R6: takes obligatory attendance from the policy at enrolment', () => {
    const lenient: DomainPolicy = { ...DEFAULT_POLICY, obligatoryAttendance: { ...DEFAULT_POLICY.obligatoryAttendance, employee: false } };
    given(createStudentDecider(lenient)).when(enrol(employee)).then([enrolledNow(employee, false)]);
  });

  it('records a registered disability at enrolment', () => {
    given(studentDecider)
      .when({ type: 'EnrolStudent', data: { ...enrolmentData(selfFunded, true), at: NOW, by: staff } })
      .then([enrolledNow(selfFunded, false, true)]);
  });

  it('refuses malformed contact data and instants', () => {
    given(studentDecider).when(enrol(selfFunded, { email: 'not-an-email' })).thenThrows('invalid_email', 'validation');
    given(studentDecider).when(enrol(selfFunded, { name: '' })).thenThrows('missing_field', 'validation');
    given(studentDecider).when(enrol(selfFunded, { startDate: '01/03/2026' })).thenThrows('invalid_date', 'validation');
    given(studentDecider).when(enrol(selfFunded, { at: 'yesterday' })).thenThrows('invalid_instant', 'validation');
  });

  it('lets the system enrol (imports from the school’s registration)', () => {
    given(studentDecider).when(enrol(selfFunded, { by: system })).then([enrolledNow(selfFunded, false)]);
  });

  it('refuses enrolment by a student, a mentor or an analyst', () => {
    for (const by of [theStudent, theMentor, analyst]) {
      given(studentDecider).when(enrol(selfFunded, { by })).thenThrows('role_not_allowed', 'forbidden');
    }
  });

  it('refuses a command without an actor', () => {
    given(studentDecider)
      .when(enrol(selfFunded, { by: undefined as never }))
      .thenThrows('actor_required', 'forbidden');
  });

  it('is an idempotent no-op when the same enrolment is retried', () => {
    given(studentDecider, [studentEnrolled(selfFunded)]).when(enrol(selfFunded, { at: '2026-03-03T00:00:00Z' })).thenNothing();
  });

  it('refuses enrolling an enrolled student again with other data', () => {
    given(studentDecider, [studentEnrolled(selfFunded)]).when(enrol(employee)).thenThrows('student_already_enrolled', 'conflict');
  });

  it('refuses commands on a student who is not enrolled', () => {
    given(studentDecider)
      .when({ type: 'RecordFirstContact', data: { studentId: STUDENT_ID, at: NOW, by: theMentor } })
      .thenThrows('student_not_enrolled', 'not_found');
  });

  it('refuses a command naming another student than the stream', () => {
    given(studentDecider, [studentEnrolled()])
      .when({ type: 'RecordFirstContact', data: { studentId: 'stu-9', at: NOW, by: staff } })
      .thenThrows('student_id_mismatch', 'validation');
  });
});
