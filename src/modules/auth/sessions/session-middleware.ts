import type { RequestHandler } from 'express';
import session from 'express-session';

declare module 'express-session' {
  interface SessionData {
    userId: string;
    /** When the login began (ms since the epoch): the session ends JWT_TTL later, however active. */
    createdAt: number;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set when the session store could not be read for this request. */
      sessionStoreError?: unknown;
    }
  }
}

export const SESSION_COOKIE = 'connect.sid';

export interface SessionOptions {
  secret: string;
  store: session.Store;
  /** The idle timeout: the cookie (and the stored session) expire this long after the last request. */
  idleSeconds: number;
  /** Secure cookies (HTTPS only); on in production. */
  secureCookie: boolean;
}

/**
 * express-session, tolerant of its store being away: the request goes on without a
 * session (noting why), so Bearer-token requests and logins still work; a request that
 * needs its session is answered 503 session_store_unavailable by `authenticate`.
 */
export function createSessionMiddleware({ secret, store, idleSeconds, secureCookie }: SessionOptions): RequestHandler {
  const sessions = session({
    name: SESSION_COOKIE,
    secret,
    store,
    resave: false,
    saveUninitialized: false,
    // Rolling: every request with the cookie pushes its expiry (and the store's) idleSeconds further.
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: secureCookie, maxAge: idleSeconds * 1000 },
  });
  return (req, res, next) => {
    sessions(req, res, (error?: unknown) => {
      if (error) req.sessionStoreError = error;
      next();
    });
  };
}

/**
 * The session middleware only for requests that carry a cookie: without one there is no session
 * to load, and express-session would still build an empty one per request (~8% of a GET).
 * Routes that create sessions (login) use the middleware itself.
 */
export function whenCookieSent(middleware: RequestHandler): RequestHandler {
  return (req, res, next) => (req.headers.cookie === undefined ? next() : middleware(req, res, next));
}
