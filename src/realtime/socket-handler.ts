import type { z } from 'zod';
import type { Ack, AckFailure, ErrorBody } from '../protocol/events.js';
import { isExpectedRefusal, toPublicError } from '../shared/errors.js';
import type { InflightTracker } from '../shared/inflight.js';
import type { Logger } from '../shared/logger.js';
import { correlationId, isContextCarried, runInContext, type RequestContext } from '../shared/request-context.js';
import { parseInput } from '../shared/validate.js';
import type { ParleySocket } from './types.js';

export interface SocketHandlerOptions<Schema extends z.ZodType, Result extends object> {
  schema: Schema;
  handle: (socket: ParleySocket, input: z.output<Schema>) => Promise<Result>;
  /** Called with the raw payload and the error after a failure, before the ack (`acked`: the client gave an ack callback). */
  onFailure?: (socket: ParleySocket, payload: unknown, error: ErrorBody, acked: boolean) => void;
  logger: Logger;
  /** Counts the event until its ack is sent, so a graceful shutdown can wait for it. */
  inflight: InflightTracker;
}

const requestIdOf = (payload: unknown) => (payload as { requestId?: unknown } | null | undefined)?.requestId;

const FAILURE_MESSAGES = { debug: 'socket event shed', error: 'socket event failed', info: 'socket event rejected' } as const;

const contextOf = (socket: ParleySocket, payload: unknown): RequestContext => ({
  requestId: correlationId(requestIdOf(payload)),
  userId: socket.data.userId,
  socketId: socket.id,
});

/**
 * What Express 5 does for routes, for socket events: parse with zod, call the service,
 * ack `{ ok: true, ...result }` or `{ ok: false, error }`. Each event has a correlation id (the
 * payload's requestId when sane, or a new one) on the lines logged for it: at debug it runs in its
 * request context, so services' and stores' lines carry it too. Never throws into Socket.IO.
 */
export function socketHandler<Schema extends z.ZodType, Result extends object>({
  schema,
  handle,
  onFailure,
  logger,
  inflight,
}: SocketHandlerOptions<Schema, Result>) {
  type Reply = (response: Ack<Result>) => void;

  /** `carried`: the event's context when contexts are carried; else one is made only for a failure's log line. */
  async function run(socket: ParleySocket, payload: unknown, reply: Reply | undefined, carried: RequestContext | undefined) {
    inflight.enter();
    try {
      const result = await handle(socket, parseInput(schema, payload));
      reply?.({ ok: true, ...result });
    } catch (thrown) {
      const { status, body } = toPublicError(thrown);
      // As for REST answers: shed load at debug, 5xx at error, refusals (validation, limits,
      // authorization) at info. The line (and its correlation id) is made only when it is written:
      // while overloaded, shed events come by the thousand and debug is off.
      const level = isExpectedRefusal(body.code) ? 'debug' : status >= 500 ? 'error' : 'info';
      if (logger.isLevelEnabled(level)) {
        logger[level]({ ...(carried ?? contextOf(socket, payload)), err: thrown, code: body.code }, FAILURE_MESSAGES[level]);
      }
      const failure: AckFailure = { ok: false, error: body };
      onFailure?.(socket, payload, body, reply !== undefined);
      reply?.(failure);
    } finally {
      inflight.leave();
    }
  }

  return (socket: ParleySocket) =>
    (...args: unknown[]): Promise<void> => {
      // Socket.IO hands the ack callback over last, whatever came before it (nothing, or extra arguments).
      const ack = args.at(-1);
      const reply = typeof ack === 'function' ? (ack as Reply) : undefined;
      const payload = typeof args[0] === 'function' ? undefined : args[0];
      // A correlation id is a random UUID: made for every event, it was a tenth of the send path's
      // garbage (bench/bare/send-path-cost.ts). Without carried contexts only a failure needs one.
      if (!isContextCarried()) return run(socket, payload, reply, undefined);
      const context = contextOf(socket, payload);
      return runInContext(context, () => run(socket, payload, reply, context));
    };
}
