// The one log format of every process (the API, the projector, the CLIs' diagnostics): pino JSON lines,
// `{"level":"info","time":"…","pid":…,"context":"Projections","msg":"…"}`, or pino-pretty's coloured
// text for a terminal (LOG_FORMAT=pretty). LOG_LEVEL keeps Nest's names: log → info, verbose → trace.
import pino, { DestinationStream, Level, LevelWithSilent, Logger } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from './config';

export type { Logger as PinoLogger, DestinationStream } from 'pino';

/** LOG_LEVEL (Nest's names) → pino's level. */
export const PINO_LEVELS: Record<AppConfig['logLevel'], LevelWithSilent> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
  silent: 'silent',
};

export interface LoggerOptions {
  logLevel: AppConfig['logLevel'];
  logFormat: AppConfig['logFormat'];
  /** Where lines go: a stream (tests capture one), or a file descriptor (default 1, stdout; the CLIs use 2). */
  destination?: DestinationStream | number;
  /** Fields on every line (e.g. `{ process: 'projector' }`). */
  base?: Record<string, unknown>;
}

/**
 * Never written, whatever a caller passes: credentials and contact details under these keys are replaced
 * (request lines carry ids and roles only; this is the net under that rule).
 */
const REDACTED = ['authorization', 'token', 'password', 'email', '*.authorization', '*.token', '*.password', '*.email'];

export function createLogger(options: LoggerOptions): Logger {
  const settings: pino.LoggerOptions = {
    level: PINO_LEVELS[options.logLevel],
    base: { pid: process.pid, ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  const fd = typeof options.destination === 'number' ? options.destination : 1;
  if (options.logFormat === 'pretty' && typeof options.destination !== 'object') {
    // In-process (no worker thread), synchronous: a CLI that exits right after a line still prints it.
    return pino(settings, pretty({ colorize: true, destination: fd, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  // Levels as words ("level":"error"), which a log query reads without a table.
  settings.formatters = { level: (label) => ({ level: label }) };
  return pino(settings, typeof options.destination === 'object' ? options.destination : pino.destination({ fd, sync: true }));
}

/** The `{log, error}` shape the projection and reactor runners log through, as lines of `context`. */
export function runnerLogger(logger: Logger, context: string): { log(message: string): void; error(message: string): void; warn(message: string): void } {
  const child = logger.child({ context });
  return { log: (m) => child.info(m), warn: (m) => child.warn(m), error: (m) => child.error(m) };
}

export type { Level };

/**
 * A command-line tool's failure, in the platform's log format, on stderr (its output for humans and pipes stays
 * on stdout): one line, the stack with it. LOG_FORMAT=pretty for a terminal, as everywhere.
 */
export function logCliFailure(tool: string, error: unknown, env: Record<string, string | undefined> = process.env): void {
  const logFormat: AppConfig['logFormat'] = env.LOG_FORMAT === 'pretty' ? 'pretty' : 'json';
  const log = createLogger({ logLevel: 'log', logFormat, destination: 2, base: { process: tool } });
  log.error({ err: error instanceof Error ? error : undefined }, error instanceof Error ? error.message : String(error));
}
