import type { z } from 'zod';
import { toAppError } from '../shared/error-handler.js';
import { toErrorPayload } from '../shared/errors.js';
import type { InflightTracker } from '../shared/inflight.js';
import type { Logger } from '../shared/logger.js';
import { parseInput } from '../shared/validate.js';
import type { Ack, AckFailure, ErrorBody } from './events.js';
import type { ParleySocket } from './types.js';

export interface SocketHandlerOptions<Schema extends z.ZodType, Result extends object> {
  schema: Schema;
  handle: (socket: ParleySocket, input: z.output<Schema>) => Promise<Result>;
  /** Called with the raw payload and the error after a failure, before the ack. */
  onFailure?: (socket: ParleySocket, payload: unknown, error: ErrorBody) => void;
  logger: Logger;
  /** Counts the event until its ack is sent, so a graceful shutdown can wait for it. */
  inflight: InflightTracker;
}

/**
 * What Express 5 does for routes, for socket events: parse with zod, call the service,
 * ack `{ ok: true, ...result }` or `{ ok: false, error }`. Never throws into Socket.IO.
 */
export function socketHandler<Schema extends z.ZodType, Result extends object>({
  schema,
  handle,
  onFailure,
  logger,
  inflight,
}: SocketHandlerOptions<Schema, Result>) {
  return (socket: ParleySocket) =>
    (...args: unknown[]): Promise<void> =>
      inflight.run(async () => {
      // A client may emit an ack callback with no payload at all.
      const [payload, ack] = typeof args[0] === 'function' ? [undefined, args[0]] : args;
      const reply = typeof ack === 'function' ? (ack as (response: Ack<Result>) => void) : undefined;
      try {
        const result = await handle(socket, parseInput(schema, payload));
        reply?.({ ok: true, ...result });
      } catch (error) {
        const appError = toAppError(error);
        const log = logger.child({ socketId: socket.id, userId: socket.data.userId });
        if (appError.status >= 500) log.error({ err: error, code: appError.code }, 'socket event failed');
        else log.debug({ code: appError.code }, 'socket event rejected');
        const failure: AckFailure = { ok: false, ...toErrorPayload(appError) };
        onFailure?.(socket, payload, failure.error);
        reply?.(failure);
      }
      });
}
