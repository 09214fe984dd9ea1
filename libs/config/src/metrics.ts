// Prometheus metrics (prom-client), one registry per process (the API, the projector): HTTP durations,
// command refusals, event-store appends, subscriber lag and parked events, e-mails, and the process's own
// (collectDefaultMetrics). The libraries report through small sinks (AppendObserver in the event store,
// MailMetrics in the reactors) that this class implements; nothing is global.
import * as http from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a subscriber gauge reads on each scrape: cheap state only (a checkpoint lookup, a count of the lag). */
export interface SubscriberSample {
  name: string;
  kind: 'projection' | 'reactor';
  /** Events in the log after the subscriber's checkpoint. */
  lag: number;
  /** Events it parked that are not resolved yet. */
  parked: number;
  /** This process holds the subscriber's lease (runs it). */
  leaseHeld: boolean;
  /** When the lease expires unless renewed (ISO), or null. */
  leaseExpiresAt: string | null;
}

export type SubscriberSource = () => Promise<SubscriberSample[]>;

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests, by operationId (none: no route), method and status.',
    labelNames: ['operationId', 'method', 'status'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly commandsRefused = new Counter({
    name: 'commands_refused_total',
    help: 'Commands refused (4xx from a decider, a precondition or a lost race), by problem code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly appendDuration = new Histogram({
    name: 'event_store_append_duration_seconds',
    help: 'Latency of event-store appends (one stream, atomically), by outcome (ok, conflict, error).',
    labelNames: ['outcome'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly appendBatchSize = new Histogram({
    name: 'event_store_append_batch_size',
    help: 'Events per append.',
    buckets: [1, 2, 3, 5, 10, 20, 50, 100],
    registers: [this.registry],
  });
  readonly emails = new Counter({
    name: 'emails_total',
    help: 'E-mails by outcome: sent (accepted by the server or written to the outbox), deferred (a failure a retry may cure), failed (refused for good).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly projectionLag = this.gauge('projection_lag_events', 'Events in the log not yet applied by the projection.', 'projection');
  private readonly reactorLag = this.gauge('reactor_lag_events', 'Events in the log not yet handled by the reactor.', 'reactor');
  private readonly parked = this.gauge('parked_events', 'Poison events parked by a projection or reactor and not resolved yet.', 'subscriber');
  private readonly leaseHeld = this.gauge('subscriber_lease_held', "1 when this process holds the subscriber's lease and runs it, 0 when another process does (standby).", 'subscriber');
  private readonly leaseExpiresIn = this.gauge('subscriber_lease_expires_in_seconds', "Seconds until the subscriber's lease expires unless its owner renews it (negative: expired).", 'subscriber');
  private readonly sources: SubscriberSource[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const outcome of ['sent', 'deferred', 'failed']) this.emails.inc({ outcome }, 0);
  }

  private gauge(name: string, help: string, label: string): Gauge<string> {
    return new Gauge({ name, help, labelNames: [label], registers: [this.registry] });
  }

  /** The runners of this process: read on every scrape. */
  addSubscriberSource(source: SubscriberSource): void {
    this.sources.push(source);
  }

  /** The event store's sink (AppendObserver): one observation per append. */
  appended(durationSeconds: number, events: number, outcome: 'ok' | 'conflict' | 'error'): void {
    this.appendDuration.observe({ outcome }, durationSeconds);
    this.appendBatchSize.observe(events);
  }

  /** The reactors' sink (MailMetrics). */
  readonly mail = {
    sent: () => this.emails.inc({ outcome: 'sent' }),
    deferred: () => this.emails.inc({ outcome: 'deferred' }),
    failed: () => this.emails.inc({ outcome: 'failed' }),
  };

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: the subscriber gauges read now, then every metric. */
  async render(): Promise<string> {
    const samples = (await Promise.all(this.sources.map((source) => source()))).flat();
    for (const gauge of [this.projectionLag, this.reactorLag, this.parked, this.leaseHeld, this.leaseExpiresIn]) gauge.reset();
    for (const s of samples) {
      (s.kind === 'projection' ? this.projectionLag : this.reactorLag).set({ [s.kind]: s.name }, s.lag);
      this.parked.set({ subscriber: s.name }, s.parked);
      this.leaseHeld.set({ subscriber: s.name }, s.leaseHeld ? 1 : 0);
      if (s.leaseExpiresAt !== null) this.leaseExpiresIn.set({ subscriber: s.name }, (Date.parse(s.leaseExpiresAt) - Date.now()) / 1000);
    }
    return this.registry.metrics();
  }
}

/** Answers `GET /metrics` (text) from `metrics`; anything else 404. The tokenless METRICS_PORT and the projector's port use it. */
export async function answerMetrics(metrics: Metrics, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
    response.writeHead(404, { 'content-type': 'application/problem+json' });
    response.end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, code: 'route_not_found' }));
    return;
  }
  try {
    const text = await metrics.render();
    response.writeHead(200, { 'content-type': metrics.contentType });
    response.end(text);
  } catch (error) {
    response.writeHead(503, { 'content-type': 'application/problem+json' });
    response.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'store_unavailable', detail: String(error) }));
  }
}

/** The tokenless metrics server of METRICS_PORT (for a scraper on a private network), bound to `host`. */
export async function startMetricsServer(metrics: Metrics, port: number, host: string): Promise<http.Server> {
  const server = http.createServer((request, response) => void answerMetrics(metrics, request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
