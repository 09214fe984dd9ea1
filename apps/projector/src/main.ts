// The projector of the distributed deployment: runs every projection and every reactor as a
// subscription to the event store, from its checkpoint, into the read store, and the reactors'
// scheduler (reminders, escalations, weekly rhythm). No HTTP besides /health and /metrics.
import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { answerMetrics, AppConfig, applyHeapGrowth, ConfigError, createLogger, loadConfig, Metrics, runnerLogger } from '@mentoring/config';
import { createEventStore, createKeyStore, EventStore, formatPosition, InstrumentedEventStore, SharedSubscriptionsEventStore } from '@mentoring/event-store';
import { createReadStore, ReadStore } from '@mentoring/read-store';
import { createProjections, ProjectionRunner, listParkedEvents } from '@mentoring/projections';
import { cleanOutboxTemporaries, createMailer, createReactorRunner, HealthMonitor, instrumentMailer, listFailedDueWork, ReactorRunner, sampleSubscribers } from '@mentoring/reactors';

async function health(eventStore: EventStore, readStore: ReadStore, runner: ProjectionRunner, reactors: ReactorRunner | null) {
  const head = await eventStore.headPosition();
  const parked = await listParkedEvents(readStore);
  const failedDueWork = await listFailedDueWork(readStore);
  return {
    status: parked.length > 0 || failedDueWork.length > 0 ? 'degraded' : 'ok',
    eventStore: { head: head ? formatPosition(head) : null },
    projections: await runner.status(),
    reactors: reactors ? await reactors.status() : [],
    parkedEvents: {
      count: parked.length,
      events: parked.slice(0, 20).map((p) => ({ id: p._id, subscriber: p.subscriber, eventId: p.eventId, eventType: p.eventType, streamId: p.streamId, state: p.state, attempts: p.attempts, parkedAt: p.parkedAt })),
    },
    failedDueWork: { count: failedDueWork.length, items: failedDueWork.slice(0, 20).map((d) => ({ id: d._id, reactor: d.reactor, kind: d.kind, dueAt: d.dueAt, attempts: d.attempts })) },
  };
}

/** Whether this process may listen on host:port (checked before anything starts; the server listens after the subscribers). */
function portIsFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig({ ...process.env, RUN_PROJECTIONS: 'true' });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // Before the stores load anything: the heap's growth between full GCs (ADR 0010).
  applyHeapGrowth(config.heapGrowthPercent);
  // The port first: a port in use is one line and exit 1, before any store opens or any subscriber starts.
  if (!(await portIsFree(config.host, config.port))) {
    console.error(`Port ${config.port} on ${config.host} is in use by another process (EADDRINUSE): stop it (ss -ltnp | grep :${config.port}) or set PORT to a free port.`);
    process.exit(1);
  }
  // One registry for the process (prom-client); appends and e-mails report to it.
  const metrics = new Metrics();
  // One $all reader for the projections and reactors of this process (SharedSubscriptionsEventStore).
  const eventStore = new InstrumentedEventStore(
    new SharedSubscriptionsEventStore(
      createEventStore({
        esdbConnectionString: config.esdbConnectionString,
        dataDir: config.dataDir,
        synchronous: config.sqliteSynchronous,
        keyStore: createKeyStore({ keyEncryptionKey: config.keyEncryptionKey, mongodbUri: config.mongodbUri, dataDir: config.dataDir }),
      }),
    ),
    metrics,
  );
  const readStore = await createReadStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, cacheMb: config.readStoreCacheMb });
  // The API's format: pino JSON lines (LOG_FORMAT, LOG_LEVEL), `context` naming the part.
  const pino = createLogger({ logLevel: config.logLevel, logFormat: config.logFormat, base: { process: 'projector' } });
  const logger = runnerLogger(pino, 'Projections');
  const log = (message: string) => pino.info({ context: 'Projector' }, message);
  const options = { maxAttempts: config.parkAfterAttempts, leaseTtlMs: config.subscriberLeaseSeconds * 1000 };
  const projections = createProjections(config);
  const runner = new ProjectionRunner(eventStore, readStore, projections, logger, options);
  await runner.start();
  log(`projections ${projections.map((p) => p.name).join(', ')} (each run by the one projector that holds its lease: ${runner.leases.heldNames().length} here)`);
  let reactors: ReactorRunner | null = null;
  if (config.runReactors) {
    if (!config.smtpUrl) await cleanOutboxTemporaries(path.join(config.dataDir, 'outbox'));
    const mailer = instrumentMailer(createMailer({ smtpUrl: config.smtpUrl, outboxDir: path.join(config.dataDir, 'outbox'), from: config.mailFrom }), metrics.mail);
    reactors = createReactorRunner({
      eventStore,
      readStore,
      mailer,
      clock: { now: () => new Date() },
      mentorshipTeamEmail: config.mentorshipTeamEmail,
      reservations: { graceSeconds: config.reservationGraceSeconds },
      logger: runnerLogger(pino, 'Reactors'),
      options: {
        ...options,
        tickIntervalMs: config.reactorTickSeconds * 1000,
        emailMaxAgeMs: config.emailMaxAgeHours * 3_600_000,
        historyWindowMs: config.reactorsHistoryHours * 3_600_000,
      },
    });
    await reactors.start();
    log(`reactors ${reactors.reactors.map((r) => r.name).join(', ')}; e-mail to ${mailer.target}`);
  }

  metrics.addSubscriberSource(() => sampleSubscribers(eventStore, readStore, { projections: runner, reactors }));
  // Liveness and readiness as the API's (libs/reactors/src/health-monitor.ts): in-memory state and O(1) samples.
  const monitor = new HealthMonitor(eventStore, readStore, { projections: runner, reactors }, {
    maxLagEvents: config.readyMaxLagEvents,
    minFreeDiskBytes: config.readyMinFreeDiskMb * 1024 * 1024,
    dataDir: config.dataDir,
    sqliteEventsFile: config.esdbConnectionString ? undefined : path.join(config.dataDir, 'events.sqlite'),
  });
  const server = http.createServer((request, response) => {
    void (async () => {
      if (request.url === '/health/live') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'live' }));
        return;
      }
      if (request.url === '/health/ready') {
        // No token on this port: the status and the reasons (no personal data), never the details.
        const { ready, reasons } = await monitor.readiness();
        response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
        response.end(JSON.stringify(ready ? { status: 'ready' } : { status: 'unready', reasons }));
        return;
      }
      // Prometheus text from the process's registry (the API's metrics, without HTTP): no token on this port.
      if (request.url?.split('?')[0] === '/metrics') return answerMetrics(metrics, request, response);
      if (request.url === '/health') {
        try {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(await health(eventStore, readStore, runner, reactors)));
        } catch (error) {
          response.writeHead(503, { 'content-type': 'application/problem+json' });
          response.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'store_unavailable', detail: String(error) }));
        }
        return;
      }
      response.writeHead(404, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, code: 'route_not_found' }));
    })();
  });
  server.listen(config.port, config.host, () => log(`health on http://localhost:${config.port}/health`));

  const shutdown = async () => {
    server.close();
    // After their current batch (its checkpoint committed).
    await reactors?.stop();
    await runner.stop();
    monitor.close();
    await eventStore.close();
    await readStore.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

void main();
