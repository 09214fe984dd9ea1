// Entry point of the API (and, in the embedded default, of the projections too).
import { loadDotEnv } from '@mentoring/config'; loadDotEnv(process.cwd()); // .env when present, before any import reads the environment
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig } from '@mentoring/config';

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
  if (config.jwtSecretSource === 'generated') {
    logger.warn(`JWT_SECRET is not set: tokens are signed with a key generated for this DATA_DIR (${config.dataDir}/secrets/jwt-secret); npm run token uses it. Set JWT_SECRET or JWT_JWKS_URL in production.`);
  }
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  const mode = config.esdbConnectionString ? 'EventStoreDB' : `SQLite at ${config.dataDir}`;
  logger.log(`listening on http://localhost:${config.port} (events: ${mode}; read models: ${config.mongodbUri ? 'MongoDB' : 'embedded'}); docs at /docs`);
}

void main();
