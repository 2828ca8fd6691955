import type { z } from 'zod';
import type { Ack, AckFailure, ErrorBody } from '../protocol/events.js';
import { toPublicError } from '../shared/errors.js';
import type { InflightTracker } from '../shared/inflight.js';
import type { Logger } from '../shared/logger.js';
import { correlationId, runInContext } from '../shared/request-context.js';
import { parseInput } from '../shared/validate.js';
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

const requestIdOf = (payload: unknown) => (payload as { requestId?: unknown } | null | undefined)?.requestId;

/**
 * What Express 5 does for routes, for socket events: parse with zod, call the service,
 * ack `{ ok: true, ...result }` or `{ ok: false, error }`. Each event runs in a request context
 * of its own (the payload's requestId or a new one), so every line logged for it carries its
 * correlation id. Never throws into Socket.IO.
 */
export function socketHandler<Schema extends z.ZodType, Result extends object>({
  schema,
  handle,
  onFailure,
  logger,
  inflight,
}: SocketHandlerOptions<Schema, Result>) {
  async function run(socket: ParleySocket, payload: unknown, reply: ((response: Ack<Result>) => void) | undefined) {
    try {
      const result = await handle(socket, parseInput(schema, payload));
      reply?.({ ok: true, ...result });
    } catch (thrown) {
      const { status, body } = toPublicError(thrown);
      if (status >= 500) logger.error({ err: thrown, code: body.code }, 'socket event failed');
      else logger.debug({ code: body.code }, 'socket event rejected');
      const failure: AckFailure = { ok: false, error: body };
      onFailure?.(socket, payload, body);
      reply?.(failure);
    }
  }

  return (socket: ParleySocket) =>
    (...args: unknown[]): Promise<void> => {
      // A client may emit an ack callback with no payload at all.
      const [payload, ack] = typeof args[0] === 'function' ? [undefined, args[0]] : args;
      const reply = typeof ack === 'function' ? (ack as (response: Ack<Result>) => void) : undefined;
      const context = { requestId: correlationId(requestIdOf(payload)), userId: socket.data.userId, socketId: socket.id };
      return runInContext(context, () => inflight.run(() => run(socket, payload, reply)));
    };
}
