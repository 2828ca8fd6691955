import { Router, type Request, type RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';
import { parseInput } from '../../shared/validate.js';
import type { AuthService } from './auth.service.js';
import { identityOf } from '../../shared/identity.js';
import { authenticate } from './authenticate.js';
import { credentialsSchema } from './credentials/credentials.schemas.js';
import { endSession, startSession } from './sessions/session-lifecycle.js';
import { SESSION_COOKIE } from './sessions/session-middleware.js';

export interface AuthRoutesDeps {
  auth: AuthService;
  rateLimit: RequestHandler;
  secureCookie: boolean;
}

/**
 * With the session store away, login still answers with a token (no cookie): the token
 * works on its own, and a cookie is only a convenience for browsers.
 */
async function startSessionIfPossible(req: Request, userId: string, startedAt: Date): Promise<string | undefined> {
  return startSession(req, userId, startedAt).catch((error: unknown) => {
    req.log.warn({ err: error }, 'session not started; answering with the token only');
    return undefined;
  });
}

export function authRoutes({ auth, rateLimit, secureCookie }: AuthRoutesDeps): Router {
  const router = Router();

  // Auth events are logged at info, with the request id and never a password, token or session id.
  router.post('/register', rateLimit, async (req, res) => {
    const user = await auth.register(parseInput(credentialsSchema, req.body));
    req.log.info({ userId: user.id, username: user.username }, 'user registered');
    const issuedAt = new Date(); // a new user has logged out nowhere yet
    const sessionId = await startSessionIfPossible(req, user.id, issuedAt);
    res.status(201).json({ user, token: await auth.issueToken(user.id, sessionId, issuedAt) });
  });

  router.post('/login', rateLimit, async (req, res) => {
    const credentials = parseInput(credentialsSchema, req.body);
    const user = await auth.login(credentials, req.ip ?? 'unknown').catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'invalid_credentials') {
        req.log.info({ username: credentials.username, address: req.ip }, 'login failed');
      }
      throw error;
    });
    req.log.info({ userId: user.id, address: req.ip }, 'login succeeded');
    // After the user's last "log out everywhere", whatever this instance's clock says.
    const issuedAt = await auth.issueInstant(user.id);
    const sessionId = await startSessionIfPossible(req, user.id, issuedAt);
    res.json({ user, token: await auth.issueToken(user.id, sessionId, issuedAt) });
  });

  router.get('/me', authenticate(auth), async (req, res) => {
    res.json({ user: await auth.currentUser(identityOf(req)) });
  });

  router.post('/logout', authenticate(auth), async (req, res) => {
    const identity = identityOf(req);
    await auth.logout(identity);
    req.log.info({ tokenId: identity.token?.tokenId, session: identity.sessionId !== undefined }, 'logged out');
    if (identity.sessionId !== undefined && identity.sessionId === req.session?.id) {
      // The revocation above already refuses the session everywhere; removing it is tidying up.
      await endSession(req).catch((error: unknown) => req.log.warn({ err: error }, 'session not destroyed'));
      res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: secureCookie });
    }
    res.status(204).end();
  });

  router.post('/logout-all', authenticate(auth), async (req, res) => {
    const { userId } = identityOf(req);
    await auth.logoutEverywhere(userId);
    req.log.info({ userId }, 'logged out everywhere');
    if (req.session?.userId === userId) {
      await endSession(req).catch((error: unknown) => req.log.warn({ err: error }, 'session not destroyed'));
      res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: secureCookie });
    }
    res.status(204).end();
  });

  return router;
}
