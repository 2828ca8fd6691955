import type { ExtendedError } from 'socket.io';
import { connectError } from '../../realtime/connect-error.js';
import type { ParleySocket } from '../../realtime/types.js';
import { errors, toPublicError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { PresenceStore } from './presence.store.js';

export interface ConnectionLimitOptions {
  presence: PresenceStore;
  /** Open sockets per user, on every instance together; 0: no limit. */
  maxSocketsPerUser: number;
  logger: Logger;
}

/**
 * Handshake middleware, after authentication: a user with maxSocketsPerUser sockets open already
 * gets a connect_error too_many_connections. Counted from presence, so across instances; two
 * handshakes at the same instant may both pass (the limit is a bound on abuse, not an exact
 * count). While presence cannot be read (Redis away), handshakes are let through.
 */
export function limitSocketsPerUser({ presence, maxSocketsPerUser, logger }: ConnectionLimitOptions) {
  return async (socket: ParleySocket, next: (error?: ExtendedError) => void): Promise<void> => {
    if (maxSocketsPerUser === 0) return next();
    const open = await presence.countSockets(socket.data.userId).catch((error: unknown) => {
      logger.warn({ err: error }, 'socket count unavailable; handshake let through');
      return 0;
    });
    if (open < maxSocketsPerUser) return next();
    const { body } = toPublicError(errors.tooManyConnections(maxSocketsPerUser));
    logger.info({ userId: socket.data.userId, open }, 'socket refused: too many connections');
    next(connectError(body));
  };
}
