import { LRUCache } from 'lru-cache';
import { errors } from '../../../shared/errors.js';
import type { Identity } from '../../../shared/identity.js';
import type { UserRepository } from '../../users/index.js';
import type { AuthEvents } from '../auth-events.js';
import type { SessionKeepAlive } from '../sessions/session-store.js';
import type { TokenService } from '../tokens/tokens.js';
import { CLOCK_SKEW_TOLERANCE_MS, REVOCATION_GRACE_MS } from './clock-skew.js';
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
    const until = (instant: number) => new Date(instant + REVOCATION_GRACE_MS);
    if (identity.token) pending.push(revocations.revoke(tokenRevocationKey(identity.token.tokenId), until(identity.token.expiresAt.getTime())));
    if (identity.sessionId) pending.push(revocations.revoke(sessionRevocationKey(identity.sessionId), until(Date.now() + lifetimeMs)));
    await Promise.all(pending);
    events.emit('loggedOut', identity);
  }

  /**
   * Ends every credential of the user issued until now, and every socket opened with one, on every
   * instance. "Until now" is compared with each credential's issue time, which the instance that
   * issued it read from its own clock: so what is revoked is everything issued up to
   * CLOCK_SKEW_TOLERANCE_MS later than this clock reads (a login made a moment ago on an instance
   * whose clock is ahead), and logins after this one start after that instant (`issueInstant`).
   * Each call also revokes everything a previous one let through.
   */
  async function logoutEverywhere(userId: string): Promise<void> {
    const previous = await revocations.revokedBefore(userId);
    const before = Math.max(Date.now() + CLOCK_SKEW_TOLERANCE_MS, previous === undefined ? 0 : previous.getTime() + 1000);
    await revocations.revokeAllBefore(userId, new Date(before), new Date(before + lifetimeMs + REVOCATION_GRACE_MS));
    events.emit('loggedOutEverywhere', userId);
  }

  /**
   * The issue time of a credential issued to the user now: this clock's, or, when the user's last
   * "log out everywhere" was recorded for a later instant (it reaches the skew tolerance ahead, or
   * it was recorded by a clock ahead of this one), the first whole second after that instant, so
   * that a login made after it is never taken for one made before it. A token's expiry still
   * counts from now; a session's JWT_TTL lifetime counts from this instant (so a session begun
   * just after a "log out everywhere" may last up to the skew tolerance longer).
   */
  async function issueInstant(userId: string): Promise<Date> {
    const before = await revocations.revokedBefore(userId);
    const firstSecondAfter = before === undefined ? 0 : (Math.floor(before.getTime() / 1000) + 1) * 1000;
    return new Date(Math.max(Date.now(), firstSecondAfter));
  }

  return { authenticateToken, authenticateSession, isStillValid, logout, logoutEverywhere, issueInstant };
}
