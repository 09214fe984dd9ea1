// The projector of the distributed deployment: runs every projection and every reactor as a
// subscription to the event store, from its checkpoint, into the read store, and the reactors'
// scheduler (reminders, escalations, weekly rhythm). No HTTP besides /health and /metrics.
import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment
import * as http from 'node:http';
import * as path from 'node:path';
import { AppConfig, ConfigError, loadConfig } from '@mentoring/config';
import { createEventStore, createKeyStore, EventStore, formatPosition } from '@mentoring/event-store';
import { createReadStore, ReadStore } from '@mentoring/read-store';
import { createProjections, ProjectionRunner, countParkedEvents, listParkedEvents } from '@mentoring/projections';
import { createMailer, createReactorRunner, listFailedDueWork, ReactorRunner } from '@mentoring/reactors';

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

async function metrics(readStore: ReadStore, runner: ProjectionRunner, reactors: ReactorRunner | null): Promise<string> {
  const projections = await runner.status();
  const reactorStatus = reactors ? await reactors.status() : [];
  const parked = await countParkedEvents(readStore);
  const lines = [
    '# HELP projection_lag_events Events in the log not yet applied by the projection.',
    '# TYPE projection_lag_events gauge',
    ...projections.map((p) => `projection_lag_events{projection="${p.name}"} ${p.lag}`),
    '# HELP reactor_lag_events Events in the log not yet handled by the reactor.',
    '# TYPE reactor_lag_events gauge',
    ...reactorStatus.map((r) => `reactor_lag_events{reactor="${r.name}"} ${r.lag}`),
    '# HELP parked_events Poison events parked by a projection or reactor and not resolved yet.',
    '# TYPE parked_events gauge',
    ...[...projections, ...reactorStatus].map((s) => `parked_events{subscriber="${s.name}"} ${parked[s.name] ?? 0}`),
    '# HELP reactor_due_work Due work of a reactor by state (pending: waiting for its time; failed: given up, see npm run parked).',
    '# TYPE reactor_due_work gauge',
    ...reactorStatus.flatMap((r) => [`reactor_due_work{reactor="${r.name}",state="pending"} ${r.duePending}`, `reactor_due_work{reactor="${r.name}",state="failed"} ${r.dueFailed}`]),
    '# HELP subscriber_lease_held 1 when this process holds the subscriber\'s lease and runs it, 0 when another process does (standby).',
    '# TYPE subscriber_lease_held gauge',
    ...[...projections, ...reactorStatus].map((s) => `subscriber_lease_held{subscriber="${s.name}"} ${s.lease.held ? 1 : 0}`),
    '# HELP subscriber_lease_expires_in_seconds Seconds until the subscriber\'s lease expires unless its owner renews it (negative: expired).',
    '# TYPE subscriber_lease_expires_in_seconds gauge',
    ...[...projections, ...reactorStatus]
      .filter((s) => s.lease.expiresAt !== null)
      .map((s) => `subscriber_lease_expires_in_seconds{subscriber="${s.name}"} ${((Date.parse(s.lease.expiresAt!) - Date.now()) / 1000).toFixed(1)}`),
  ];
  return `${lines.join('\n')}\n`;
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
  const eventStore = createEventStore({
    esdbConnectionString: config.esdbConnectionString,
    dataDir: config.dataDir,
    synchronous: config.sqliteSynchronous,
    keyStore: createKeyStore({ keyEncryptionKey: config.keyEncryptionKey, mongodbUri: config.mongodbUri, dataDir: config.dataDir }),
  });
  const readStore = await createReadStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  const log = (message: string) => console.log(`[projector] ${message}`);
  const logger = { log, error: (m: string) => console.error(`[projector] ${m}`) };
  const options = { maxAttempts: config.parkAfterAttempts, leaseTtlMs: config.subscriberLeaseSeconds * 1000 };
  const projections = createProjections(config);
  const runner = new ProjectionRunner(eventStore, readStore, projections, logger, options);
  await runner.start();
  log(`projections ${projections.map((p) => p.name).join(', ')} (each run by the one projector that holds its lease: ${runner.leases.heldNames().length} here)`);
  let reactors: ReactorRunner | null = null;
  if (config.runReactors) {
    const mailer = createMailer({ smtpUrl: config.smtpUrl, outboxDir: path.join(config.dataDir, 'outbox'), from: config.mailFrom });
    reactors = createReactorRunner({
      eventStore,
      readStore,
      mailer,
      clock: { now: () => new Date() },
      mentorshipTeamEmail: config.mentorshipTeamEmail,
      reservations: { graceSeconds: config.reservationGraceSeconds },
      logger: { log: (m) => log(`reactors: ${m}`), error: (m) => logger.error(`reactors: ${m}`) },
      options: { ...options, tickIntervalMs: config.reactorTickSeconds * 1000 },
    });
    await reactors.start();
    log(`reactors ${reactors.reactors.map((r) => r.name).join(', ')}; e-mail to ${mailer.target}`);
  }

  const server = http.createServer((request, response) => {
    void (async () => {
      if (request.url === '/health' || request.url === '/metrics') {
        try {
          if (request.url === '/health') {
            response.writeHead(200, { 'content-type': 'application/json' });
            response.end(JSON.stringify(await health(eventStore, readStore, runner, reactors)));
          } else {
            response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
            response.end(await metrics(readStore, runner, reactors));
          }
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
    await reactors?.stop();
    await runner.stop();
    await eventStore.close();
    await readStore.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

void main();
