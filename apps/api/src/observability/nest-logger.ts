// Nest's logger replaced by pino: every `new Logger('X').log(...)` of the application is a JSON line with
// `context: 'X'` (LOG_LEVEL filters in pino: log → info, verbose → trace).
import type { LoggerService } from '@nestjs/common';
import type { PinoLogger } from '@mentoring/config';

export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: PinoLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }
  /** Nest calls error(message, stack?, context?); an Error as message keeps its stack. */
  error(message: unknown, ...rest: unknown[]): void {
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) this.pino.error({ context, err: message }, message.message);
    else this.pino.error({ context, ...(stack ? { stack } : {}) }, String(message));
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (typeof message === 'object' && message !== null && !(message instanceof Error)) this.pino[level]({ context, ...message });
    else this.pino[level]({ context }, String(message));
  }
}
