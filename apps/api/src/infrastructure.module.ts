// Wires the ports to their adapters, chosen by configuration only (connection strings).
import * as path from 'node:path';
import { BeforeApplicationShutdown, DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, Optional, Provider } from '@nestjs/common';
import { createEventStore, createKeyStore, EventStore, InstrumentedEventStore, KeyStore, SharedSubscriptionsEventStore, timeOrderedUuid } from '@mentoring/event-store';
import { createIdempotencyStore, createReadStore, IdempotencyStore, ReadStore } from '@mentoring/read-store';
import { createProjections, ProjectionRunner } from '@mentoring/projections';
import { createMailer, createReactorRunner, instrumentMailer, Mailer, ReactorRunner } from '@mentoring/reactors';
import { AppConfig, DestinationStream, Metrics } from '@mentoring/config';
import { TOKEN_VERIFIER, TokenVerifier } from './http/auth';
import { ParkedEventsController } from './health/parked-events.controller';
import { METRICS, MetricsController } from './observability/metrics.controller';
import { MetricsLifecycle } from './observability/metrics-lifecycle';
import { APP_CONFIG, CLOCK, Clock, EVENT_STORE, ID_GENERATOR, IdGenerator, PROJECTION_RUNNER, REACTOR_RUNNER, READ_STORE, IDEMPOTENCY_STORE, KEY_STORE, systemClock } from './shared/tokens';

/** Replacements for tests: a fixed clock, predictable ids, a store shared between app instances, a mailer. */
export interface InfrastructureOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  eventStore?: EventStore;
  readStore?: ReadStore;
  mailer?: Mailer;
  /** A verifier with test settings (e.g. a short JWKS cooldown to observe a key rotation). */
  tokenVerifier?: TokenVerifier;
  /** Where the log lines go (tests capture them); default stdout. */
  logDestination?: DestinationStream;
}

const LEGACY_IDEMPOTENCY_COLLECTION = '_idempotency';

/** Starts the in-process projections and reactors after boot, stops them and closes every store on shutdown. */
@Injectable()
class Lifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
    @Inject(KEY_STORE) private readonly keyStore: KeyStore,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner | null,
    @Optional() @Inject(REACTOR_RUNNER) private readonly reactors: ReactorRunner | null,
    @Inject('OWNS_STORES') private readonly ownsStores: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Idempotency answers used to live in the read store's `_idempotency` collection, in memory and for
    // ever; they now have their own store with an expiry. The old ones are dropped once.
    if ((await this.readStore.listCollections()).includes(LEGACY_IDEMPOTENCY_COLLECTION)) {
      await this.readStore.dropCollection(LEGACY_IDEMPOTENCY_COLLECTION);
      this.logger.log(`dropped the legacy ${LEGACY_IDEMPOTENCY_COLLECTION} collection (idempotency answers now expire, IDEMPOTENCY_TTL_HOURS)`);
    }
    if (this.runner) {
      await this.runner.start();
      this.logger.log(`projections running in this process: ${this.runner.projections.map((p) => p.name).join(', ')}`);
    }
    if (this.reactors) {
      await this.reactors.start();
      this.logger.log(`reactors running in this process: ${this.reactors.reactors.map((r) => r.name).join(', ')}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.reactors?.stop();
    await this.runner?.stop();
    if (this.ownsStores) {
      await this.eventStore.close();
      await this.readStore.close();
    }
    await this.idempotency.close();
    await this.keyStore.close();
  }
}

@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig, overrides: InfrastructureOverrides = {}): DynamicModule {
    const clock = overrides.clock ?? systemClock;
    const ids = overrides.ids ?? ({ uuid: () => timeOrderedUuid() } satisfies IdGenerator);
    const runnerOptions = { maxAttempts: config.parkAfterAttempts, leaseTtlMs: config.subscriberLeaseSeconds * 1000 };
    // One registry per process (per app in tests): appends and e-mails report to it, /metrics reads it.
    const metrics = new Metrics();
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      { provide: METRICS, useValue: metrics },
      { provide: TOKEN_VERIFIER, useValue: overrides.tokenVerifier ?? new TokenVerifier(config) },
      { provide: CLOCK, useValue: clock },
      { provide: ID_GENERATOR, useValue: ids },
      { provide: 'OWNS_STORES', useValue: !overrides.eventStore && !overrides.readStore },
      // Crypto-shredding: personal fields are sealed with per-person keys; EraseStudentPersonalData destroys one.
      { provide: KEY_STORE, useFactory: () => createKeyStore({ keyEncryptionKey: config.keyEncryptionKey, mongodbUri: config.mongodbUri, dataDir: config.dataDir }) },
      {
        provide: EVENT_STORE,
        // Appends timed for the metrics, outside every other decorator (what a command waits for).
        inject: [KEY_STORE],
        useFactory: (keyStore: KeyStore) =>
          new InstrumentedEventStore(
            // One $all reader for every subscriber of this process (projections, reactors, process managers).
            new SharedSubscriptionsEventStore(
              overrides.eventStore ??
                createEventStore({
                  esdbConnectionString: config.esdbConnectionString,
                  dataDir: config.dataDir,
                  synchronous: config.sqliteSynchronous,
                  keyStore,
                }),
              { freezeEvents: config.nodeEnv === 'test' },
            ),
            metrics,
          ),
      },
      {
        provide: READ_STORE,
        useFactory: async () => overrides.readStore ?? (await createReadStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, cacheMb: config.readStoreCacheMb })),
      },
      { provide: IDEMPOTENCY_STORE, useFactory: () => createIdempotencyStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir }) },
      {
        provide: PROJECTION_RUNNER,
        inject: [EVENT_STORE, READ_STORE],
        useFactory: (eventStore: EventStore, readStore: ReadStore) =>
          config.runProjections ? new ProjectionRunner(eventStore, readStore, createProjections(config), new Logger('Projections'), runnerOptions) : null,
      },
      {
        // The reactors run here in the embedded deployment (next to the projections), in the projector otherwise.
        provide: REACTOR_RUNNER,
        inject: [EVENT_STORE, READ_STORE],
        useFactory: (eventStore: EventStore, readStore: ReadStore) =>
          config.runReactors
            ? createReactorRunner({
                eventStore,
                readStore,
                clock,
                ids,
                mailer: instrumentMailer(overrides.mailer ?? createMailer({ smtpUrl: config.smtpUrl, outboxDir: path.join(config.dataDir, 'outbox'), from: config.mailFrom }), metrics.mail),
                mentorshipTeamEmail: config.mentorshipTeamEmail,
                reservations: { graceSeconds: config.reservationGraceSeconds },
                logger: new Logger('Reactors'),
                options: {
                  ...runnerOptions,
                  tickIntervalMs: config.reactorTickSeconds * 1000,
                  emailMaxAgeMs: config.emailMaxAgeHours * 3_600_000,
                  historyWindowMs: config.reactorsHistoryHours * 3_600_000,
                },
              })
            : null,
      },
      Lifecycle,
      MetricsLifecycle,
    ];
    return {
      module: InfrastructureModule,
      controllers: [ParkedEventsController, MetricsController],
      providers,
      exports: providers.filter((p) => p !== Lifecycle),
    };
  }
}
