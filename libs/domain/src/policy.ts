// The school's defaults where the mentors' guide is silent (DOMAIN.md, "Defaults"). One place, so a school
// changes them without touching the rules. Deciders receive a policy through their factory; nothing reads it globally.

/** The four funding profiles (R1). */
export const FUNDING_PROFILE_KINDS = ['apprenticeship', 'employee', 'social_programme', 'self_funded'] as const;
export type FundingProfileKind = (typeof FUNDING_PROFILE_KINDS)[number];

export interface DomainPolicy {
  /** Length of one mentoring session, per profile (R6). */
  sessionMinutes: Record<FundingProfileKind, number>;
  /**
   * Whether attendance is obligatory, per profile (R4, R15). Decided at enrolment and recorded in
   * `StudentEnrolled`, so a later change of policy does not rewrite existing contracts.
   */
  obligatoryAttendance: Record<FundingProfileKind, boolean>;
  /** A student cancelling less than this many hours before the start cancels late (counts as missed). */
  lateCancellationHours: number;
  /** The student is a no-show once this fraction of the session length has passed without them. */
  noShowAfterFractionOfSession: number;
  /** Automatic follow-ups (used by reactors, R11): days without an answer, missed sessions in a row. */
  escalation: { unresponsiveDays: number; missedSessionsInARow: number };
  /** A reminder e-mail this many hours before a booked session (used by reactors). */
  reminderHoursBefore: number;
}

export const DEFAULT_POLICY: DomainPolicy = Object.freeze({
  sessionMinutes: Object.freeze({ apprenticeship: 45, employee: 45, social_programme: 45, self_funded: 30 }),
  // Every third-party funder pays for attendance; only the self-funded student's attendance is their own business.
  obligatoryAttendance: Object.freeze({ apprenticeship: true, employee: true, social_programme: true, self_funded: false }),
  lateCancellationHours: 24,
  noShowAfterFractionOfSession: 1 / 3,
  escalation: Object.freeze({ unresponsiveDays: 7, missedSessionsInARow: 2 }),
  reminderHoursBefore: 48,
}) as DomainPolicy;

/** Minutes after the start of a session from which an absent student is a no-show. */
export function noShowThresholdMinutes(policy: DomainPolicy, sessionMinutes: number): number {
  return sessionMinutes * policy.noShowAfterFractionOfSession;
}

/**
 * Fails fast on a policy that cannot work (a school's configuration is checked when the decider is built).
 * Throws a plain Error: a bad policy is a deployment mistake, not a refusal of a command.
 */
export function assertValidPolicy(policy: DomainPolicy): DomainPolicy {
  const problems: string[] = [];
  for (const kind of FUNDING_PROFILE_KINDS) {
    const minutes = policy.sessionMinutes?.[kind];
    if (!Number.isInteger(minutes) || minutes < 1) problems.push(`sessionMinutes.${kind} must be a whole number of minutes >= 1`);
    if (typeof policy.obligatoryAttendance?.[kind] !== 'boolean') problems.push(`obligatoryAttendance.${kind} must be true or false`);
  }
  if (!(policy.lateCancellationHours >= 0)) problems.push('lateCancellationHours must be >= 0');
  if (!(policy.noShowAfterFractionOfSession > 0 && policy.noShowAfterFractionOfSession <= 1)) {
    problems.push('noShowAfterFractionOfSession must be in (0, 1]');
  }
  if (!Number.isInteger(policy.escalation?.unresponsiveDays) || policy.escalation.unresponsiveDays < 1) {
    problems.push('escalation.unresponsiveDays must be a whole number >= 1');
  }
  if (!Number.isInteger(policy.escalation?.missedSessionsInARow) || policy.escalation.missedSessionsInARow < 1) {
    problems.push('escalation.missedSessionsInARow must be a whole number >= 1');
  }
  if (!(policy.reminderHoursBefore >= 0)) problems.push('reminderHoursBefore must be >= 0');
  if (problems.length > 0) throw new Error(`invalid domain policy: ${problems.join('; ')}`);
  return policy;
}
