// Entry point of the API (and, in the embedded default, of the projections too).
import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { AppConfig, applyHeapGrowth, ConfigError, loadConfig } from '@mentoring/config';
import { cleanOutboxTemporaries } from '@mentoring/reactors';
import { checkDataDirFree, checkPortFree, describeStartupError } from './health/startup-checks';

/** After SIGTERM, requests are still accepted this long before the listener closes. */
const SHUTDOWN_GRACE_MS = 500;

/** One line saying what and what to do, exit code 1 (a failure we can name); otherwise the stack. */
function fail(error: unknown, config: AppConfig): never {
  const line = describeStartupError(error, config);
  console.error(line ?? (error instanceof Error ? (error.stack ?? error.message) : String(error)));
  process.exit(1);
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // Before the stores load anything: the heap's growth between full GCs (ADR 0010).
  applyHeapGrowth(config.heapGrowthPercent);
  const logger = new Logger('Main');
  if (config.jwtSecretSource === 'generated') {
    logger.warn(`JWT_SECRET is not set: tokens are signed with a key generated for this DATA_DIR (${config.dataDir}/secrets/jwt-secret); npm run token uses it. Set JWT_SECRET or JWT_JWKS_URL in production.`);
  }
  // Before any store is opened or any subscriber starts (they start inside createApp): the port, the DATA_DIR.
  try {
    await checkPortFree(config);
    checkDataDirFree(config);
  } catch (error) {
    fail(error, config);
  }
  if (!config.smtpUrl) {
    const removed = await cleanOutboxTemporaries(path.join(config.dataDir, 'outbox'));
    if (removed > 0) logger.log(`removed ${removed} temporary outbox file(s) left by a crash (*.eml.<pid>.tmp)`);
  }
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp(config);
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    fail(error, config);
  }
  const mode = config.esdbConnectionString ? 'EventStoreDB' : `SQLite at ${config.dataDir}`;
  logger.log(`listening on http://localhost:${config.port} (events: ${mode}; read models: ${config.mongodbUri ? 'MongoDB' : 'embedded'}); docs at /docs`);

  // SIGTERM / SIGINT: stop accepting, let the requests in flight finish (Fastify's close waits for them), then
  // stop the subscribers after their current batch (its checkpoint committed) and close the stores; exit 0.
  // Nest's own signal handler re-raises the signal (an exit by signal): replaced by this one.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.removeAllListeners(signal);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining requests, then stopping the projections and reactors`);
    try {
      // A short grace first: connections already opened (accepted, their request not parsed yet) would be
      // closed as idle by Fastify's close, and a client would see a reset.
      await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS));
      await app.getHttpAdapter().getInstance().close();
      await app.close();
      logger.log('stopped cleanly');
      process.exit(0);
    } catch (error) {
      console.error(`stop failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

void main();
