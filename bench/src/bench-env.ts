// One HS256 key for a whole bench run, shared with the servers it starts in child processes (they
// inherit the environment), so tokens signed here verify there whatever DATA_DIR each one uses.
import { randomBytes } from 'node:crypto';

export function benchEnv(): { JWT_SECRET: string; RATE_LIMIT_ENABLED: string } {
  process.env.JWT_SECRET ??= randomBytes(32).toString('hex');
  // A load test is one client sending far more than a person would: the rate limits would measure themselves.
  process.env.RATE_LIMIT_ENABLED ??= 'false';
  return { JWT_SECRET: process.env.JWT_SECRET, RATE_LIMIT_ENABLED: process.env.RATE_LIMIT_ENABLED };
}
