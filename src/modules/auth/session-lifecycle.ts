import type { Request } from 'express';
import { errors } from '../../shared/errors.js';

/** A fresh session id at every login, so a session id planted before login is worthless. */
export function startSession(req: Request, userId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((regenerateError) => {
      if (regenerateError) return reject(errors.sessionStoreUnavailable(regenerateError));
      req.session.userId = userId;
      req.session.save((saveError) => (saveError ? reject(errors.sessionStoreUnavailable(saveError)) : resolve()));
    });
  });
}

export function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.destroy((error) => (error ? reject(errors.sessionStoreUnavailable(error)) : resolve()));
  });
}
