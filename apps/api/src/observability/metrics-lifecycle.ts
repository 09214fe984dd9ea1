// The API process's metrics wiring at boot: the subscriber gauges read from this process's runners, and
// the tokenless listener on METRICS_PORT when it is set (closed on shutdown).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { AppConfig, Metrics, startMetricsServer } from '@mentoring/config';
import { EventStore } from '@mentoring/event-store';
import { ProjectionRunner } from '@mentoring/projections';
import { ReactorRunner, sampleSubscribers } from '@mentoring/reactors';
import { ReadStore } from '@mentoring/read-store';
import { APP_CONFIG, EVENT_STORE, PROJECTION_RUNNER, REACTOR_RUNNER, READ_STORE } from '../shared/tokens';
import { METRICS } from './metrics.controller';

@Injectable()
export class MetricsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server: Server | null = null;

  constructor(
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner | null,
    @Optional() @Inject(REACTOR_RUNNER) private readonly reactors: ReactorRunner | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.projections || this.reactors) {
      this.metrics.addSubscriberSource(() => sampleSubscribers(this.eventStore, this.readStore, { projections: this.projections, reactors: this.reactors }));
    }
    if (this.config.metricsPort !== undefined) this.server = await startMetricsServer(this.metrics, this.config.metricsPort, this.config.host);
  }

  /** The METRICS_PORT listener's port (the configured one, or the one chosen for 0), or null without one. */
  get port(): number | null {
    return this.server ? (this.server.address() as AddressInfo).port : null;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}
