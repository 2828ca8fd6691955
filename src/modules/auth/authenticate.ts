import type { Request, RequestHandler } from 'express';
import { errors } from '../../shared/errors.js';
import type { Identity } from '../../shared/identity.js';
import { setContextUser } from '../../shared/request-context.js';
import type { AuthService } from './auth.service.js';
import { sessionStartedAt } from './sessions/session-lifecycle.js';

const bearerPattern = /^Bearer\s+(\S+)$/i;

/** The Bearer token when sent (and then it alone decides), else the session cookie. */
async function identify(auth: AuthService, req: Request): Promise<Identity> {
  const header = req.get('authorization');
  if (header !== undefined) {
    const token = bearerPattern.exec(header)?.[1];
    if (!token) throw errors.unauthorized('Authorization header must be "Bearer <token>"');
    const identity = await auth.authenticateToken(token);
    // A session of the same user sent along is part of the credentials: logout ends it too.
    if (identity.sessionId === undefined && req.session?.userId === identity.userId) identity.sessionId = req.sessionID;
    return identity;
  }
  const userId = req.session?.userId;
  if (userId) return auth.authenticateSession(req.sessionID, userId, sessionStartedAt(req));
  if (req.sessionStoreError) throw errors.sessionStoreUnavailable(req.sessionStoreError);
  throw errors.unauthorized();
}

export function authenticate(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    req.identity = await identify(auth, req);
    req.log = req.log.child({ userId: req.identity.userId });
    setContextUser(req.identity.userId); // for lines logged by the services and stores it calls
    next();
  };
}

