import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type Logger as Pino } from 'pino';
import type { ResolvedConfig } from '../config/app-config.js';

/**
 * The host's one pino instance: JSON lines on stdout. Fastify logs requests through it with its own hooks
 * (no per-request middleware), and Nest's Logger writes through AppLogger with `context` = the class name.
 */
export function createPino(config: Pick<ResolvedConfig, 'logLevel'>): Pino {
  return pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  });
}

const LEVELS: Record<LogLevel, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Nest's LoggerService over pino: `new Logger(Context.name).log(...)` becomes `{ level, context, msg }`. */
export class AppLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes the context as the last string parameter and, for errors, a stack before it. */
  private write(level: LogLevel, message: unknown, params: unknown[]): void {
    const target = LEVELS[level];
    if (!this.pino.isLevelEnabled(target)) return;
    const rest = [...params];
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const stack =
      level === 'error' || level === 'fatal' ? rest.find((p): p is string => typeof p === 'string') : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (stack) fields.stack = stack;
    if (message instanceof Error) this.pino[target]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[target]({ ...fields, ...message });
    else this.pino[target](fields, String(message));
  }
}
