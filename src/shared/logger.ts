import { pino, type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino';
import { currentContext } from './request-context.js';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Human-readable output (pino-pretty) instead of JSON lines. */
  pretty: boolean;
  /** Where JSON lines go; stdout when absent. Tests pass a stream to read them. */
  destination?: DestinationStream;
}

/** The request or socket event under way (requestId, userId, socketId), on every line logged for it. */
function contextFields(): object {
  const context = currentContext();
  return context ? { ...context } : {}; // a copy: pino merges the line's own fields into it
}

/** JSON lines in production; pino-pretty when a person reads them. Every logger is a child of this one. */
export function createLogger({ level, pretty, destination }: LoggerOptions): Logger {
  const options: PinoOptions = {
    level,
    base: { service: 'parley' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: contextFields,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
  };
  if (destination) return pino(options, destination);
  if (pretty) {
    options.transport = { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } };
  }
  return pino(options);
}
