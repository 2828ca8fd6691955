import { Router, type RequestHandler } from 'express';
import { parseInput } from '../../shared/validate.js';
import { credentialsSchema } from './auth.schemas.js';
import type { AuthService } from './auth.service.js';
import { authenticate, identityOf } from './authenticate.js';
import { SESSION_COOKIE } from './session.js';
import { endSession, startSession } from './session-lifecycle.js';

export interface AuthRoutesDeps {
  auth: AuthService;
  rateLimit: RequestHandler;
  secureCookie: boolean;
}

export function authRoutes({ auth, rateLimit, secureCookie }: AuthRoutesDeps): Router {
  const router = Router();

  router.post('/register', rateLimit, async (req, res) => {
    const result = await auth.register(parseInput(credentialsSchema, req.body));
    await startSession(req, result.user.id);
    res.status(201).json(result);
  });

  router.post('/login', rateLimit, async (req, res) => {
    const result = await auth.login(parseInput(credentialsSchema, req.body));
    await startSession(req, result.user.id);
    res.json(result);
  });

  router.get('/me', authenticate(auth), async (req, res) => {
    res.json({ user: await auth.currentUser(identityOf(req)) });
  });

  router.post('/logout', authenticate(auth), async (req, res) => {
    const identity = identityOf(req);
    await auth.logout(identity);
    if (identity.sessionId) {
      await endSession(req);
      res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: secureCookie });
    }
    res.status(204).end();
  });

  return router;
}
