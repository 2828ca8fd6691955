import type { Request } from 'express';
import { errors } from './errors.js';

/** What a verified token says. */
export interface TokenClaims {
  userId: string;
  /** The token's jti: what logout revokes. */
  tokenId: string;
  /** The session started by the same login (the `sid` claim): logging out with either ends both. */
  sessionId?: string;
  /** When it was issued (the `iat` claim, whole seconds): "log out everywhere" revokes what came before. */
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * Who a request or socket acts as, and with which credentials: logout ends exactly these,
 * and an open socket lives only as long as they hold.
 */
export interface Identity {
  userId: string;
  /** Present when authenticated with a token. */
  token?: TokenClaims;
  /** The session of the same login: the cookie's, or the one the token's `sid` names. */
  sessionId?: string;
  /** Present when authenticated with the session cookie: when that session began. */
  sessionStartedAt?: Date;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by auth's `authenticate` middleware: who is calling and with which credentials. */
      identity?: Identity;
    }
  }
}

/** The caller's identity inside a route mounted behind authentication (any module's routes). */
export function identityOf(req: Request): Identity {
  if (!req.identity) throw errors.unauthorized();
  return req.identity;
}
