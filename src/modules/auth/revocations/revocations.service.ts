import { LRUCache } from 'lru-cache';
import { errors } from '../../../shared/errors.js';
import type { Identity } from '../../../shared/identity.js';
import type { UserRepository } from '../../users/index.js';
import type { AuthEvents } from '../auth-events.js';
import type { SessionKeepAlive } from '../sessions/session-store.js';
import type { TokenService } from '../tokens/tokens.js';
import type { RevocationRepository } from './revocations.repository.js';

export interface RevocationServiceDeps {
  revocations: RevocationRepository;
  users: UserRepository;
  tokens: TokenService;
  sessions: SessionKeepAlive;
  /** The absolute lifetime of tokens and sessions (JWT_TTL), so a revocation lasts as long as what it revokes. */
  sessionTtlSeconds: number;
  events: AuthEvents;
}

const tokenRevocationKey = (tokenId: string) => `token:${tokenId}`;
const sessionRevocationKey = (sessionId: string) => `session:${sessionId}`;

/**
 * Whether issued credentials still hold: a token verifies and neither it nor the login it came
 * from was logged out; a session is within its lifetime and was not logged out; nothing was
 * issued before a "log out everywhere" of its user; and the user exists.
 */
export function createRevocationService({ revocations, users, tokens, sessions, sessionTtlSeconds, events }: RevocationServiceDeps) {
  // Users are never deleted today, so one seen once is remembered; a credential of a user that is
  // not (or no longer) in this store is refused everywhere, not only by /auth/me.
  const knownUsers = new LRUCache<string, true>({ max: 100_000 });
  const lifetimeMs = sessionTtlSeconds * 1000;

  async function userExists(userId: string): Promise<boolean> {
    if (knownUsers.has(userId)) return true;
    if (!(await users.findById(userId))) return false;
    knownUsers.set(userId, true);
    return true;
  }

  /** Issued at or before a "log out everywhere" (a credential without a known start counts as before). */
  async function loggedOutEverywhere(userId: string, issuedAt: Date | undefined): Promise<boolean> {
    const before = await revocations.revokedBefore(userId);
    return before !== undefined && (issuedAt === undefined || issuedAt.getTime() <= before.getTime());
  }

  const sessionRevoked = (sessionId: string | undefined) =>
    sessionId === undefined ? Promise.resolve(false) : revocations.isRevoked(sessionRevocationKey(sessionId));

  async function authenticateToken(token: string): Promise<Identity> {
    const claims = await tokens.verify(token);
    if (await revocations.isRevoked(tokenRevocationKey(claims.tokenId))) throw errors.unauthorized('Token has been revoked');
    if (await sessionRevoked(claims.sessionId)) throw errors.unauthorized('Token has been revoked (its login was logged out)');
    if (await loggedOutEverywhere(claims.userId, claims.issuedAt)) throw errors.unauthorized('Token has been revoked');
    if (!(await userExists(claims.userId))) throw errors.unauthorized('User no longer exists');
    const identity: Identity = { userId: claims.userId, token: claims };
    if (claims.sessionId !== undefined) identity.sessionId = claims.sessionId;
    return identity;
  }

  /** A session is valid within its lifetime, while its store holds it, and until a logout revokes it. */
  async function authenticateSession(sessionId: string, userId: string, startedAt: Date | undefined): Promise<Identity> {
    if (startedAt && Date.now() - startedAt.getTime() > lifetimeMs) throw errors.unauthorized('Session has expired');
    if (await sessionRevoked(sessionId)) throw errors.unauthorized('Session has ended');
    if (await loggedOutEverywhere(userId, startedAt)) throw errors.unauthorized('Session has ended');
    if (!(await userExists(userId))) throw errors.unauthorized('User no longer exists');
    return startedAt ? { userId, sessionId, sessionStartedAt: startedAt } : { userId, sessionId };
  }

  /**
   * Whether credentials accepted earlier (by an open socket) still hold. For a cookie socket the
   * session must still be in its store (not idle too long, not destroyed); asking counts as
   * activity, since an open socket is its user being there.
   */
  async function isStillValid(identity: Identity, now = new Date()): Promise<boolean> {
    const { token, sessionId, sessionStartedAt } = identity;
    if (token) {
      if (token.expiresAt <= now) return false;
      if (await revocations.isRevoked(tokenRevocationKey(token.tokenId))) return false;
    } else if (sessionId !== undefined) {
      if (sessionStartedAt && now.getTime() - sessionStartedAt.getTime() > lifetimeMs) return false;
      if ((await sessions.keepAlive(sessionId)) === false) return false; // undefined: the store cannot tell now
    }
    if (await sessionRevoked(sessionId)) return false;
    if (await loggedOutEverywhere(identity.userId, token?.issuedAt ?? sessionStartedAt)) return false;
    return userExists(identity.userId);
  }

  /** Ends the credentials of this login: the token, and the session it shares a login with. */
  async function logout(identity: Identity): Promise<void> {
    const pending: Promise<void>[] = [];
    if (identity.token) pending.push(revocations.revoke(tokenRevocationKey(identity.token.tokenId), identity.token.expiresAt));
    if (identity.sessionId) pending.push(revocations.revoke(sessionRevocationKey(identity.sessionId), new Date(Date.now() + lifetimeMs)));
    await Promise.all(pending);
    events.emit('loggedOut', identity);
  }

  /** Ends every credential of the user issued until now, and every socket opened with one, on every instance. */
  async function logoutEverywhere(userId: string): Promise<void> {
    const now = Date.now();
    await revocations.revokeAllBefore(userId, new Date(now), new Date(now + lifetimeMs));
    events.emit('loggedOutEverywhere', userId);
  }

  return { authenticateToken, authenticateSession, isStillValid, logout, logoutEverywhere };
}
