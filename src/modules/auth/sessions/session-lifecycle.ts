import type { Request } from 'express';
import { errors } from '../../../shared/errors.js';

/**
 * A fresh session id at every login, so a session id planted before login is worthless. Resolves
 * with it. `startedAt` (default now) is the login's issue instant: "log out everywhere" compares it,
 * and the session ends JWT_TTL after it.
 */
export function startSession(req: Request, userId: string, startedAt = new Date()): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (cause: unknown) => {
      dropSession(req);
      reject(errors.sessionStoreUnavailable(cause));
    };
    if (!req.session) return fail(req.sessionStoreError);
    req.session.regenerate((regenerateError) => {
      if (regenerateError) return fail(regenerateError);
      req.session.userId = userId;
      req.session.createdAt = startedAt.getTime();
      req.session.save((saveError) => (saveError ? fail(saveError) : resolve(req.sessionID)));
    });
  });
}

/** No session object, no Set-Cookie: a cookie for a session that was never stored would mislead. */
function dropSession(req: Request): void {
  delete (req as { session?: unknown }).session;
}

export function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.destroy((error) => (error ? reject(errors.sessionStoreUnavailable(error)) : resolve()));
  });
}

/** When the request's session began, if it has one that knows (sessions made before 0.2 do not). */
export function sessionStartedAt(req: Request): Date | undefined {
  const createdAt = req.session?.createdAt;
  return typeof createdAt === 'number' ? new Date(createdAt) : undefined;
}
