import type { Request } from 'express';
import type { ExtendedError } from 'socket.io';
import { connectError } from '../../../realtime/connect-error.js';
import { sessionRoom, tokenRoom, userRoom } from '../../../realtime/rooms.js';
import type { ParleySocket } from '../../../realtime/types.js';
import { errors, toPublicError } from '../../../shared/errors.js';
import type { Identity } from '../../../shared/identity.js';
import type { Logger } from '../../../shared/logger.js';
import { correlationId, runInContext, type RequestContext } from '../../../shared/request-context.js';
import type { AuthService } from '../auth.service.js';
import { originAllowed } from '../cross-site.js';
import { sessionStartedAt } from '../sessions/session-lifecycle.js';

export interface SocketAuthOptions {
  auth: AuthService;
  /** Browser origins allowed to open a cookie-authenticated socket (CORS_ORIGINS). */
  allowedOrigins: string[];
  logger: Logger;
}

async function identifySocket(socket: ParleySocket, { auth, allowedOrigins }: SocketAuthOptions): Promise<Identity> {
  const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (token !== undefined) {
    if (typeof token !== 'string' || token.length === 0) throw errors.unauthorized('auth.token must be a string');
    return auth.authenticateToken(token);
  }
  const req = socket.request as Request;
  const userId = req.session?.userId;
  if (!userId) {
    if (req.sessionStoreError) throw errors.sessionStoreUnavailable(req.sessionStoreError);
    throw errors.unauthorized('Send auth.token or the session cookie');
  }
  // A cookie rides along with any page's request: only trusted origins may use it (no cross-site WebSocket hijacking).
  if (!originAllowed(socket.handshake.headers.origin, socket.handshake.headers.host, allowedOrigins)) {
    throw errors.forbidden('Origin not allowed for cookie authentication');
  }
  return auth.authenticateSession(req.sessionID, userId, sessionStartedAt(req));
}

/**
 * Socket.IO handshake middleware: `auth: { token }` (JWT) or the connect.sid session
 * cookie; anything else is refused with a connect_error that says why.
 */
export function socketAuthentication(options: SocketAuthOptions) {
  async function authenticateSocket(socket: ParleySocket, next: (error?: ExtendedError) => void, context: RequestContext): Promise<void> {
    try {
      const identity = await identifySocket(socket, options);
      socket.data = { userId: identity.userId, identity };
      const rooms = [userRoom(identity.userId)];
      if (identity.token) rooms.push(tokenRoom(identity.token.tokenId));
      if (identity.sessionId) rooms.push(sessionRoom(identity.sessionId));
      await socket.join(rooms);
      next();
    } catch (thrown) {
      const { status, body } = toPublicError(thrown);
      const line = { ...context, err: thrown, code: body.code };
      // A refused handshake is an authentication failure, logged like a refused REST request (info).
      if (status >= 500) options.logger.error(line, 'socket authentication failed');
      else options.logger.info(line, 'socket refused');
      next(connectError(body));
    }
  }
  // The handshake's own correlation id: the X-Request-Id header of its HTTP request, when sane.
  return (socket: ParleySocket, next: (error?: ExtendedError) => void): Promise<void> => {
    const context = { requestId: correlationId(socket.handshake.headers['x-request-id']), socketId: socket.id };
    return runInContext(context, () => authenticateSocket(socket, next, context));
  };
}
