// The reactors the platform runs, in the API process (embedded deployment) or in the projector.
import { Clock, EventSourcedStreams, IdGenerator, newIds } from '@mentoring/application';
import { DEFAULT_POLICY, DomainPolicy, createStudentDecider } from '@mentoring/domain';
import type { EventStore } from '@mentoring/event-store';
import type { ReadStore } from '@mentoring/read-store';
import type { RunnerLogger } from '@mentoring/projections';
import { Mailer } from './mailer';
import { Reactor } from './reactor';
import { ReactorRunner, ReactorRunnerOptions } from './reactor-runner';
import { assignmentEmailReactor } from './reactors/assignment-email.reactor';
import { escalationsReactor } from './reactors/escalations.reactor';
import { sessionEmailsReactor } from './reactors/session-emails.reactor';
import { weeklyRhythmReactor, WeeklyRhythmOptions } from './reactors/weekly-rhythm.reactor';
import { reservationsProcess, ReservationsOptions } from './processes/reservations.process';
import { auditCheckpointsProcess, AuditCheckpointsOptions } from './processes/audit-checkpoints.process';

export interface ReactorsConfig {
  eventStore: EventStore;
  readStore: ReadStore;
  mailer: Mailer;
  clock: Clock;
  ids?: IdGenerator;
  /** Where automatic escalations are e-mailed (MENTORSHIP_TEAM_EMAIL). */
  mentorshipTeamEmail: string;
  policy?: DomainPolicy;
  weeklyRhythm?: WeeklyRhythmOptions;
  /** The reservations process (releases, and the reconciler's grace period). */
  reservations?: ReservationsOptions;
  /** The audit checkpoints over the global log (tamper evidence). */
  auditCheckpoints?: AuditCheckpointsOptions;
}

export function createReactors(config: ReactorsConfig): Reactor[] {
  const policy = config.policy ?? DEFAULT_POLICY;
  const deps = {
    eventStore: config.eventStore,
    streams: new EventSourcedStreams(config.eventStore, config.clock, config.ids ?? newIds),
    studentDecider: createStudentDecider(policy),
    policy,
    mentorshipTeamEmail: config.mentorshipTeamEmail,
  };
  return [
    reservationsProcess(deps, config.reservations),
    assignmentEmailReactor(deps),
    sessionEmailsReactor(deps),
    escalationsReactor(deps),
    weeklyRhythmReactor(deps, config.weeklyRhythm),
    auditCheckpointsProcess(deps, config.auditCheckpoints),
  ];
}

/** The reactor runner with every reactor, ready to start. */
export function createReactorRunner(config: ReactorsConfig & { logger?: RunnerLogger; options?: Omit<ReactorRunnerOptions, 'clock'> }): ReactorRunner {
  return new ReactorRunner(config.eventStore, config.readStore, createReactors(config), config.mailer, config.logger, { ...config.options, clock: config.clock });
}
