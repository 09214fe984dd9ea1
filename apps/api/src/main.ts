// Entry point of the API (and, in the embedded default, of the projections too).
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from '@mentoring/config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = new Logger('Main');
  if (config.jwtSecret === DEVELOPMENT_JWT_SECRET) logger.warn('JWT_SECRET is not set: using the development secret (never in production)');
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  const mode = config.esdbConnectionString ? 'EventStoreDB' : `SQLite at ${config.dataDir}`;
  logger.log(`listening on http://localhost:${config.port} (events: ${mode}; read models: ${config.mongodbUri ? 'MongoDB' : 'embedded'}); docs at /docs`);
}

void main();
