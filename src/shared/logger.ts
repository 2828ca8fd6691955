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

const BOUND_TO_REQUEST = Symbol('parley.boundToRequest');

/**
 * Marks a logger whose bindings already hold the request's ids (an edge's own logger, such as
 * req.log): the context fields are not added to its lines a second time. Its children inherit it.
 */
export function boundToRequest<L extends Logger>(logger: L): L {
  Object.defineProperty(logger, BOUND_TO_REQUEST, { value: true });
  return logger;
}

/** The request or socket event under way (requestId, userId, socketId), on every line logged for it. */
function contextFields(_line: object, _level: number, logger: Logger): object {
  if ((logger as unknown as Record<symbol, unknown>)[BOUND_TO_REQUEST]) return {};
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
