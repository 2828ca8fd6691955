import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Human-readable output (pino-pretty) instead of JSON lines. */
  pretty: boolean;
}

/** JSON lines in production; pino-pretty when a person reads them. Request loggers are children of this one. */
export function createLogger({ level, pretty }: LoggerOptions): Logger {
  return pino({
    level,
    base: { service: 'parley' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    transport: pretty ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } : undefined,
  });
}
