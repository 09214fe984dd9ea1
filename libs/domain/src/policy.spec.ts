import { DEFAULT_POLICY, DomainPolicy, assertValidPolicy, noShowThresholdMinutes } from './policy';
import { createStudentDecider } from './student/student.decider';

describe('policy defaults (DOMAIN.md "Defaults")', () => {
  it('R6: 30-minute sessions for self-funded students and 45 minutes for third-party funded ones', () => {
    expect(DEFAULT_POLICY.sessionMinutes).toEqual({ apprenticeship: 45, employee: 45, social_programme: 45, self_funded: 30 });
  });

  it('R4/R15: attendance is obligatory for every third-party funded profile, not for self-funded students', () => {
    expect(DEFAULT_POLICY.obligatoryAttendance).toEqual({ apprenticeship: true, employee: true, social_programme: true, self_funded: false });
  });

  it('late cancellation under 24 h, no-show after a third of the session, escalation after 7 days or 2 missed, reminder 48 h before', () => {
    expect(DEFAULT_POLICY.lateCancellationHours).toBe(24);
    expect(noShowThresholdMinutes(DEFAULT_POLICY, 45)).toBe(15);
    expect(DEFAULT_POLICY.escalation).toEqual({ unresponsiveDays: 7, missedSessionsInARow: 2 });
    expect(DEFAULT_POLICY.reminderHoursBefore).toBe(48);
  });

  it('is frozen, so no code changes it at run time', () => {
    expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_POLICY.sessionMinutes)).toBe(true);
  });

  it('refuses to build a decider on a policy that cannot work', () => {
    const broken: DomainPolicy = { ...DEFAULT_POLICY, sessionMinutes: { ...DEFAULT_POLICY.sessionMinutes, employee: 0 } };
    expect(() => createStudentDecider(broken)).toThrow('sessionMinutes.employee');
    expect(() => assertValidPolicy({ ...DEFAULT_POLICY, noShowAfterFractionOfSession: 2 })).toThrow('noShowAfterFractionOfSession');
  });
});
