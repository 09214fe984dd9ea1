// `.env` support for every entry point (the API, the projector, the CLIs): when `<cwd>/.env` exists, its
// variables are loaded with Node's own parser (`process.loadEnvFile`, the same as `node --env-file`).
// Variables already in the environment win: loadEnvFile never overrides one that is set, so
// `PORT=4000 npm start` beats `PORT=3000` in `.env`. `.env.example` lists every variable.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Loads `<cwd>/.env` when present; returns the file loaded, or undefined when there is none. */
export function loadDotEnv(cwd: string = process.cwd()): string | undefined {
  const file = path.join(cwd, '.env');
  if (!fs.existsSync(file)) return undefined;
  try {
    process.loadEnvFile(file);
  } catch (error) {
    // A file that exists but cannot be read (permissions, a directory): say so in one line and stop.
    console.error(`Invalid configuration: cannot read ${file}: ${(error as Error).message}`);
    process.exit(1);
  }
  return file;
}
