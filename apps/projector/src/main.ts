// The projector of the distributed deployment: runs every projection as a subscription to the event
// store, from its checkpoint, into the read store. No HTTP besides /health and /metrics.
import * as http from 'node:http';
import { ConfigError, loadConfig } from '@mentoring/config';
import { createEventStore, formatPosition } from '@mentoring/event-store';
import { createReadStore } from '@mentoring/read-store';
import { ALL_PROJECTIONS, ProjectionRunner } from '@mentoring/projections';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ ...process.env, RUN_PROJECTIONS: 'true' });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const eventStore = createEventStore({ esdbConnectionString: config.esdbConnectionString, dataDir: config.dataDir, synchronous: config.sqliteSynchronous });
  const readStore = await createReadStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
  const log = (message: string) => console.log(`[projector] ${message}`);
  const runner = new ProjectionRunner(eventStore, readStore, ALL_PROJECTIONS, { log, error: (m) => console.error(`[projector] ${m}`) });
  await runner.start();
  log(`running ${ALL_PROJECTIONS.map((p) => p.name).join(', ')}`);

  const server = http.createServer((request, response) => {
    void (async () => {
      if (request.url === '/health' || request.url === '/metrics') {
        try {
          const projections = await runner.status();
          const head = await eventStore.headPosition();
          if (request.url === '/health') {
            response.writeHead(200, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ status: 'ok', eventStore: { head: head ? formatPosition(head) : null }, projections }));
          } else {
            response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
            response.end(
              '# HELP projection_lag_events Events in the log not yet applied by the projection.\n# TYPE projection_lag_events gauge\n' +
                projections.map((p) => `projection_lag_events{projection="${p.name}"} ${p.lag}`).join('\n') +
                '\n',
            );
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
    await runner.stop();
    await eventStore.close();
    await readStore.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

void main();
